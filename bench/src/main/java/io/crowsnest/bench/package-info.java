/** JMH micro-benchmarks and the replay benchmark. */
package io.crowsnest.bench;
