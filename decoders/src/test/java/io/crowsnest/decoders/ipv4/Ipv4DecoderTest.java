package io.crowsnest.decoders.ipv4;

import static io.crowsnest.decoders.Decoding.assertEvent;
import static io.crowsnest.decoders.Decoding.assertNoEvents;
import static io.crowsnest.decoders.Decoding.decode;
import static io.crowsnest.decoders.Decoding.v4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.decoders.ChecksumState;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.IpOptions;
import io.crowsnest.decoders.LinkType;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.TestFrames;
import org.junit.jupiter.api.Test;

class Ipv4DecoderTest {
    @Test
    void header() {
        Packet p = decode(TestFrames.ETH_UDP_DNS, LinkType.ETHERNET);
        assertNoEvents(p);
        assertEquals(4, p.ipVersion);
        assertEquals(20, p.ipHeaderLength);
        assertEquals(61, p.ipTotalLength);
        assertEquals(0L, p.srcHi);
        assertEquals(v4(192, 168, 170, 8), p.srcLo);
        assertEquals(0x0000FFFFC0A8AA14L, p.dstLo);
        assertEquals(17, p.ipProto);
        assertEquals(64, p.ttl);
        assertEquals(0x2, p.ipFlags); // DF
        assertFalse(p.fragment);
        assertEquals(ChecksumState.OK, p.ipChecksum);
        assertEquals(0, p.ipOptions);
    }

    @Test
    void options() {
        Packet p = decode(TestFrames.ETH_IPV4_OPTIONS, LinkType.ETHERNET);
        assertNoEvents(p);
        assertEquals(28, p.ipHeaderLength);
        assertEquals(IpOptions.NOP | IpOptions.RR, p.ipOptions);
        assertEquals(ChecksumState.OK, p.ipChecksum);
        assertTrue(p.isUdp());
        assertEquals(14 + 28, p.l4Offset);
        assertEquals(ChecksumState.OK, p.l4Checksum);
    }

    /** Rewrites the 8 option bytes of ETH_IPV4_OPTIONS (checksum mode NONE, so no checksum event). */
    private static Packet withOptions(String opts) {
        String hex = TestFrames.ETH_IPV4_OPTIONS;
        return decode(hex.substring(0, 68) + opts + hex.substring(84), LinkType.ETHERNET,
                io.crowsnest.decoders.DecoderConfig.ChecksumMode.NONE);
    }

    @Test
    void badOptions() {
        assertEvent(withOptions("0702040001010101"), DecoderEvent.IPV4_OPT_INVALID_LEN);   // RR len 2
        assertEvent(withOptions("0709040000000000"), DecoderEvent.IPV4_OPT_INVALID_LEN);   // beyond header
        assertEvent(withOptions("0701000000000000"), DecoderEvent.IPV4_OPT_MALFORMED);     // len < 2
        assertEvent(withOptions("0101010101010107"), DecoderEvent.IPV4_OPT_INVALID);       // no length byte
        assertEvent(withOptions("8804000188040002"), DecoderEvent.IPV4_OPT_DUPLICATE);     // two stream ids
        Packet unknown = withOptions("1e04000000000000");
        assertEvent(unknown, DecoderEvent.IPV4_OPT_UNKNOWN);
        assertEquals(IpOptions.ANY | IpOptions.EOL, unknown.ipOptions);
        Packet ra = withOptions("9404000000000000"); // router alert + EOL
        assertNoEvents(ra);
        assertEquals(IpOptions.ANY | IpOptions.EOL, ra.ipOptions);
    }

    @Test
    void malformedHeaders() {
        String eth = TestFrames.ETH_UDP_DNS.substring(0, 28);
        String ip = TestFrames.ETH_UDP_DNS.substring(28);
        assertEvent(decode(eth + "4500003d", LinkType.ETHERNET), DecoderEvent.IPV4_PKT_TOO_SMALL);
        assertEvent(decode(eth + "44" + ip.substring(2), LinkType.ETHERNET), DecoderEvent.IPV4_HLEN_TOO_SMALL);
        assertEvent(decode(eth + "65" + ip.substring(2), LinkType.ETHERNET), DecoderEvent.IPV4_WRONG_IP_VER);
        assertEvent(decode(eth + "45000010" + ip.substring(8), LinkType.ETHERNET),
                DecoderEvent.IPV4_IPLEN_SMALLER_THAN_HLEN);
        assertEvent(decode(eth + "4f" + ip.substring(2, 60), LinkType.ETHERNET), DecoderEvent.IPV4_TRUNC_PKT);
    }

    @Test
    void truncatedDatagramStillDecodesWhatIsThere() {
        String hex = TestFrames.ETH_TCP_HTTP_GET;
        Packet p = decode(hex.substring(0, hex.length() - 20), LinkType.ETHERNET);
        assertEvent(p, DecoderEvent.IPV4_TRUNC_PKT);
        assertTrue(p.isTcp());
        assertEquals(136 - 10, p.payloadLength);
        assertEquals(ChecksumState.UNCHECKED, p.l4Checksum); // cannot validate a partial segment
        assertEquals(ChecksumState.OK, p.ipChecksum);
    }

    @Test
    void fragmentIsNotDecodedPastIp() {
        // ETH_UDP_DNS with MF set (flags 0x2000 -> 0x2000), checksums off
        String hex = TestFrames.ETH_UDP_DNS;
        Packet p = decode(hex.substring(0, 40) + "2000" + hex.substring(44), LinkType.ETHERNET,
                io.crowsnest.decoders.DecoderConfig.ChecksumMode.NONE);
        assertTrue(p.fragment);
        assertEquals(0x1, p.ipFlags);
        assertEquals(-1, p.l4Offset);
        assertEquals(17, p.ipProto);
        assertEquals(34, p.payloadOffset);
        assertEquals(41, p.payloadLength);
        Packet q = decode(hex.substring(0, 40) + "00b9" + hex.substring(44), LinkType.ETHERNET,
                io.crowsnest.decoders.DecoderConfig.ChecksumMode.ALL);
        assertTrue(q.fragment);
        assertEquals(185 * 8, q.fragOffset);
        assertEquals(ChecksumState.UNCHECKED, q.l4Checksum);
    }
}
