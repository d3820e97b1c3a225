/** Suricata-compatible rules, the multi-pattern prefilter, evaluation and the alert model. */
package io.crowsnest.detection;
