package io.crowsnest.decoders.defrag;

/**
 * Defragmentation limits, per decoding thread (Suricata's {@code defrag:} section). Immutable.
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
 */
public record DefragConfig(long memcapBytes, int timeoutSeconds, int maxFragments, int maxTrackers) {
    public static final long DEFAULT_MEMCAP = 32L << 20;
    public static final int DEFAULT_TIMEOUT_SECONDS = 60;
    public static final int DEFAULT_MAX_FRAGMENTS = 256;
    public static final int DEFAULT_MAX_TRACKERS = 65_536;

    public DefragConfig {
        if (memcapBytes < 64 * 1024) {
            throw new IllegalArgumentException("defrag memcap below 64 KiB: " + memcapBytes);
        }
        if (timeoutSeconds < 1 || maxFragments < 2 || maxTrackers < 1) {
            throw new IllegalArgumentException("defrag timeout, max fragments and max trackers must be positive");
        }
    }

    public static DefragConfig defaults() {
        return new DefragConfig(DEFAULT_MEMCAP, DEFAULT_TIMEOUT_SECONDS, DEFAULT_MAX_FRAGMENTS, DEFAULT_MAX_TRACKERS);
    }
}
