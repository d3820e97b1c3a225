package io.crowsnest.identity;

/**
 * Who held an address at a time: what the outputs ask to name both ends of an alert. An
 * {@link io.crowsnest.identity.history.IdentityHistory} (replay with a recorded identity file) and
 * a {@link WorkloadResolver} (live) both answer it. Implementations must not block.
 */
@FunctionalInterface
public interface WorkloadLookup {
    /** The workload that held the address (two longs, IPv4 as ::ffff:a.b.c.d) at the time, or null. */
    Workload lookup(long addressHi, long addressLo, long epochNanos);
}
