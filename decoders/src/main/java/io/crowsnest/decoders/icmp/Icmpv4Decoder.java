package io.crowsnest.decoders.icmp;

import io.crowsnest.decoders.Bytes;
import io.crowsnest.decoders.DecodeContext;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.checksum.InternetChecksum;

/** ICMPv4: type, code, echo identifier/sequence, checksum; payload after the 8-byte header. */
public final class Icmpv4Decoder {
    public static final int HEADER_LEN = 8;

    private final DecodeContext ctx;

    public Icmpv4Decoder(DecodeContext ctx) {
        this.ctx = ctx;
    }

    public void decode(Packet p, int off, int end, int claimedEnd) {
        byte[] d = p.data;
        if (end - off < HEADER_LEN) {
            ctx.event(p, DecoderEvent.ICMPV4_PKT_TOO_SMALL);
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
        if (type == 0 || type == 8) {
            p.icmpId = Bytes.u16(d, off + 4);
            p.icmpSeq = Bytes.u16(d, off + 6);
        }
        int maxCode = maxCode(type);
        if (maxCode < 0) {
            ctx.event(p, DecoderEvent.ICMPV4_UNKNOWN_TYPE);
        } else if (code > maxCode) {
            ctx.event(p, DecoderEvent.ICMPV4_UNKNOWN_CODE);
        }
        if (end == claimedEnd && ctx.checksums.active()) {
            ctx.l4Checksum(p, InternetChecksum.compute(d, off, end - off) == 0, DecoderEvent.ICMPV4_CHECKSUM_INVALID);
        }
    }

    /** Highest defined code for a type, -1 for an unknown type. */
    static int maxCode(int type) {
        switch (type) {
            case 0: case 8: case 4: case 10: case 13: case 14: case 15: case 16: case 17: case 18:
                return 0;
            case 3: return 15;    // destination unreachable
            case 5: return 3;     // redirect
            case 9: return 16;    // router advertisement (0, 16)
            case 11: return 1;    // time exceeded
            case 12: return 2;    // parameter problem
            case 40: return 5;    // photuris
            case 42: case 43: return 4; // extended echo (RFC 8335)
            default: return -1;
        }
    }
}
