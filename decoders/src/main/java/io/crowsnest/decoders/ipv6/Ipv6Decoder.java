package io.crowsnest.decoders.ipv6;

import io.crowsnest.decoders.Bytes;
import io.crowsnest.decoders.DecodeContext;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.Packet;

/**
 * IPv6 fixed header and extension headers (hop-by-hop 0, routing 43, fragment 44, destination
 * options 60, AH 51). {@link Packet#ipHeaderLength} includes the extension headers and
 * {@link Packet#ipProto} is the protocol after them. A fragment header fills the fragment fields
 * ({@code ipId} = identification, {@code fragOffset} in bytes, {@code ipFlags} bit 0x1 = M,
 * {@code fragHeaderOffset}); fragments are not decoded past the IP layer here: the defragmenter
 * ({@code io.crowsnest.decoders.defrag}) reassembles them and decodes the whole datagram.
 */
public final class Ipv6Decoder {
    public static final int HEADER_LEN = 40;
    static final int HOPOPTS = 0;
    static final int ROUTING = 43;
    static final int FRAGMENT = 44;
    static final int ESP = 50;
    static final int AH = 51;
    static final int NONE = 59;
    static final int DSTOPTS = 60;
    /** Upper bound on extension headers walked (each is at least 8 bytes anyway). */
    static final int MAX_EXT_HEADERS = 16;

    private final DecodeContext ctx;

    public Ipv6Decoder(DecodeContext ctx) {
        this.ctx = ctx;
    }

    public void decode(Packet p, int off, int end) {
        byte[] d = p.data;
        if (end - off < HEADER_LEN) {
            ctx.event(p, DecoderEvent.IPV6_PKT_TOO_SMALL);
            return;
        }
        int b0 = d[off] & 0xff;
        if ((b0 >>> 4) != 6) {
            ctx.event(p, DecoderEvent.IPV6_WRONG_IP_VER);
            return;
        }
        int payloadLength = Bytes.u16(d, off + 4);
        int claimedEnd = off + HEADER_LEN + payloadLength;
        int dgramEnd = claimedEnd;
        if (claimedEnd > end) {
            ctx.event(p, DecoderEvent.IPV6_TRUNC_PKT);
            dgramEnd = end;
        }
        p.ipVersion = 6;
        p.l3Offset = off;
        p.ipTotalLength = HEADER_LEN + payloadLength;
        p.tos = ((b0 & 0x0f) << 4) | ((d[off + 1] & 0xff) >>> 4);
        p.ttl = d[off + 7] & 0xff;
        p.srcHi = Bytes.u64(d, off + 8);
        p.srcLo = Bytes.u64(d, off + 16);
        p.dstHi = Bytes.u64(d, off + 24);
        p.dstLo = Bytes.u64(d, off + 32);
        p.decoded = true;

        int nh = d[off + 6] & 0xff;
        int cur = off + HEADER_LEN;
        int hh = 0, rh = 0, fh = 0, dh = 0, ah = 0;
        for (int n = 0; n < MAX_EXT_HEADERS; n++) {
            if (nh != HOPOPTS && nh != ROUTING && nh != FRAGMENT && nh != DSTOPTS && nh != AH) {
                break;
            }
            if (dgramEnd - cur < 8) {
                ctx.event(p, DecoderEvent.IPV6_TRUNC_EXTHDR);
                finish(p, off, cur, nh, dgramEnd);
                return;
            }
            int hdrLen;
            if (nh == FRAGMENT) {
                hdrLen = 8;
            } else if (nh == AH) {
                hdrLen = ((d[cur + 1] & 0xff) + 2) << 2;
            } else {
                hdrLen = ((d[cur + 1] & 0xff) + 1) << 3;
            }
            if (cur + hdrLen > dgramEnd) {
                ctx.event(p, DecoderEvent.IPV6_TRUNC_EXTHDR);
                finish(p, off, cur, nh, dgramEnd);
                return;
            }
            switch (nh) {
                case HOPOPTS:
                    if (++hh > 1) {
                        ctx.event(p, DecoderEvent.IPV6_EXTHDR_DUPL_HH);
                    }
                    checkOptions(p, d, cur + 2, cur + hdrLen);
                    break;
                case DSTOPTS:
                    if (++dh > 2) { // one before and one after a routing header are legal
                        ctx.event(p, DecoderEvent.IPV6_EXTHDR_DUPL_DH);
                    }
                    checkOptions(p, d, cur + 2, cur + hdrLen);
                    break;
                case ROUTING:
                    if (++rh > 1) {
                        ctx.event(p, DecoderEvent.IPV6_EXTHDR_DUPL_RH);
                    }
                    if ((d[cur + 2] & 0xff) == 0) {
                        ctx.event(p, DecoderEvent.IPV6_RH_TYPE_0);
                    }
                    break;
                case AH:
                    if (++ah > 1) {
                        ctx.event(p, DecoderEvent.IPV6_EXTHDR_DUPL_AH);
                    }
                    break;
                default: // FRAGMENT
                    if (++fh > 1) {
                        ctx.event(p, DecoderEvent.IPV6_EXTHDR_DUPL_FH);
                    }
                    p.fragHeaderOffset = cur; // the one the fragment fields below come from
                    int offFlags = Bytes.u16(d, cur + 2);
                    p.fragOffset = offFlags & 0xfff8;
                    p.ipFlags = offFlags & 0x1;
                    p.ipId = Bytes.i32(d, cur + 4);
                    if (p.fragOffset == 0 && p.ipFlags == 0) {
                        ctx.event(p, DecoderEvent.IPV6_EXTHDR_USELESS_FH);
                    } else {
                        p.fragment = true;
                    }
                    break;
            }
            nh = d[cur] & 0xff;
            cur += hdrLen;
            if (p.fragment && p.fragOffset > 0) {
                break; // the rest belongs to the reassembled payload
            }
        }
        finish(p, off, cur, nh, dgramEnd);
        if (nh != ESP && nh != NONE) {
            ctx.decodeIpPayload(p, nh, cur, dgramEnd, claimedEnd);
        }
    }

    private static void finish(Packet p, int off, int cur, int nh, int dgramEnd) {
        p.ipHeaderLength = cur - off;
        p.ipProto = nh;
        p.payloadOffset = cur;
        p.payloadLength = dgramEnd > cur ? dgramEnd - cur : 0;
    }

    /** Validates hop-by-hop / destination option TLVs in [{@code o}, {@code end}). */
    private void checkOptions(Packet p, byte[] d, int o, int end) {
        while (o < end) {
            int type = d[o] & 0xff;
            if (type == 0) { // Pad1
                o++;
                continue;
            }
            if (o + 2 > end || o + 2 + (d[o + 1] & 0xff) > end) {
                ctx.event(p, DecoderEvent.IPV6_EXTHDR_INVALID_OPTLEN);
                return;
            }
            o += 2 + (d[o + 1] & 0xff);
        }
    }
}
