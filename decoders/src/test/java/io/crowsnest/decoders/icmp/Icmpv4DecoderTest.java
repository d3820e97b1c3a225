package io.crowsnest.decoders.icmp;

import static io.crowsnest.decoders.Decoding.assertEvent;
import static io.crowsnest.decoders.Decoding.assertNoEvents;
import static io.crowsnest.decoders.Decoding.decode;
import static io.crowsnest.decoders.Decoding.v4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.decoders.ChecksumState;
import io.crowsnest.decoders.DecoderConfig.ChecksumMode;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.LinkType;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.TestFrames;
import org.junit.jupiter.api.Test;

class Icmpv4DecoderTest {
    @Test
    void echoRequest() {
        Packet p = decode(TestFrames.ETH_ICMP_ECHO, LinkType.ETHERNET);
        assertNoEvents(p);
        assertTrue(p.isIcmp());
        assertEquals(v4(172, 17, 0, 4), p.srcLo);
        assertEquals(v4(1, 1, 1, 1), p.dstLo);
        assertEquals(8, p.icmpType);
        assertEquals(0, p.icmpCode);
        assertEquals(0x05bb, p.icmpId);
        assertEquals(1, p.icmpSeq);
        assertEquals(0, p.srcPort);
        assertEquals(42, p.payloadOffset);
        assertEquals(56, p.payloadLength);
        assertEquals(ChecksumState.OK, p.l4Checksum);
    }

    @Test
    void badChecksumUnknownTypeAndCode() {
        String hex = TestFrames.ETH_ICMP_ECHO; // icmp type at hex 68
        Packet bad = decode(hex.substring(0, hex.length() - 2) + "00", LinkType.ETHERNET, ChecksumMode.ALL);
        assertEquals(ChecksumState.BAD, bad.l4Checksum);
        assertEvent(bad, DecoderEvent.ICMPV4_CHECKSUM_INVALID);
        assertEvent(decode(hex.substring(0, 68) + "63" + hex.substring(70), LinkType.ETHERNET, ChecksumMode.NONE),
                DecoderEvent.ICMPV4_UNKNOWN_TYPE);
        assertEvent(decode(hex.substring(0, 68) + "0809" + hex.substring(72), LinkType.ETHERNET, ChecksumMode.NONE),
                DecoderEvent.ICMPV4_UNKNOWN_CODE);
        Packet unreach = decode(hex.substring(0, 68) + "0303" + hex.substring(72), LinkType.ETHERNET, ChecksumMode.NONE);
        assertNoEvents(unreach);
        assertEquals(-1, unreach.icmpId);
    }

    @Test
    void tooSmall() {
        String hex = TestFrames.ETH_ICMP_ECHO;
        // IP total length 24: 4 bytes of ICMP
        assertEvent(decode(hex.substring(0, 32) + "0018" + hex.substring(36, 76), LinkType.ETHERNET, ChecksumMode.NONE),
                DecoderEvent.ICMPV4_PKT_TOO_SMALL);
    }
}
