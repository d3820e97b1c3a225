package io.crowsnest.decoders.raw;

import io.crowsnest.decoders.DecodeContext;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.Packet;

/** Raw IP link types (12, 14, 101): the version nibble of the first byte picks IPv4 or IPv6. */
public final class RawIpDecoder {
    private final DecodeContext ctx;

    public RawIpDecoder(DecodeContext ctx) {
        this.ctx = ctx;
    }

    public void decode(Packet p, int off, int end) {
        if (end - off < 1) {
            ctx.event(p, DecoderEvent.IPV4_PKT_TOO_SMALL);
            return;
        }
        int version = (p.data[off] & 0xff) >>> 4;
        if (version == 4) {
            ctx.ipv4.decode(p, off, end);
        } else if (version == 6) {
            ctx.ipv6.decode(p, off, end);
        } else {
            ctx.event(p, DecoderEvent.IPRAW_INVALID_IP_VERSION);
        }
    }
}
