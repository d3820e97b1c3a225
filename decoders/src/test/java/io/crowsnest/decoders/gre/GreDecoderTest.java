package io.crowsnest.decoders.gre;

import static io.crowsnest.decoders.Decoding.assertEvent;
import static io.crowsnest.decoders.Decoding.assertNoEvents;
import static io.crowsnest.decoders.Decoding.decode;
import static io.crowsnest.decoders.Decoding.v4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.decoders.DecoderConfig.ChecksumMode;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.LinkType;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.TestFrames;
import io.crowsnest.decoders.TunnelType;
import org.junit.jupiter.api.Test;

class GreDecoderTest {
    private static final int GRE = (14 + 20) * 2;

    @Test
    void keyAndIpv4Payload() {
        Packet p = decode(TestFrames.GRE_KEY, LinkType.ETHERNET);
        assertNoEvents(p);
        assertEquals(TunnelType.GRE, p.tunnelType);
        assertEquals(42, p.tunnelId);
        assertEquals(v4(10, 0, 0, 1), p.outerSrcLo);
        assertEquals(v4(10, 0, 0, 2), p.outerDstLo);
        assertEquals(47, p.outerProto);
        assertEquals(0, p.outerSrcPort);
        assertEquals(v4(192, 168, 170, 8), p.srcLo);
        assertTrue(p.isUdp());
        assertEquals(53, p.dstPort);
        assertEquals(33, p.payloadLength);
    }

    @Test
    void transparentEthernetBridging() {
        Packet p = decode(TestFrames.GRE_TEB, LinkType.ETHERNET);
        assertNoEvents(p);
        assertEquals(TunnelType.GRE, p.tunnelType);
        assertEquals(-1, p.tunnelId);
        assertTrue(p.isTcp());
        assertEquals(59856, p.srcPort);
        assertEquals(1460, p.tcpMss);
    }

    @Test
    void badHeaders() {
        String hex = TestFrames.GRE_KEY;
        assertEvent(decode(hex.substring(0, GRE) + "2002" + hex.substring(GRE + 4), LinkType.ETHERNET, ChecksumMode.NONE),
                DecoderEvent.GRE_WRONG_VERSION);
        assertEvent(decode(hex.substring(0, GRE) + "2100" + hex.substring(GRE + 4), LinkType.ETHERNET, ChecksumMode.NONE),
                DecoderEvent.GRE_VERSION0_RECUR);
        assertEvent(decode(hex.substring(0, GRE) + "2080" + hex.substring(GRE + 4), LinkType.ETHERNET, ChecksumMode.NONE),
                DecoderEvent.GRE_VERSION0_FLAGS);
        assertEvent(decode(hex.substring(0, GRE + 4) + "880b" + hex.substring(GRE + 8), LinkType.ETHERNET, ChecksumMode.NONE),
                DecoderEvent.GRE_UNKNOWN_PAYLOAD_TYPE);
        assertEvent(decode(hex.substring(0, GRE + 4), LinkType.ETHERNET, ChecksumMode.NONE), DecoderEvent.IPV4_TRUNC_PKT);
        Packet small = decode(hex.substring(0, GRE + 4), LinkType.ETHERNET, ChecksumMode.NONE);
        assertEvent(small, DecoderEvent.GRE_PKT_TOO_SMALL);
        Packet pptp = decode(hex.substring(0, GRE) + "3001880b" + hex.substring(GRE + 8), LinkType.ETHERNET, ChecksumMode.NONE);
        assertNoEvents(pptp);
        assertEquals(TunnelType.NONE, pptp.tunnelType);
    }
}
