package io.crowsnest.decoders.geneve;

import io.crowsnest.decoders.Bytes;
import io.crowsnest.decoders.DecodeContext;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.EtherTypes;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.TunnelType;

/**
 * Geneve (RFC 8926): version 0 only (other versions stay plain UDP), 8-byte base header plus
 * options (length in 4-byte words, each option TLV checked to fit), protocol type 0x6558
 * (Ethernet), 0x0800 or 0x86DD; the VNI becomes {@link Packet#tunnelId}.
 */
public final class GeneveDecoder {
    public static final int HEADER_LEN = 8;

    private final DecodeContext ctx;

    public GeneveDecoder(DecodeContext ctx) {
        this.ctx = ctx;
    }

    public void decode(Packet p, int off, int end) {
        byte[] d = p.data;
        if (end - off < HEADER_LEN) {
            ctx.event(p, DecoderEvent.GENEVE_PKT_TOO_SMALL);
            return;
        }
        int b0 = d[off] & 0xff;
        if ((b0 >>> 6) != 0) {
            return; // not Geneve version 0: leave it as UDP
        }
        int optLen = (b0 & 0x3f) << 2;
        int inner = off + HEADER_LEN + optLen;
        if (inner > end) {
            ctx.event(p, DecoderEvent.GENEVE_PKT_TOO_SMALL);
            return;
        }
        for (int o = off + HEADER_LEN; o < inner; ) {
            if (inner - o < 4) {
                ctx.event(p, DecoderEvent.GENEVE_INVALID_OPTLEN);
                return;
            }
            int len = 4 + ((d[o + 3] & 0x1f) << 2);
            if (o + len > inner) {
                ctx.event(p, DecoderEvent.GENEVE_INVALID_OPTLEN);
                return;
            }
            o += len;
        }
        int proto = Bytes.u16(d, off + 2);
        if (proto != EtherTypes.TEB && proto != EtherTypes.IPV4 && proto != EtherTypes.IPV6) {
            ctx.event(p, DecoderEvent.GENEVE_UNKNOWN_PAYLOAD_TYPE);
            return;
        }
        int vni = Bytes.u24(d, off + 4);
        if (!ctx.enterTunnel(p, TunnelType.GENEVE, vni)) {
            return;
        }
        if (proto == EtherTypes.TEB) {
            ctx.ethernet.decode(p, inner, end);
        } else {
            ctx.decodeEtherType(p, proto, inner, end);
        }
    }
}
