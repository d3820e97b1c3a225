package io.crowsnest.decoders;

import io.crowsnest.decoders.checksum.ChecksumPolicy;
import io.crowsnest.decoders.defrag.DefragConfig;
import io.crowsnest.decoders.defrag.Defragmenter;

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
 *
 * <p>IP fragments go to the {@link Defragmenter} (always on, as in Suricata): a fragment that
 * completes its datagram leaves this method as the whole datagram (the slot rewritten, decoded
 * to L4, {@link Packet#reassembled}); the others are marked {@link Packet#fragmentHeld}.
 */
public final class PacketDecoder {
    private final DecoderConfig config;
    private final long[] eventCounts = new long[DecoderEvent.count()];
    private final DecodeContext ctx;
    private final Defragmenter defrag;

    public PacketDecoder(DecoderConfig config) {
        this(config, DefragConfig.defaults());
    }

    public PacketDecoder(DecoderConfig config, DefragConfig defragConfig) {
        this.config = config;
        this.ctx = new DecodeContext(config, eventCounts);
        this.defrag = new Defragmenter(defragConfig, ctx);
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
        if (p.fragment && p.decoded) {
            // The fragment's own checksum marks are sampled before the defragmenter may rewrite the
            // slot: a rebuilt datagram carries UNCHECKED marks (it is not re-validated).
            recordChecksums(p);
            defrag.fragment(p);
            if (p.decoded) {
                p.flowHash = FlowHash.of(p);
            }
            return p.decoded;
        }
        defrag.tick(p.tsSeconds * 1_000_000_000L + p.tsNanos);
        if (p.decoded) {
            p.flowHash = FlowHash.of(p);
        }
        recordChecksums(p);
        return p.decoded;
    }

    private void recordChecksums(Packet p) {
        if (p.ipChecksum != ChecksumState.UNCHECKED || p.l4Checksum != ChecksumState.UNCHECKED) {
            ctx.checksums.recordPacket(p.ipChecksum == ChecksumState.BAD || p.l4Checksum == ChecksumState.BAD);
        }
    }

    /** The thread's defragmenter (trackers in use, memory), for stats and tests. */
    public Defragmenter defragmenter() {
        return defrag;
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
