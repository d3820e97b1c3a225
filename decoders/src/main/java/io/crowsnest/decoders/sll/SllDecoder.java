package io.crowsnest.decoders.sll;

import io.crowsnest.decoders.Bytes;
import io.crowsnest.decoders.DecodeContext;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.Packet;

/**
 * Linux "cooked" capture headers. SLL (16 bytes): packet type, ARPHRD type, address length,
 * 8-byte address, protocol (EtherType) at offset 14. SLL2 (20 bytes): protocol at offset 0,
 * reserved, interface index, ARPHRD type, packet type, address length, 8-byte address.
 */
public final class SllDecoder {
    public static final int SLL_HEADER_LEN = 16;
    public static final int SLL2_HEADER_LEN = 20;

    private final DecodeContext ctx;

    public SllDecoder(DecodeContext ctx) {
        this.ctx = ctx;
    }

    public void decodeSll(Packet p, int off, int end) {
        if (end - off < SLL_HEADER_LEN) {
            ctx.event(p, DecoderEvent.SLL_PKT_TOO_SMALL);
            return;
        }
        ctx.decodeEtherType(p, Bytes.u16(p.data, off + 14), off + SLL_HEADER_LEN, end);
    }

    public void decodeSll2(Packet p, int off, int end) {
        if (end - off < SLL2_HEADER_LEN) {
            ctx.event(p, DecoderEvent.SLL2_PKT_TOO_SMALL);
            return;
        }
        ctx.decodeEtherType(p, Bytes.u16(p.data, off), off + SLL2_HEADER_LEN, end);
    }
}
