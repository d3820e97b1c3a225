package io.crowsnest.decoders.ethernet;

import io.crowsnest.decoders.Bytes;
import io.crowsnest.decoders.DecodeContext;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.Packet;

/** Ethernet II: 6-byte destination, 6-byte source, EtherType. */
public final class EthernetDecoder {
    public static final int HEADER_LEN = 14;

    private final DecodeContext ctx;

    public EthernetDecoder(DecodeContext ctx) {
        this.ctx = ctx;
    }

    public void decode(Packet p, int off, int end) {
        if (end - off < HEADER_LEN) {
            ctx.event(p, DecoderEvent.ETHERNET_PKT_TOO_SMALL);
            return;
        }
        ctx.decodeEtherType(p, Bytes.u16(p.data, off + 12), off + HEADER_LEN, end);
    }
}
