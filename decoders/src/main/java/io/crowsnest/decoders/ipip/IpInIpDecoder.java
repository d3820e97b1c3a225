package io.crowsnest.decoders.ipip;

import io.crowsnest.decoders.DecodeContext;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.EtherTypes;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.TunnelType;

/** IP-in-IP (protocol 4, inner IPv4) and IPv6-in-IP (protocol 41, inner IPv6), over IPv4 or IPv6. */
public final class IpInIpDecoder {
    private final DecodeContext ctx;

    public IpInIpDecoder(DecodeContext ctx) {
        this.ctx = ctx;
    }

    public void decodeIpv4InIp(Packet p, int off, int end) {
        if (end - off < 20) {
            ctx.event(p, DecoderEvent.IPIP_PKT_TOO_SMALL);
            return;
        }
        if (ctx.enterTunnel(p, TunnelType.IPIP, -1)) {
            p.etherType = EtherTypes.IPV4;
            ctx.ipv4.decode(p, off, end);
        }
    }

    public void decodeIpv6InIp(Packet p, int off, int end) {
        if (end - off < 40) {
            ctx.event(p, DecoderEvent.IPIP_PKT_TOO_SMALL);
            return;
        }
        if (ctx.enterTunnel(p, TunnelType.IPV6_IN_IP, -1)) {
            p.etherType = EtherTypes.IPV6;
            ctx.ipv6.decode(p, off, end);
        }
    }
}
