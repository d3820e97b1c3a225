package io.crowsnest.decoders.tcp;

import static io.crowsnest.decoders.Decoding.assertEvent;
import static io.crowsnest.decoders.Decoding.assertNoEvents;
import static io.crowsnest.decoders.Decoding.decode;
import static io.crowsnest.decoders.Decoding.payload;
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

class TcpDecoderTest {
    @Test
    void synWithOptions() {
        Packet p = decode(TestFrames.ETH_TCP_SYN, LinkType.ETHERNET);
        assertNoEvents(p);
        assertTrue(p.isTcp());
        assertEquals(34, p.l4Offset);
        assertEquals(44, p.l4HeaderLength);
        assertEquals(v4(141, 142, 228, 5), p.srcLo);
        assertEquals(v4(192, 150, 187, 43), p.dstLo);
        assertEquals(59856, p.srcPort);
        assertEquals(80, p.dstPort);
        assertEquals(0x02, p.tcpFlags);
        assertEquals(0xfe21323aL, p.tcpSeq);
        assertEquals(0, p.tcpAck);
        assertEquals(65535, p.tcpWindow);
        assertEquals(1460, p.tcpMss);
        assertEquals(4, p.tcpWindowScale);
        assertEquals(0x164add20L, p.tcpTsVal);
        long kinds = (1L << TcpDecoder.OPT_MSS) | (1L << TcpDecoder.OPT_NOP) | (1L << TcpDecoder.OPT_WS)
                | (1L << TcpDecoder.OPT_TS) | (1L << TcpDecoder.OPT_SACKOK) | 1L;
        assertEquals(kinds, p.tcpOptionKinds);
        assertEquals(0, p.payloadLength);
        assertEquals(78, p.payloadOffset);
        assertEquals(ChecksumState.OK, p.l4Checksum);
    }

    @Test
    void httpPayload() {
        Packet p = decode(TestFrames.ETH_TCP_HTTP_GET, LinkType.ETHERNET);
        assertNoEvents(p);
        assertEquals(0x18, p.tcpFlags);
        assertEquals(136, p.payloadLength);
        assertTrue(payload(p).startsWith("GET /download/CHANGES.bro-aux.txt HTTP/1.1\r\n"));
        assertEquals(ChecksumState.OK, p.l4Checksum);
    }

    @Test
    void ipv6Tcp() {
        Packet p = decode(TestFrames.ETH_V6_TCP_DATA, LinkType.ETHERNET);
        assertNoEvents(p);
        assertTrue(p.isTcp());
        assertEquals(ChecksumState.OK, p.l4Checksum);
        assertTrue(payload(p).startsWith("GET /test_lastline_blocking HTTP/1.1"));
    }

    /** ETH_TCP_SYN has 24 option bytes at hex 108..156. */
    private static Packet withOptions(String opts) {
        String hex = TestFrames.ETH_TCP_SYN;
        return decode(hex.substring(0, 108) + opts + hex.substring(156), LinkType.ETHERNET, ChecksumMode.NONE);
    }

    @Test
    void badOptions() {
        assertEvent(withOptions("020305b4" + "00".repeat(20)), DecoderEvent.TCP_OPT_INVALID_LEN); // MSS len 3
        assertEvent(withOptions("020405b4020405b4" + "00".repeat(16)), DecoderEvent.TCP_OPT_DUPLICATE);
        assertEvent(withOptions("01".repeat(22) + "0805"), DecoderEvent.TCP_OPT_INVALID_LEN); // past header
        assertEvent(withOptions("01".repeat(23) + "08"), DecoderEvent.TCP_OPT_INVALID_LEN);   // no length byte
        assertEvent(withOptions("0801" + "00".repeat(22)), DecoderEvent.TCP_OPT_INVALID_LEN);  // len < 2
        assertNoEvents(withOptions("fe04abcd" + "00".repeat(20)));                              // experimental
    }

    @Test
    void badHeaders() {
        String hex = TestFrames.ETH_TCP_SYN;
        assertEvent(decode(hex.substring(0, 92) + "4" + hex.substring(93), LinkType.ETHERNET, ChecksumMode.NONE),
                DecoderEvent.TCP_HLEN_TOO_SMALL);
        assertEvent(decode(hex.substring(0, 92) + "f" + hex.substring(93), LinkType.ETHERNET, ChecksumMode.NONE),
                DecoderEvent.TCP_INVALID_OPTLEN);
        assertEvent(decode(hex.substring(0, 100), LinkType.ETHERNET), DecoderEvent.TCP_PKT_TOO_SMALL);
    }

    @Test
    void badChecksum() {
        String hex = TestFrames.ETH_TCP_HTTP_GET;
        String bad = hex.substring(0, hex.length() - 2) + "00"; // last payload byte changed
        Packet p = decode(bad, LinkType.ETHERNET, ChecksumMode.ALL);
        assertEquals(ChecksumState.BAD, p.l4Checksum);
        assertEquals(ChecksumState.OK, p.ipChecksum);
        assertEvent(p, DecoderEvent.TCP_CHECKSUM_INVALID);
        assertTrue(p.isTcp()); // still decoded
        Packet n = decode(bad, LinkType.ETHERNET, ChecksumMode.NONE);
        assertEquals(ChecksumState.UNCHECKED, n.l4Checksum);
        assertNoEvents(n);
    }
}
