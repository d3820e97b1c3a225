package io.crowsnest.decoders.vlan;

import static io.crowsnest.decoders.Decoding.assertEvent;
import static io.crowsnest.decoders.Decoding.assertNoEvents;
import static io.crowsnest.decoders.Decoding.decode;
import static io.crowsnest.decoders.Decoding.v4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.LinkType;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.TestFrames;
import org.junit.jupiter.api.Test;

class VlanDecoderTest {
    @Test
    void twoTagsFromZeekCapture() {
        Packet p = decode(TestFrames.ETH_QINQ2, LinkType.ETHERNET);
        assertNoEvents(p);
        assertEquals(2, p.vlanCount);
        assertEquals(0, p.vlanIds[0]);
        assertEquals(0, p.vlanIds[1]);
        assertEquals(0x0800, p.etherType);
        assertTrue(p.isTcp());
        assertEquals(22, p.l3Offset);
    }

    @Test
    void threeStackedTags() {
        Packet p = decode(TestFrames.ETH_QINQ3, LinkType.ETHERNET);
        assertNoEvents(p);
        assertEquals(3, p.vlanCount);
        assertEquals(100, p.vlanIds[0]);
        assertEquals(200, p.vlanIds[1]);
        assertEquals(300, p.vlanIds[2]);
        assertEquals(26, p.l3Offset);
        assertEquals(v4(141, 142, 228, 5), p.srcLo);
        assertEquals(59856, p.srcPort);
        assertEquals(80, p.dstPort);
    }

    @Test
    void fiveTagsAreTooMany() {
        String tags = "8100000181000002810000038100000481000005";
        Packet p = decode("0010db88d2efc8bcc896d2a0" + tags + TestFrames.ETH_QINQ2.substring(40), LinkType.ETHERNET);
        assertEvent(p, DecoderEvent.VLAN_TOO_MANY_LAYERS);
        assertFalse(p.decoded);
        assertEquals(Packet.MAX_VLANS, p.vlanCount);
    }

    @Test
    void truncatedTag() {
        Packet p = decode("0010db88d2efc8bcc896d2a08100b0", LinkType.ETHERNET);
        assertEvent(p, DecoderEvent.VLAN_HEADER_TOO_SMALL);
    }

    @Test
    void unknownTypeAfterTag() {
        Packet p = decode("0010db88d2efc8bcc896d2a08100000588cc00000000", LinkType.ETHERNET);
        assertEvent(p, DecoderEvent.VLAN_UNKNOWN_TYPE);
        assertEquals(1, p.vlanCount);
        assertEquals(5, p.vlanIds[0]);
    }
}
