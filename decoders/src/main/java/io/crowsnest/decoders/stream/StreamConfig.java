package io.crowsnest.decoders.stream;

/**
 * Limits of the TCP reassembler. Defaults follow Suricata's stream engine: reassembly depth 1 MiB per
 * stream direction; the memory cap covers buffered out-of-order segments and raw-inspection windows of
 * one reassembler (one per worker thread).
 */
public final class StreamConfig {
    /** Bytes delivered per direction before reassembly stops (Suricata stream.reassembly.depth). */
    public int depth = 1 << 20;
    /** Memory for out-of-order segments and raw windows of one reassembler (bytes). */
    public long memcap = 64L << 20;
    /** Out-of-order bytes buffered per direction; beyond this a segment is dropped (counted). */
    public int maxOutOfOrderBytes = 256 << 10;
    /** Out-of-order segments per direction. */
    public int maxSegments = 256;
    /** Pick up sessions without a handshake (Suricata stream.midstream). */
    public boolean midstream;
    /** Size of the per-direction raw-stream window kept for payload rules (0: none). */
    public int rawWindow = 4096;

    public static StreamConfig defaults() {
        return new StreamConfig();
    }
}
