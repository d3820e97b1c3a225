package io.crowsnest.decoders.loopback;

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

class NullDecoderTest {
    private static void assertRedis(Packet p) {
        assertNoEvents(p);
        assertTrue(p.isTcp());
        assertEquals(4, p.l3Offset);
        assertEquals(v4(127, 0, 0, 1), p.srcLo);
        assertEquals(60010, p.srcPort);
        assertEquals(6379, p.dstPort);
        assertTrue(new String(p.data, p.payloadOffset, p.payloadLength).contains("AUTH"));
    }

    @Test
    void nullLittleEndianFamily() {
        assertRedis(decode(TestFrames.NULL_LE_TCP, LinkType.NULL));
    }

    @Test
    void nullBigEndianFamily() {
        assertRedis(decode(TestFrames.NULL_BE_TCP, LinkType.NULL));
    }

    @Test
    void nullIpv6BothOrders() {
        for (String hex : new String[] {TestFrames.NULL_LE_V6, TestFrames.NULL_BE_V6}) {
            Packet p = decode(hex, LinkType.NULL);
            assertNoEvents(p);
            assertEquals(6, p.ipVersion);
            assertTrue(p.isTcp());
        }
    }

    @Test
    void loopIsNetworkOrder() {
        assertRedis(decode(TestFrames.NULL_BE_TCP, LinkType.LOOP));
        Packet p = decode(TestFrames.NULL_LE_TCP, LinkType.LOOP);
        assertEvent(p, DecoderEvent.NULL_UNSUPPORTED_TYPE);
        assertFalse(p.decoded);
    }

    @Test
    void unsupportedFamilyAndTooSmall() {
        assertEvent(decode("07000000450000", LinkType.NULL), DecoderEvent.NULL_UNSUPPORTED_TYPE);
        assertEvent(decode("020000", LinkType.NULL), DecoderEvent.NULL_PKT_TOO_SMALL);
    }
}
