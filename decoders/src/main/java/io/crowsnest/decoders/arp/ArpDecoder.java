package io.crowsnest.decoders.arp;

import io.crowsnest.decoders.DecodeContext;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.Packet;

/**
 * ARP is not decoded further; it is counted under the informational event
 * {@link DecoderEvent#ARP} ({@code decoder.arp}), which is not an error.
 */
public final class ArpDecoder {
    private final DecodeContext ctx;

    public ArpDecoder(DecodeContext ctx) {
        this.ctx = ctx;
    }

    public void decode(Packet p, int off, int end) {
        ctx.event(p, DecoderEvent.ARP);
        p.payloadOffset = off;
        p.payloadLength = end > off ? end - off : 0;
    }
}
