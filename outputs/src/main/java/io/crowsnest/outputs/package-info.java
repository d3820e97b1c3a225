/** Alert outputs: EVE JSON (and, later, syslog/HTTP/Kafka forwarding). */
package io.crowsnest.outputs;
