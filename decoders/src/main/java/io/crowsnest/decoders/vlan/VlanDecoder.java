package io.crowsnest.decoders.vlan;

import io.crowsnest.decoders.Bytes;
import io.crowsnest.decoders.DecodeContext;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.EtherTypes;
import io.crowsnest.decoders.Packet;

/**
 * 802.1Q / 802.1ad tags (TPID 0x8100, 0x88a8, 0x9100), stacked up to {@link #MAX_LAYERS} per
 * frame. Ids go to {@link Packet#vlanIds} outermost first.
 */
public final class VlanDecoder {
    public static final int TAG_LEN = 4;
    public static final int MAX_LAYERS = Packet.MAX_VLANS;

    private final DecodeContext ctx;

    public VlanDecoder(DecodeContext ctx) {
        this.ctx = ctx;
    }

    public static boolean isVlanTpid(int etherType) {
        return etherType == EtherTypes.VLAN || etherType == EtherTypes.QINQ || etherType == EtherTypes.VLAN_9100;
    }

    /** {@code off} is just after the TPID {@code etherType}, at the tag control information. */
    public void decode(Packet p, int etherType, int off, int end) {
        byte[] d = p.data;
        int layers = 0;
        int type = etherType;
        while (isVlanTpid(type)) {
            if (end - off < TAG_LEN) {
                ctx.event(p, DecoderEvent.VLAN_HEADER_TOO_SMALL);
                return;
            }
            if (layers == MAX_LAYERS) {
                ctx.event(p, DecoderEvent.VLAN_TOO_MANY_LAYERS);
                return;
            }
            layers++;
            if (p.vlanCount < Packet.MAX_VLANS) {
                p.vlanIds[p.vlanCount++] = Bytes.u16(d, off) & 0x0fff;
            }
            type = Bytes.u16(d, off + 2);
            off += TAG_LEN;
        }
        ctx.decodeEtherType(p, type, off, end);
    }
}
