package io.crowsnest.decoders.flow;

/** Limits and timeouts of a {@link FlowTable}. Immutable. */
public final class FlowTableConfig {
    /** Hard cap of flows per table (per worker); past it the least recently used flow is evicted. */
    public final int maxFlows;
    public final long newTimeoutNanos;
    public final long establishedTimeoutNanos;
    public final long closedTimeoutNanos;
    /** Pick up TCP flows without a handshake as established (Suricata's stream.midstream). */
    public final boolean midstream;
    public final int flowbitWords;
    public final int flowintCount;

    public FlowTableConfig(int maxFlows, long newTimeoutSeconds, long establishedTimeoutSeconds,
                           long closedTimeoutSeconds, boolean midstream, int flowbitCount, int flowintCount) {
        if (maxFlows < 1) {
            throw new IllegalArgumentException("maxFlows must be at least 1, got " + maxFlows);
        }
        this.maxFlows = maxFlows;
        this.newTimeoutNanos = newTimeoutSeconds * 1_000_000_000L;
        this.establishedTimeoutNanos = establishedTimeoutSeconds * 1_000_000_000L;
        this.closedTimeoutNanos = closedTimeoutSeconds * 1_000_000_000L;
        this.midstream = midstream;
        this.flowbitWords = (Math.max(1, flowbitCount) + 63) / 64;
        this.flowintCount = flowintCount;
    }

    /** Suricata's default flow timeouts (new 30 s, established 300 s, closed 10 s), 64k flows per worker. */
    public static FlowTableConfig defaults(boolean midstream, int flowbitCount, int flowintCount) {
        return new FlowTableConfig(65_536, 30, 300, 10, midstream, flowbitCount, flowintCount);
    }
}
