package io.crowsnest.decoders.ipip;

import static io.crowsnest.decoders.Decoding.assertEvent;
import static io.crowsnest.decoders.Decoding.assertNoEvents;
import static io.crowsnest.decoders.Decoding.decode;
import static io.crowsnest.decoders.Decoding.v4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.decoders.DecodeContext;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.LinkType;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.TestFrames;
import io.crowsnest.decoders.TunnelType;
import org.junit.jupiter.api.Test;

class IpInIpDecoderTest {
    @Test
    void ipv4InIpv4() {
        Packet p = decode(TestFrames.IPIP_TCP, LinkType.ETHERNET);
        assertNoEvents(p);
        assertEquals(TunnelType.IPIP, p.tunnelType);
        assertEquals(-1, p.tunnelId);
        assertEquals(1, p.tunnelDepth);
        assertEquals(v4(10, 9, 0, 1), p.outerSrcLo);
        assertEquals(v4(10, 9, 0, 2), p.outerDstLo);
        assertEquals(4, p.outerProto);
        assertEquals(34, p.l3Offset);
        assertEquals(v4(141, 142, 228, 5), p.srcLo);
        assertTrue(p.isTcp());
        assertEquals(80, p.dstPort);
    }

    @Test
    void ipv6InIpv4() {
        Packet p = decode(TestFrames.SIXIN4_TCP, LinkType.ETHERNET);
        assertNoEvents(p);
        assertEquals(TunnelType.IPV6_IN_IP, p.tunnelType);
        assertEquals(4, p.outerIpVersion);
        assertEquals(41, p.outerProto);
        assertEquals(6, p.ipVersion);
        assertEquals(0xfd00000100010000L, p.srcHi);
        assertTrue(p.isTcp());
        assertEquals(39990, p.srcPort);
    }

    @Test
    void nestingLimit() {
        Packet p = decode(TestFrames.IPIP_NESTED5, LinkType.ETHERNET);
        assertEvent(p, DecoderEvent.TUNNEL_TOO_DEEP);
        assertEquals(DecodeContext.MAX_TUNNEL_DEPTH, p.tunnelDepth);
        assertEquals(v4(10, 9, 0, 4), p.outerSrcLo); // outermost
        assertEquals(v4(10, 9, 0, 1), p.srcLo);      // innermost decoded layer
        assertEquals(4, p.ipProto);
        assertTrue(p.decoded);
    }

    @Test
    void tooSmall() {
        String hex = TestFrames.IPIP_TCP;
        Packet p = decode(hex.substring(0, 32) + "0024" + hex.substring(36, 100), LinkType.ETHERNET,
                io.crowsnest.decoders.DecoderConfig.ChecksumMode.NONE);
        assertEvent(p, DecoderEvent.IPIP_PKT_TOO_SMALL);
        assertEquals(TunnelType.NONE, p.tunnelType);
    }
}
