package io.crowsnest.decoders.raw;

import static io.crowsnest.decoders.Decoding.assertEvent;
import static io.crowsnest.decoders.Decoding.assertNoEvents;
import static io.crowsnest.decoders.Decoding.decode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.LinkType;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.TestFrames;
import org.junit.jupiter.api.Test;

class RawIpDecoderTest {
    @Test
    void rawLinkTypesUseTheVersionNibble() {
        for (int lt : new int[] {LinkType.RAW, LinkType.RAW_OLD_12, LinkType.RAW_OLD_14}) {
            Packet p4 = decode(TestFrames.RAW_V4_DNS, lt);
            assertNoEvents(p4);
            assertEquals(4, p4.ipVersion);
            assertTrue(p4.isUdp());
            Packet p6 = decode(TestFrames.RAW_V6_TCP, lt);
            assertNoEvents(p6);
            assertEquals(6, p6.ipVersion);
            assertTrue(p6.isTcp());
        }
    }

    @Test
    void ipv4AndIpv6LinkTypes() {
        assertTrue(decode(TestFrames.RAW_V4_DNS, LinkType.IPV4).isUdp());
        assertTrue(decode(TestFrames.RAW_V6_TCP, LinkType.IPV6).isTcp());
        assertEvent(decode(TestFrames.RAW_V6_TCP, LinkType.IPV4), DecoderEvent.IPV4_WRONG_IP_VER);
        assertEvent(decode(TestFrames.RAW_V4_DNS, LinkType.IPV6), DecoderEvent.IPV6_WRONG_IP_VER);
    }

    @Test
    void badVersionAndEmpty() {
        assertEvent(decode("5500", LinkType.RAW), DecoderEvent.IPRAW_INVALID_IP_VERSION);
        assertEvent(decode("", LinkType.RAW), DecoderEvent.IPV4_PKT_TOO_SMALL);
    }

    @Test
    void unknownLinkType() {
        assertEvent(decode(TestFrames.RAW_V4_DNS, 147), DecoderEvent.UNKNOWN_LINKTYPE);
    }
}
