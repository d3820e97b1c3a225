package io.crowsnest.decoders.icmp;

import static io.crowsnest.decoders.Decoding.assertEvent;
import static io.crowsnest.decoders.Decoding.assertNoEvents;
import static io.crowsnest.decoders.Decoding.decode;
import static io.crowsnest.decoders.Decoding.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.decoders.ChecksumState;
import io.crowsnest.decoders.DecoderConfig.ChecksumMode;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.LinkType;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.TestFrames;
import org.junit.jupiter.api.Test;

class Icmpv6DecoderTest {
    @Test
    void echoRequest() {
        Packet p = decode(TestFrames.ETH_V6_ICMP_ECHO, LinkType.ETHERNET);
        assertNoEvents(p);
        assertTrue(p.isIcmp());
        assertEquals(58, p.ipProto);
        assertEquals(128, p.icmpType);
        assertEquals(0, p.icmpCode);
        assertEquals(0x1234, p.icmpId);
        assertEquals(1, p.icmpSeq);
        assertEquals("crowsnest", payload(p));
        assertEquals(ChecksumState.OK, p.l4Checksum);
    }

    @Test
    void badChecksumAndUnknownType() {
        String hex = TestFrames.ETH_V6_ICMP_ECHO; // icmpv6 type at hex 108
        Packet bad = decode(hex.substring(0, hex.length() - 2) + "00", LinkType.ETHERNET, ChecksumMode.ALL);
        assertEquals(ChecksumState.BAD, bad.l4Checksum);
        assertEvent(bad, DecoderEvent.ICMPV6_CHECKSUM_INVALID);
        assertEvent(decode(hex.substring(0, 108) + "05" + hex.substring(110), LinkType.ETHERNET, ChecksumMode.NONE),
                DecoderEvent.ICMPV6_UNKNOWN_TYPE);
        assertEvent(decode(hex.substring(0, 108) + "8001" + hex.substring(112), LinkType.ETHERNET, ChecksumMode.NONE),
                DecoderEvent.ICMPV6_UNKNOWN_CODE);
        assertEvent(decode(hex.substring(0, 36) + "0004" + hex.substring(40, 116), LinkType.ETHERNET),
                DecoderEvent.ICMPV6_PKT_TOO_SMALL);
    }
}
