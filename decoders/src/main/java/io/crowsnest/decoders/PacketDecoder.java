package io.crowsnest.decoders;

/**
 * Decodes a {@link Packet} in place: link layer, VLAN tags, IPv4/IPv6, TCP/UDP/ICMP, and
 * the container overlays (VXLAN, Geneve, GRE, IP-in-IP) down to the innermost packet.
 * Never throws on packet content: malformed input becomes {@link DecoderEvent}s.
 *
 * <p>One instance per decoding thread (it keeps event counters and the checksum auto-mode
 * sample without synchronisation).
 */
public final class PacketDecoder {
    private final DecoderConfig config;
    private final long[] eventCounts = new long[DecoderEvent.count()];

    public PacketDecoder(DecoderConfig config) {
        this.config = config;
    }

    /** Decodes {@code p}; returns true when an IP layer was decoded. */
    public boolean decode(Packet p) {
        p.resetDecoded();
        throw new UnsupportedOperationException("TODO: decoders");
    }

    /** Events counted so far, indexed by {@link DecoderEvent#ordinal()}. */
    public long[] eventCounts() {
        return eventCounts;
    }
}
