package io.crowsnest.decoders.udp;

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

class UdpDecoderTest {
    @Test
    void ipv4Udp() {
        Packet p = decode(TestFrames.ETH_UDP_DNS, LinkType.ETHERNET);
        assertNoEvents(p);
        assertTrue(p.isUdp());
        assertEquals(v4(192, 168, 170, 8), p.srcLo);
        assertEquals(32795, p.srcPort);
        assertEquals(53, p.dstPort);
        assertEquals(8, p.l4HeaderLength);
        assertEquals(42, p.payloadOffset);
        assertEquals(33, p.payloadLength);
        assertEquals(ChecksumState.OK, p.l4Checksum);
    }

    @Test
    void ipv6Udp() {
        Packet p = decode(TestFrames.ETH_V6_UDP, LinkType.ETHERNET);
        assertNoEvents(p);
        assertTrue(p.isUdp());
        assertEquals(6, p.ipVersion);
        assertEquals(53, p.dstPort);
        assertEquals(33, p.payloadLength);
        assertEquals(ChecksumState.OK, p.l4Checksum);
    }

    @Test
    void zeroChecksumMeansNoneOverIpv4ButIsInvalidOverIpv6() {
        String v4 = TestFrames.ETH_UDP_DNS;
        Packet p = decode(v4.substring(0, 80) + "0000" + v4.substring(84), LinkType.ETHERNET, ChecksumMode.ALL);
        assertNoEvents(p);
        assertEquals(ChecksumState.UNCHECKED, p.l4Checksum);
        String v6 = TestFrames.ETH_V6_UDP;
        Packet q = decode(v6.substring(0, 120) + "0000" + v6.substring(124), LinkType.ETHERNET, ChecksumMode.ALL);
        assertEquals(ChecksumState.BAD, q.l4Checksum);
        assertEvent(q, DecoderEvent.UDP_CHECKSUM_INVALID);
    }

    @Test
    void badChecksum() {
        String v4 = TestFrames.ETH_UDP_DNS;
        Packet p = decode(v4.substring(0, 80) + "1234" + v4.substring(84), LinkType.ETHERNET, ChecksumMode.ALL);
        assertEquals(ChecksumState.BAD, p.l4Checksum);
        assertEvent(p, DecoderEvent.UDP_CHECKSUM_INVALID);
        assertTrue(p.isUdp());
    }

    @Test
    void lengthProblems() {
        String hex = TestFrames.ETH_UDP_DNS; // udp length at hex 76..80 (0x0029)
        assertEvent(decode(hex.substring(0, 76) + "0004" + hex.substring(80), LinkType.ETHERNET, ChecksumMode.NONE),
                DecoderEvent.UDP_LEN_INVALID);
        assertEvent(decode(hex.substring(0, 76) + "0030" + hex.substring(80), LinkType.ETHERNET, ChecksumMode.NONE),
                DecoderEvent.UDP_PKT_TOO_SMALL);
        Packet shorter = decode(hex.substring(0, 76) + "0020" + hex.substring(80), LinkType.ETHERNET, ChecksumMode.NONE);
        assertEvent(shorter, DecoderEvent.UDP_HLEN_INVALID);
        assertEquals(24, shorter.payloadLength);
        // IP total length 24: only 4 bytes of UDP
        Packet tiny = decode(hex.substring(0, 32) + "0018" + hex.substring(36, 76), LinkType.ETHERNET, ChecksumMode.NONE);
        assertEvent(tiny, DecoderEvent.UDP_HLEN_TOO_SMALL);
    }
}
