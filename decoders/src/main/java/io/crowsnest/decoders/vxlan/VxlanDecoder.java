package io.crowsnest.decoders.vxlan;

import io.crowsnest.decoders.Bytes;
import io.crowsnest.decoders.DecodeContext;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.TunnelType;

/**
 * VXLAN (RFC 7348) on the configured UDP ports: 8-byte header, flags byte exactly 0x08 (the I
 * bit); any other flag bits raise {@code decoder.vxlan.unknown_flags} and the datagram stays
 * plain UDP. The VNI becomes {@link Packet#tunnelId}; the payload is an Ethernet frame.
 */
public final class VxlanDecoder {
    public static final int HEADER_LEN = 8;
    static final int FLAG_I = 0x08;

    private final DecodeContext ctx;

    public VxlanDecoder(DecodeContext ctx) {
        this.ctx = ctx;
    }

    public void decode(Packet p, int off, int end) {
        byte[] d = p.data;
        if (end - off < HEADER_LEN) {
            ctx.event(p, DecoderEvent.VXLAN_PKT_TOO_SMALL);
            return;
        }
        if ((d[off] & 0xff) != FLAG_I) {
            ctx.event(p, DecoderEvent.VXLAN_UNKNOWN_FLAGS);
            return;
        }
        int vni = Bytes.u24(d, off + 4);
        if (ctx.enterTunnel(p, TunnelType.VXLAN, vni)) {
            ctx.ethernet.decode(p, off + HEADER_LEN, end);
        }
    }
}
