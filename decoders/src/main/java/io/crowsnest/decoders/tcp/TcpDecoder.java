package io.crowsnest.decoders.tcp;

import io.crowsnest.decoders.Bytes;
import io.crowsnest.decoders.DecodeContext;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.L4Checksums;
import io.crowsnest.decoders.Packet;

/**
 * TCP header, options (walked and validated: MSS, window scale, SACK-permitted, SACK,
 * timestamps, MD5, TFO) and the checksum with the IPv4/IPv6 pseudo header.
 */
public final class TcpDecoder {
    public static final int HEADER_LEN = 20;
    public static final int OPT_EOL = 0, OPT_NOP = 1, OPT_MSS = 2, OPT_WS = 3, OPT_SACKOK = 4,
            OPT_SACK = 5, OPT_TS = 8, OPT_MD5 = 19, OPT_AO = 29, OPT_MPTCP = 30, OPT_TFO = 34;

    private final DecodeContext ctx;

    public TcpDecoder(DecodeContext ctx) {
        this.ctx = ctx;
    }

    public void decode(Packet p, int off, int end, int claimedEnd) {
        byte[] d = p.data;
        int avail = end - off;
        if (avail < HEADER_LEN) {
            ctx.event(p, DecoderEvent.TCP_PKT_TOO_SMALL);
            return;
        }
        int hlen = ((d[off + 12] & 0xff) >>> 4) << 2;
        if (hlen < HEADER_LEN) {
            ctx.event(p, DecoderEvent.TCP_HLEN_TOO_SMALL);
            return;
        }
        if (hlen > claimedEnd - off) {
            ctx.event(p, DecoderEvent.TCP_INVALID_OPTLEN);
            return;
        }
        if (hlen > avail) {
            ctx.event(p, DecoderEvent.TCP_PKT_TOO_SMALL);
            return;
        }
        p.l4Offset = off;
        p.l4HeaderLength = hlen;
        p.srcPort = Bytes.u16(d, off);
        p.dstPort = Bytes.u16(d, off + 2);
        p.tcpSeq = Bytes.u32(d, off + 4);
        p.tcpAck = Bytes.u32(d, off + 8);
        p.tcpFlags = d[off + 13] & 0xff;
        p.tcpWindow = Bytes.u16(d, off + 14);
        if (hlen > HEADER_LEN) {
            decodeOptions(p, d, off + HEADER_LEN, off + hlen);
        }
        p.payloadOffset = off + hlen;
        p.payloadLength = end - (off + hlen);
        if (end == claimedEnd && ctx.checksums.active()) {
            ctx.l4Checksum(p, L4Checksums.valid(p, 6, off, end - off), DecoderEvent.TCP_CHECKSUM_INVALID);
        }
    }

    private void decodeOptions(Packet p, byte[] d, int o, int end) {
        long seen = 0;
        while (o < end) {
            int kind = d[o] & 0xff;
            if (kind == OPT_EOL) {
                seen |= 1L;
                break;
            }
            if (kind == OPT_NOP) {
                seen |= 1L << OPT_NOP;
                o++;
                continue;
            }
            if (o + 1 >= end) {
                ctx.event(p, DecoderEvent.TCP_OPT_INVALID_LEN);
                break;
            }
            int len = d[o + 1] & 0xff;
            if (len < 2 || o + len > end) {
                ctx.event(p, DecoderEvent.TCP_OPT_INVALID_LEN);
                break;
            }
            long bit = 1L << Math.min(kind, 63);
            boolean known = true;
            boolean lenOk;
            switch (kind) {
                case OPT_MSS:
                    lenOk = len == 4;
                    if (lenOk) {
                        p.tcpMss = Bytes.u16(d, o + 2);
                    }
                    break;
                case OPT_WS:
                    lenOk = len == 3;
                    if (lenOk) {
                        p.tcpWindowScale = d[o + 2] & 0xff;
                    }
                    break;
                case OPT_SACKOK:
                    lenOk = len == 2;
                    break;
                case OPT_SACK:
                    lenOk = len >= 10 && (len - 2) % 8 == 0;
                    break;
                case OPT_TS:
                    lenOk = len == 10;
                    if (lenOk) {
                        p.tcpTsVal = Bytes.u32(d, o + 2);
                        p.tcpTsEcr = Bytes.u32(d, o + 6);
                    }
                    break;
                case OPT_MD5:
                    lenOk = len == 18;
                    break;
                case OPT_AO:
                    lenOk = len >= 4;
                    break;
                case OPT_TFO:
                    lenOk = len == 2 || (len >= 6 && len <= 18 && (len & 1) == 0);
                    break;
                default:
                    known = false;
                    lenOk = true;
                    break;
            }
            if (!lenOk) {
                ctx.event(p, DecoderEvent.TCP_OPT_INVALID_LEN);
            } else if (known && (seen & bit) != 0) {
                ctx.event(p, DecoderEvent.TCP_OPT_DUPLICATE);
            }
            seen |= bit;
            o += len;
        }
        p.tcpOptionKinds = seen;
    }
}
