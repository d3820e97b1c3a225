package io.crowsnest.identity.history;

import io.crowsnest.identity.IpKey;
import io.crowsnest.identity.Workload;

/**
 * {@code address} was held by {@code workload} from {@code fromNanos} (inclusive) until {@code untilNanos}
 * (exclusive; {@link #OPEN} while it still holds it). Times are epoch nanoseconds, like packet timestamps.
 */
public record Interval(IpKey address, Workload workload, long fromNanos, long untilNanos) {

    public static final long OPEN = Long.MAX_VALUE;

    public boolean isOpen() {
        return untilNanos == OPEN;
    }

    public boolean covers(long t) {
        return t >= fromNanos && t < untilNanos;
    }

    Interval closedAt(long until) {
        return new Interval(address, workload, fromNanos, until);
    }
}
