package io.crowsnest.decoders.pppoe;

import io.crowsnest.decoders.Bytes;
import io.crowsnest.decoders.DecodeContext;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.Packet;

/**
 * PPPoE session stage (EtherType 0x8864): 6-byte header (ver/type 0x11, code 0, session id,
 * length) then a 2-byte PPP protocol: 0x0021 IPv4, 0x0057 IPv6. PPP control protocols are
 * accepted silently; anything else raises {@code decoder.ppp.unsup_proto}.
 */
public final class PppoeDecoder {
    public static final int SESSION_HEADER_LEN = 6;
    static final int PPP_IPV4 = 0x0021;
    static final int PPP_IPV6 = 0x0057;

    private final DecodeContext ctx;

    public PppoeDecoder(DecodeContext ctx) {
        this.ctx = ctx;
    }

    public void decodeSession(Packet p, int off, int end) {
        byte[] d = p.data;
        if (end - off < SESSION_HEADER_LEN) {
            ctx.event(p, DecoderEvent.PPPOE_PKT_TOO_SMALL);
            return;
        }
        if (Bytes.u8(d, off + 1) != 0) {
            ctx.event(p, DecoderEvent.PPPOE_WRONG_CODE);
            return;
        }
        int pppStart = off + SESSION_HEADER_LEN;
        int pppEnd = Math.min(end, pppStart + Bytes.u16(d, off + 4));
        if (pppEnd - pppStart < 2) {
            ctx.event(p, DecoderEvent.PPP_PKT_TOO_SMALL);
            return;
        }
        int proto = Bytes.u16(d, pppStart);
        switch (proto) {
            case PPP_IPV4:
                ctx.ipv4.decode(p, pppStart + 2, pppEnd);
                break;
            case PPP_IPV6:
                ctx.ipv6.decode(p, pppStart + 2, pppEnd);
                break;
            case 0xC021: // LCP
            case 0xC023: // PAP
            case 0xC223: // CHAP
            case 0x8021: // IPCP
            case 0x8057: // IPV6CP
                break;
            default:
                ctx.event(p, DecoderEvent.PPP_UNSUP_PROTO);
                break;
        }
    }
}
