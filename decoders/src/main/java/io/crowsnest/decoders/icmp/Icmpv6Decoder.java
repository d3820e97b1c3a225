package io.crowsnest.decoders.icmp;

import io.crowsnest.decoders.Bytes;
import io.crowsnest.decoders.DecodeContext;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.L4Checksums;
import io.crowsnest.decoders.Packet;

/** ICMPv6: type, code, echo identifier/sequence, checksum with the IPv6 pseudo header. */
public final class Icmpv6Decoder {
    public static final int HEADER_LEN = 8;

    private final DecodeContext ctx;

    public Icmpv6Decoder(DecodeContext ctx) {
        this.ctx = ctx;
    }

    public void decode(Packet p, int off, int end, int claimedEnd) {
        byte[] d = p.data;
        if (end - off < HEADER_LEN) {
            ctx.event(p, DecoderEvent.ICMPV6_PKT_TOO_SMALL);
            return;
        }
        int type = d[off] & 0xff;
        int code = d[off + 1] & 0xff;
        p.l4Offset = off;
        p.l4HeaderLength = HEADER_LEN;
        p.icmpType = type;
        p.icmpCode = code;
        p.payloadOffset = off + HEADER_LEN;
        p.payloadLength = end - (off + HEADER_LEN);
        if (type == 128 || type == 129) {
            p.icmpId = Bytes.u16(d, off + 4);
            p.icmpSeq = Bytes.u16(d, off + 6);
        }
        int maxCode = maxCode(type);
        if (maxCode < 0) {
            ctx.event(p, DecoderEvent.ICMPV6_UNKNOWN_TYPE);
        } else if (code > maxCode) {
            ctx.event(p, DecoderEvent.ICMPV6_UNKNOWN_CODE);
        }
        if (end == claimedEnd && ctx.checksums.active()) {
            ctx.l4Checksum(p, L4Checksums.valid(p, 58, off, end - off), DecoderEvent.ICMPV6_CHECKSUM_INVALID);
        }
    }

    /** Highest defined code for a type, -1 for an unknown type. */
    static int maxCode(int type) {
        switch (type) {
            case 1: return 8;   // destination unreachable
            case 2: return 0;   // packet too big
            case 3: return 1;   // time exceeded
            case 4: return 3;   // parameter problem
            case 100: case 101: case 127: case 200: case 201: case 255:
                return 255;     // private experimentation / reserved for expansion
            case 138: return 255; // router renumbering (0, 1, 255)
            case 139: case 140: return 2; // node information
            default:
                return type >= 128 && type <= 161 ? (type == 160 || type == 161 ? 4 : 0) : -1;
        }
    }
}
