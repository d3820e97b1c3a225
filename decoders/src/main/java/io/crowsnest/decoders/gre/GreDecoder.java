package io.crowsnest.decoders.gre;

import io.crowsnest.decoders.Bytes;
import io.crowsnest.decoders.DecodeContext;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.EtherTypes;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.TunnelType;

/**
 * GRE version 0 (RFC 2784/2890, with RFC 1701 routing): optional checksum, key (into
 * {@link Packet#tunnelId}), sequence number; payload 0x0800, 0x86DD or 0x6558 (transparent
 * Ethernet bridging). Version 1 (PPTP) is left undecoded; other versions raise
 * {@code decoder.gre.wrong_version}.
 */
public final class GreDecoder {
    public static final int HEADER_LEN = 4;
    static final int FLAG_C = 0x8000, FLAG_R = 0x4000, FLAG_K = 0x2000, FLAG_S = 0x1000, FLAG_SSR = 0x0800;
    static final int RECUR_MASK = 0x0700, RESERVED_MASK = 0x00f8, VERSION_MASK = 0x0007;

    private final DecodeContext ctx;

    public GreDecoder(DecodeContext ctx) {
        this.ctx = ctx;
    }

    public void decode(Packet p, int off, int end) {
        byte[] d = p.data;
        if (end - off < HEADER_LEN) {
            ctx.event(p, DecoderEvent.GRE_PKT_TOO_SMALL);
            return;
        }
        int flags = Bytes.u16(d, off);
        int version = flags & VERSION_MASK;
        if (version == 1) {
            return;
        }
        if (version != 0) {
            ctx.event(p, DecoderEvent.GRE_WRONG_VERSION);
            return;
        }
        if ((flags & RECUR_MASK) != 0) {
            ctx.event(p, DecoderEvent.GRE_VERSION0_RECUR);
            return;
        }
        if ((flags & (RESERVED_MASK | FLAG_SSR)) != 0) {
            ctx.event(p, DecoderEvent.GRE_VERSION0_FLAGS);
            return;
        }
        int proto = Bytes.u16(d, off + 2);
        int o = off + HEADER_LEN;
        if ((flags & (FLAG_C | FLAG_R)) != 0) {
            o += 4; // checksum + offset
        }
        int key = -1;
        if ((flags & FLAG_K) != 0) {
            if (o + 4 > end) {
                ctx.event(p, DecoderEvent.GRE_PKT_TOO_SMALL);
                return;
            }
            key = Bytes.i32(d, o);
            o += 4;
        }
        if ((flags & FLAG_S) != 0) {
            o += 4;
        }
        if (o > end) {
            ctx.event(p, DecoderEvent.GRE_PKT_TOO_SMALL);
            return;
        }
        if ((flags & FLAG_R) != 0) { // source route entries, terminated by a zero-length SRE
            while (true) {
                if (o + 4 > end) {
                    ctx.event(p, DecoderEvent.GRE_VERSION0_MALFORMED_SRE_HDR);
                    return;
                }
                int sreLen = d[o + 3] & 0xff;
                o += 4 + sreLen;
                if (sreLen == 0) {
                    break;
                }
                if (o > end) {
                    ctx.event(p, DecoderEvent.GRE_VERSION0_MALFORMED_SRE_HDR);
                    return;
                }
            }
        }
        if (proto != EtherTypes.IPV4 && proto != EtherTypes.IPV6 && proto != EtherTypes.TEB) {
            ctx.event(p, DecoderEvent.GRE_UNKNOWN_PAYLOAD_TYPE);
            return;
        }
        if (!ctx.enterTunnel(p, TunnelType.GRE, key)) {
            return;
        }
        if (proto == EtherTypes.TEB) {
            ctx.ethernet.decode(p, o, end);
        } else {
            ctx.decodeEtherType(p, proto, o, end);
        }
    }
}
