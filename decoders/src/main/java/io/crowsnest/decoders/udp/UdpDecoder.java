package io.crowsnest.decoders.udp;

import io.crowsnest.decoders.Bytes;
import io.crowsnest.decoders.DecodeContext;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.L4Checksums;
import io.crowsnest.decoders.Packet;

/**
 * UDP header and checksum (0 over IPv4 means "no checksum"; over IPv6 it is invalid), then the
 * overlays on their destination ports: VXLAN ({@code config.vxlanPorts}) and Geneve
 * ({@code config.genevePorts}).
 */
public final class UdpDecoder {
    public static final int HEADER_LEN = 8;

    private final DecodeContext ctx;

    public UdpDecoder(DecodeContext ctx) {
        this.ctx = ctx;
    }

    public void decode(Packet p, int off, int end, int claimedEnd) {
        byte[] d = p.data;
        if (end - off < HEADER_LEN) {
            ctx.event(p, DecoderEvent.UDP_HLEN_TOO_SMALL);
            return;
        }
        int udpLen = Bytes.u16(d, off + 4);
        if (udpLen < HEADER_LEN) {
            ctx.event(p, DecoderEvent.UDP_LEN_INVALID);
            return;
        }
        int ipPayloadLen = claimedEnd - off;
        if (udpLen > ipPayloadLen) {
            ctx.event(p, DecoderEvent.UDP_PKT_TOO_SMALL);
            return;
        }
        if (udpLen < ipPayloadLen) {
            ctx.event(p, DecoderEvent.UDP_HLEN_INVALID); // trailing bytes after the datagram: ignored
        }
        int dgramEnd = off + udpLen;
        int payloadEnd = Math.min(dgramEnd, end);
        p.l4Offset = off;
        p.l4HeaderLength = HEADER_LEN;
        p.srcPort = Bytes.u16(d, off);
        p.dstPort = Bytes.u16(d, off + 2);
        p.payloadOffset = off + HEADER_LEN;
        p.payloadLength = payloadEnd - (off + HEADER_LEN);

        if (dgramEnd <= end && ctx.checksums.active()) {
            int field = Bytes.u16(d, off + 6);
            if (field != 0) {
                ctx.l4Checksum(p, L4Checksums.valid(p, 17, off, udpLen), DecoderEvent.UDP_CHECKSUM_INVALID);
            } else if (p.ipVersion == 6) {
                ctx.l4Checksum(p, false, DecoderEvent.UDP_CHECKSUM_INVALID);
            }
        }

        if (ctx.isVxlanPort(p.dstPort)) {
            ctx.vxlan.decode(p, off + HEADER_LEN, payloadEnd);
        } else if (ctx.isGenevePort(p.dstPort)) {
            ctx.geneve.decode(p, off + HEADER_LEN, payloadEnd);
        }
    }
}
