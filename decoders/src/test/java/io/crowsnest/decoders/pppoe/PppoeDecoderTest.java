package io.crowsnest.decoders.pppoe;

import static io.crowsnest.decoders.Decoding.assertEvent;
import static io.crowsnest.decoders.Decoding.assertNoEvents;
import static io.crowsnest.decoders.Decoding.decode;
import static io.crowsnest.decoders.Decoding.v4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.decoders.ChecksumState;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.LinkType;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.TestFrames;
import org.junit.jupiter.api.Test;

class PppoeDecoderTest {
    @Test
    void qinqPppoeIpv4() {
        Packet p = decode(TestFrames.PPPOE_QINQ_DNS, LinkType.ETHERNET);
        assertNoEvents(p);
        assertEquals(2, p.vlanCount);
        assertEquals(421, p.vlanIds[0]);
        assertEquals(785, p.vlanIds[1]);
        assertEquals(0x8864, p.etherType);
        assertEquals(4, p.ipVersion);
        assertEquals(30, p.l3Offset);
        assertTrue(p.isUdp());
        assertEquals(v4(82, 178, 113, 245), p.srcLo);
        assertEquals(v4(82, 178, 158, 181), p.dstLo);
        assertEquals(53, p.dstPort);
        assertEquals(ChecksumState.OK, p.ipChecksum);
        assertEquals(ChecksumState.OK, p.l4Checksum);
    }

    @Test
    void wrongCodeUnsupportedProtoAndTooSmall() {
        String head = "000000000001d494e80eadc18864";
        assertEvent(decode(head + "11090000000200210000", LinkType.ETHERNET), DecoderEvent.PPPOE_WRONG_CODE);
        assertEvent(decode(head + "1100000000020281", LinkType.ETHERNET), DecoderEvent.PPP_UNSUP_PROTO);
        assertEvent(decode(head + "110000000001", LinkType.ETHERNET), DecoderEvent.PPP_PKT_TOO_SMALL);
        assertEvent(decode(head + "1100", LinkType.ETHERNET), DecoderEvent.PPPOE_PKT_TOO_SMALL);
        Packet lcp = decode(head + "11000000000cc021", LinkType.ETHERNET);
        assertEquals(0, lcp.eventCount);
    }
}
