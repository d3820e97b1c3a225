package io.crowsnest.decoders.ipv6;

import static io.crowsnest.decoders.Decoding.assertEvent;
import static io.crowsnest.decoders.Decoding.assertNoEvents;
import static io.crowsnest.decoders.Decoding.decode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.decoders.ChecksumState;
import io.crowsnest.decoders.DecoderConfig.ChecksumMode;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.LinkType;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.TestFrames;
import org.junit.jupiter.api.Test;

class Ipv6DecoderTest {
    @Test
    void header() {
        Packet p = decode(TestFrames.ETH_V6_TCP_SYN, LinkType.ETHERNET);
        assertNoEvents(p);
        assertEquals(6, p.ipVersion);
        assertEquals(0x86DD, p.etherType);
        assertEquals(40, p.ipHeaderLength);
        assertEquals(80, p.ipTotalLength);
        assertEquals(0xfd00000100010000L, p.srcHi);
        assertEquals(2L, p.srcLo);
        assertEquals(0xfd00000200010000L, p.dstHi);
        assertEquals(2L, p.dstLo);
        assertEquals(64, p.ttl);
        assertEquals(6, p.ipProto);
        assertEquals(ChecksumState.UNCHECKED, p.ipChecksum);
    }

    @Test
    void extensionHeadersWithFirstFragment() {
        Packet p = decode(TestFrames.ETH_V6_EXT_FRAG_FIRST, LinkType.ETHERNET);
        // the crafted frame carries 49 bytes after its fragment header with M set: not a multiple
        // of 8 (RFC 8200), so the defragmenter refuses it, as Suricata does
        assertEquals("[decoder.ipv6.frag_invalid_length]", io.crowsnest.decoders.Decoding.events(p));
        assertFalse(p.fragmentHeld);
        assertEquals(40 + 24, p.ipHeaderLength);
        assertEquals(17, p.ipProto);
        assertTrue(p.fragment);
        assertEquals(0, p.fragOffset);
        assertEquals(1, p.ipFlags);
        assertEquals(0xdeadbeef, p.ipId);
        assertEquals(-1, p.l4Offset); // waits for reassembly
        assertEquals(14 + 64, p.payloadOffset);
        assertEquals(41, p.payloadLength);
    }

    @Test
    void laterFragment() {
        Packet p = decode(TestFrames.ETH_V6_FRAG_LAST, LinkType.ETHERNET);
        assertNoEvents(p);
        assertTrue(p.fragment);
        assertEquals(1448, p.fragOffset);
        assertEquals(0, p.ipFlags);
        assertEquals(17, p.ipProto);
        assertEquals(48, p.ipHeaderLength);
        assertEquals(-1, p.l4Offset);
    }

    @Test
    void hopByHopRoutingAtomicFragmentThenTcp() {
        Packet p = decode(TestFrames.ETH_V6_EXT_TCP, LinkType.ETHERNET);
        assertEvent(p, DecoderEvent.IPV6_EXTHDR_USELESS_FH);
        assertEquals(1, p.eventCount);
        assertFalse(p.fragment);
        assertEquals(7, p.ipId);
        assertEquals(40 + 8 + 24 + 8, p.ipHeaderLength);
        assertTrue(p.isTcp());
        assertEquals(39990, p.srcPort);
        assertEquals(80, p.dstPort);
        assertEquals(ChecksumState.OK, p.l4Checksum);
    }

    @Test
    void badExtensionHeaders() {
        String hex = TestFrames.ETH_V6_EXT_FRAG_FIRST;
        // destination options with an option running past the header
        Packet badOpt = decode(hex.substring(0, 128) + "0109" + hex.substring(132), LinkType.ETHERNET);
        assertEvent(badOpt, DecoderEvent.IPV6_EXTHDR_INVALID_OPTLEN);
        // second fragment header: the destination options header points to 44 and so does the fragment header
        Packet dupl = decode(hex.substring(0, 140) + "2c" + hex.substring(142), LinkType.ETHERNET, ChecksumMode.NONE);
        assertEvent(dupl, DecoderEvent.IPV6_EXTHDR_DUPL_FH);
        // extension header cut by the payload length
        Packet trunc = decode(hex.substring(0, 36) + "000c" + hex.substring(40, 132), LinkType.ETHERNET);
        assertEvent(trunc, DecoderEvent.IPV6_TRUNC_EXTHDR);
        assertTrue(trunc.decoded);
    }

    @Test
    void malformed() {
        String eth = TestFrames.ETH_V6_TCP_SYN.substring(0, 28);
        String ip = TestFrames.ETH_V6_TCP_SYN.substring(28);
        assertEvent(decode(eth + ip.substring(0, 60), LinkType.ETHERNET), DecoderEvent.IPV6_PKT_TOO_SMALL);
        assertEvent(decode(eth + "4" + ip.substring(1), LinkType.ETHERNET), DecoderEvent.IPV6_WRONG_IP_VER);
        String data = TestFrames.ETH_V6_TCP_DATA;
        Packet t = decode(data.substring(0, data.length() - 8), LinkType.ETHERNET);
        assertEvent(t, DecoderEvent.IPV6_TRUNC_PKT);
        assertTrue(t.isTcp());
    }
}
