package io.crowsnest.decoders.sll;

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

class SllDecoderTest {
    private static void assertSyn(Packet p, int l3) {
        assertNoEvents(p);
        assertTrue(p.isTcp());
        assertEquals(l3, p.l3Offset);
        assertEquals(0x0800, p.etherType);
        assertEquals(v4(172, 16, 238, 1), p.srcLo);
        assertEquals(v4(172, 16, 238, 10), p.dstLo);
        assertEquals(1984, p.srcPort);
        assertEquals(8080, p.dstPort);
        assertEquals(0x02, p.tcpFlags);
        assertEquals(ChecksumState.OK, p.l4Checksum);
    }

    @Test
    void sll() {
        assertSyn(decode(TestFrames.SLL_TCP_SYN, LinkType.LINUX_SLL), 16);
    }

    @Test
    void sll2() {
        assertSyn(decode(TestFrames.SLL2_TCP_SYN, LinkType.LINUX_SLL2), 20);
    }

    @Test
    void tooSmall() {
        assertEvent(decode(TestFrames.SLL_TCP_SYN.substring(0, 30), LinkType.LINUX_SLL), DecoderEvent.SLL_PKT_TOO_SMALL);
        assertEvent(decode(TestFrames.SLL2_TCP_SYN.substring(0, 38), LinkType.LINUX_SLL2), DecoderEvent.SLL2_PKT_TOO_SMALL);
    }
}
