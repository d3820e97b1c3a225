package io.crowsnest.decoders.ipv4;

import io.crowsnest.decoders.Bytes;
import io.crowsnest.decoders.DecodeContext;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.IpOptions;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.checksum.InternetChecksum;

/**
 * IPv4 header: version/length checks, addresses (IPv4-mapped), fragment fields, options into
 * {@link Packet#ipOptions}, header checksum, then the payload by protocol. The total length
 * bounds the datagram (Ethernet padding is ignored); a datagram longer than what was captured
 * raises {@code decoder.ipv4.trunc_pkt} and the captured part is still decoded.
 */
public final class Ipv4Decoder {
    public static final int HEADER_LEN = 20;

    private final DecodeContext ctx;

    public Ipv4Decoder(DecodeContext ctx) {
        this.ctx = ctx;
    }

    public void decode(Packet p, int off, int end) {
        byte[] d = p.data;
        int avail = end - off;
        if (avail < HEADER_LEN) {
            ctx.event(p, DecoderEvent.IPV4_PKT_TOO_SMALL);
            return;
        }
        int b0 = d[off] & 0xff;
        if ((b0 >>> 4) != 4) {
            ctx.event(p, DecoderEvent.IPV4_WRONG_IP_VER);
            return;
        }
        int hlen = (b0 & 0x0f) << 2;
        if (hlen < HEADER_LEN) {
            ctx.event(p, DecoderEvent.IPV4_HLEN_TOO_SMALL);
            return;
        }
        int totalLength = Bytes.u16(d, off + 2);
        if (totalLength < hlen) {
            ctx.event(p, DecoderEvent.IPV4_IPLEN_SMALLER_THAN_HLEN);
            return;
        }
        if (hlen > avail) {
            ctx.event(p, DecoderEvent.IPV4_TRUNC_PKT);
            return;
        }
        int claimedEnd = off + totalLength;
        int dgramEnd = claimedEnd;
        if (claimedEnd > end) {
            ctx.event(p, DecoderEvent.IPV4_TRUNC_PKT);
            dgramEnd = end;
        }

        p.ipVersion = 4;
        p.l3Offset = off;
        p.ipHeaderLength = hlen;
        p.ipTotalLength = totalLength;
        p.tos = d[off + 1] & 0xff;
        p.ipId = Bytes.u16(d, off + 4);
        int flagsFrag = Bytes.u16(d, off + 6);
        p.ipFlags = flagsFrag >>> 13;
        p.fragOffset = (flagsFrag & 0x1fff) << 3;
        p.fragment = (flagsFrag & 0x3fff) != 0; // MF or offset
        p.ttl = d[off + 8] & 0xff;
        p.srcHi = Packet.V4_MAPPED_HI;
        p.srcLo = Packet.V4_MAPPED_LO_PREFIX | Bytes.u32(d, off + 12);
        p.dstHi = Packet.V4_MAPPED_HI;
        p.dstLo = Packet.V4_MAPPED_LO_PREFIX | Bytes.u32(d, off + 16);
        p.decoded = true;

        if (hlen > HEADER_LEN) {
            p.ipOptions = decodeOptions(p, d, off + HEADER_LEN, off + hlen);
        }
        if (ctx.checksums.active()) {
            ctx.ipChecksum(p, InternetChecksum.compute(d, off, hlen) == 0);
        }
        ctx.decodeIpPayload(p, d[off + 9] & 0xff, off + hlen, dgramEnd, claimedEnd);
    }

    /** Walks the options in [{@code o}, {@code end}); returns the {@link IpOptions} bits seen. */
    private int decodeOptions(Packet p, byte[] d, int o, int end) {
        int seen = 0;
        while (o < end) {
            int type = d[o] & 0xff;
            if (type == 0) { // end of list: the rest is padding
                seen |= IpOptions.EOL;
                break;
            }
            if (type == 1) {
                seen |= IpOptions.NOP;
                o++;
                continue;
            }
            if (o + 1 >= end) {
                ctx.event(p, DecoderEvent.IPV4_OPT_INVALID);
                break;
            }
            int len = d[o + 1] & 0xff;
            if (len < 2) {
                ctx.event(p, DecoderEvent.IPV4_OPT_MALFORMED);
                break;
            }
            if (o + len > end) {
                ctx.event(p, DecoderEvent.IPV4_OPT_INVALID_LEN);
                break;
            }
            int bit;
            boolean lenOk;
            switch (type) {
                case 7: // record route
                    bit = IpOptions.RR;
                    lenOk = len >= 3 && (len - 3) % 4 == 0;
                    break;
                case 68: // timestamp
                    bit = IpOptions.TS;
                    lenOk = len >= 4;
                    break;
                case 130: // security
                    bit = IpOptions.SEC;
                    lenOk = len >= 3;
                    break;
                case 133: // extended security
                    bit = IpOptions.ESEC;
                    lenOk = len >= 3;
                    break;
                case 131: // loose source route
                    bit = IpOptions.LSRR;
                    lenOk = len >= 3 && (len - 3) % 4 == 0;
                    break;
                case 137: // strict source route
                    bit = IpOptions.SSRR;
                    lenOk = len >= 3 && (len - 3) % 4 == 0;
                    break;
                case 136: // stream id
                    bit = IpOptions.SATID;
                    lenOk = len == 4;
                    break;
                case 148: // router alert (RFC 2113): known, reported as "any"
                    bit = IpOptions.ANY;
                    lenOk = len == 4;
                    break;
                default:
                    bit = IpOptions.ANY;
                    lenOk = true;
                    ctx.event(p, DecoderEvent.IPV4_OPT_UNKNOWN);
                    break;
            }
            if (!lenOk) {
                ctx.event(p, DecoderEvent.IPV4_OPT_INVALID_LEN);
            } else if (bit != IpOptions.ANY && (seen & bit) != 0) {
                ctx.event(p, DecoderEvent.IPV4_OPT_DUPLICATE);
            }
            seen |= bit;
            o += len;
        }
        return seen;
    }
}
