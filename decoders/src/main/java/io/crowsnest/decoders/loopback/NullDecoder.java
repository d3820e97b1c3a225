package io.crowsnest.decoders.loopback;

import io.crowsnest.decoders.Bytes;
import io.crowsnest.decoders.DecodeContext;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.Packet;

/**
 * BSD loopback. NULL (link type 0): 4-byte address family in the capturing host's byte order,
 * so both orders are accepted. LOOP (108): the family in network byte order. AF_INET is 2,
 * AF_INET6 is 24 (NetBSD/OpenBSD), 28 (FreeBSD) or 30 (macOS).
 */
public final class NullDecoder {
    public static final int HEADER_LEN = 4;
    static final int AF_INET = 2;

    private final DecodeContext ctx;

    public NullDecoder(DecodeContext ctx) {
        this.ctx = ctx;
    }

    static boolean isInet6(int family) {
        return family == 24 || family == 28 || family == 30;
    }

    public void decodeNull(Packet p, int off, int end) {
        if (end - off < HEADER_LEN) {
            ctx.event(p, DecoderEvent.NULL_PKT_TOO_SMALL);
            return;
        }
        int le = Bytes.i32le(p.data, off);
        int be = Bytes.i32(p.data, off);
        dispatch(p, (le == AF_INET || le == 24 || le == 28 || le == 30) ? le : be, off + HEADER_LEN, end);
    }

    public void decodeLoop(Packet p, int off, int end) {
        if (end - off < HEADER_LEN) {
            ctx.event(p, DecoderEvent.NULL_PKT_TOO_SMALL);
            return;
        }
        dispatch(p, Bytes.i32(p.data, off), off + HEADER_LEN, end);
    }

    private void dispatch(Packet p, int family, int off, int end) {
        if (family == AF_INET) {
            ctx.ipv4.decode(p, off, end);
        } else if (isInet6(family)) {
            ctx.ipv6.decode(p, off, end);
        } else {
            ctx.event(p, DecoderEvent.NULL_UNSUPPORTED_TYPE);
        }
    }
}
