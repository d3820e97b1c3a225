package io.crowsnest.decoders;

import io.crowsnest.decoders.checksum.ChecksumPolicy;

/**
 * Decodes a {@link Packet} in place: link layer, VLAN tags, IPv4/IPv6, TCP/UDP/ICMP, and
 * the container overlays (VXLAN, Geneve, GRE, IP-in-IP) down to the innermost packet.
 * Never throws on packet content: malformed input becomes {@link DecoderEvent}s.
 * Allocates nothing per packet.
 *
 * <p>One instance per decoding thread (it keeps event counters and the checksum auto-mode
 * sample without synchronisation).
 *
 * <p>The protocol decoders live one per package ({@code io.crowsnest.decoders.ethernet},
 * {@code .vlan}, {@code .sll}, {@code .loopback}, {@code .raw}, {@code .arp}, {@code .pppoe},
 * {@code .ipv4}, {@code .ipv6}, {@code .tcp}, {@code .udp}, {@code .icmp}, {@code .vxlan},
 * {@code .geneve}, {@code .gre}, {@code .ipip}); {@link DecodeContext} wires and dispatches them.
 */
public final class PacketDecoder {
    private final DecoderConfig config;
    private final long[] eventCounts = new long[DecoderEvent.count()];
    private final DecodeContext ctx;

    public PacketDecoder(DecoderConfig config) {
        this.config = config;
        this.ctx = new DecodeContext(config, eventCounts);
    }

    /** Decodes {@code p}; returns true when an IP layer was decoded. */
    public boolean decode(Packet p) {
        p.resetDecoded();
        int end = p.length;
        if (end > p.data.length) {
            ctx.event(p, DecoderEvent.PKT_TOO_LARGE);
            end = p.data.length;
        }
        if (end < 0) {
            end = 0;
        }
        ctx.decodeLink(p, end);
        if (p.decoded) {
            p.flowHash = FlowHash.of(p);
        }
        if (p.ipChecksum != ChecksumState.UNCHECKED || p.l4Checksum != ChecksumState.UNCHECKED) {
            ctx.checksums.recordPacket(p.ipChecksum == ChecksumState.BAD || p.l4Checksum == ChecksumState.BAD);
        }
        return p.decoded;
    }

    /** Events counted so far, indexed by {@link DecoderEvent#ordinal()}. */
    public long[] eventCounts() {
        return eventCounts;
    }

    /** Whether checksums are currently validated (AUTO mode may have switched it off). */
    public boolean checksumValidationActive() {
        return ctx.checksums.active();
    }

    /** Packets seen with at least one invalid checksum. */
    public long invalidChecksumCount() {
        return ctx.checksums.invalidPackets();
    }

    /** Packets for which at least one checksum was validated. */
    public long checkedChecksumCount() {
        return ctx.checksums.checkedPackets();
    }

    public DecoderConfig config() {
        return config;
    }

    public ChecksumPolicy checksumPolicy() {
        return ctx.checksums;
    }
}
