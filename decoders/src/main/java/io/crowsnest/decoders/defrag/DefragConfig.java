package io.crowsnest.decoders.defrag;

import java.util.Objects;

/**
 * Defragmentation limits and overlap policies, per decoding thread (Suricata's {@code defrag:}
 * and {@code host-os-policy:} sections). Immutable.
 *
 * @param memcapBytes   bytes the defragmenter may hold: fragment data, pooled buffers and tracker
 *                      bookkeeping (Suricata {@code defrag.memcap}, 32 MiB). Reaching it drops the
 *                      least recently used incomplete datagram ({@code defrag.memcap_reached}).
 * @param timeoutSeconds an incomplete datagram is dropped this long after its last fragment, by
 *                      packet time (Suricata {@code defrag.timeout}, 60 s)
 * @param maxFragments  fragments one datagram may take; one more drops it
 *                      ({@code defrag.too_many_fragments}); 256
 * @param maxTrackers   datagrams under reassembly at once (Suricata {@code defrag.trackers},
 *                      65,536); one more drops the least recently used ({@code defrag.max_trackers_reached})
 * @param policy        overlap policy for destinations no host policy covers ({@link DefragPolicy#BSD}, as Suricata)
 * @param hostPolicies  overlap policy per destination address block (Suricata's host-os-policy)
 */
public record DefragConfig(long memcapBytes, int timeoutSeconds, int maxFragments, int maxTrackers,
        DefragPolicy policy, HostPolicies hostPolicies) {
    public static final long DEFAULT_MEMCAP = 32L << 20;
    public static final int DEFAULT_TIMEOUT_SECONDS = 60;
    public static final int DEFAULT_MAX_FRAGMENTS = 256;
    public static final int DEFAULT_MAX_TRACKERS = 65_536;
    /** Suricata's limit on {@code defrag.timeout}: 24 hours. */
    public static final int MAX_TIMEOUT_SECONDS = 86_400;

    public DefragConfig {
        if (memcapBytes < 64 * 1024) {
            throw new IllegalArgumentException("defrag memcap below 64 KiB: " + memcapBytes);
        }
        if (timeoutSeconds < 1 || maxFragments < 2 || maxTrackers < 1) {
            throw new IllegalArgumentException("defrag timeout, max fragments and max trackers must be positive");
        }
        Objects.requireNonNull(policy, "defrag policy");
        Objects.requireNonNull(hostPolicies, "defrag host policies");
    }

    /** The limits with the default policy (bsd) for every host. */
    public DefragConfig(long memcapBytes, int timeoutSeconds, int maxFragments, int maxTrackers) {
        this(memcapBytes, timeoutSeconds, maxFragments, maxTrackers, DefragPolicy.BSD, HostPolicies.NONE);
    }

    public static DefragConfig defaults() {
        return new DefragConfig(DEFAULT_MEMCAP, DEFAULT_TIMEOUT_SECONDS, DEFAULT_MAX_FRAGMENTS, DEFAULT_MAX_TRACKERS);
    }

    public DefragConfig withPolicy(DefragPolicy p) {
        return new DefragConfig(memcapBytes, timeoutSeconds, maxFragments, maxTrackers, p, hostPolicies);
    }

    public DefragConfig withHostPolicies(HostPolicies h) {
        return new DefragConfig(memcapBytes, timeoutSeconds, maxFragments, maxTrackers, policy, h);
    }

    public DefragConfig withLimits(long memcap, int timeout, int fragments, int trackers) {
        return new DefragConfig(memcap, timeout, fragments, trackers, policy, hostPolicies);
    }
}
