package io.crowsnest.decoders.stream;

/** Counters of one reassembler (read by the owning thread, or after it stopped). */
public final class StreamStats {
    public long sessions;
    public long segments;
    public long bytesDelivered;
    public long outOfOrder;
    public long retransmissions;
    public long overlaps;
    public long gaps;
    public long gapBytes;
    /** Segments dropped because the per-direction out-of-order cap was hit. */
    public long oooCapDrops;
    /** Segments dropped because the memory cap was hit. */
    public long memcapDrops;
    /** Directions that reached the reassembly depth. */
    public long depthReached;
    public long resets;
    public long midstreamPickups;

    @Override
    public String toString() {
        return "sessions=" + sessions + " segments=" + segments + " bytes=" + bytesDelivered + " ooo=" + outOfOrder
                + " retrans=" + retransmissions + " overlaps=" + overlaps + " gaps=" + gaps + " oooCapDrops="
                + oooCapDrops + " memcapDrops=" + memcapDrops + " depthReached=" + depthReached;
    }
}
