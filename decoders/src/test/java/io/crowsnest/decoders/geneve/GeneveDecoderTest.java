package io.crowsnest.decoders.geneve;

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
import io.crowsnest.decoders.TunnelType;
import org.junit.jupiter.api.Test;

class GeneveDecoderTest {
    @Test
    void manyOptions() {
        Packet p = decode(TestFrames.GENEVE_OPTIONS, LinkType.ETHERNET, ChecksumMode.NONE);
        assertNoEvents(p);
        assertEquals(TunnelType.GENEVE, p.tunnelType);
        assertEquals(0x0c012e, p.tunnelId);
        assertEquals(v4(192, 168, 33, 179), p.outerSrcLo);
        assertEquals(v4(192, 168, 179, 33), p.outerDstLo);
        assertEquals(6667, p.outerSrcPort);
        assertEquals(6081, p.outerDstPort);
        assertEquals(17, p.outerProto);
        assertEquals(14 + 20 + 8 + 8 + 76 + 14, p.l3Offset);
        assertEquals(v4(10, 0, 0, 226), p.srcLo);
        assertEquals(v4(95, 217, 228, 176), p.dstLo);
        assertTrue(p.isTcp());
        assertEquals(39088, p.srcPort);
        assertEquals(80, p.dstPort);
    }

    @Test
    void offloadedOuterChecksumIsMarkedButInnerStillDecoded() {
        Packet p = decode(TestFrames.GENEVE_OPTIONS, LinkType.ETHERNET, ChecksumMode.ALL);
        assertEvent(p, DecoderEvent.UDP_CHECKSUM_INVALID);
        assertEquals(ChecksumState.BAD, p.l4Checksum); // outer UDP bad, inner TCP ok: worst is kept
        assertEquals(TunnelType.GENEVE, p.tunnelType);
        assertTrue(p.isTcp());
    }

    private static final int GENEVE = (14 + 20 + 8) * 2; // hex offset of the Geneve header

    @Test
    void ipPayloadTypeAndUnknownType() {
        String hex = TestFrames.GENEVE_OPTIONS;
        String innerIp = hex.substring(GENEVE + (8 + 76 + 14) * 2);
        // no options, protocol 0x0800, IPv4 straight after the header
        Packet p = decode(hex.substring(0, GENEVE) + "00000800" + "00002a00" + innerIp, LinkType.ETHERNET, ChecksumMode.NONE);
        assertEquals(TunnelType.GENEVE, p.tunnelType);
        assertEquals(42, p.tunnelId);
        assertTrue(p.isTcp());
        assertEquals(39088, p.srcPort);
        Packet u = decode(hex.substring(0, GENEVE) + "00008847" + hex.substring(GENEVE + 8), LinkType.ETHERNET, ChecksumMode.NONE);
        assertEvent(u, DecoderEvent.GENEVE_UNKNOWN_PAYLOAD_TYPE);
        assertEquals(TunnelType.NONE, u.tunnelType);
    }

    @Test
    void badOptionLengths() {
        String hex = TestFrames.GENEVE_OPTIONS;
        // first option claims 31 words, beyond the 19-word option area
        Packet p = decode(hex.substring(0, GENEVE + 22) + "1f" + hex.substring(GENEVE + 24), LinkType.ETHERNET, ChecksumMode.NONE);
        assertEvent(p, DecoderEvent.GENEVE_INVALID_OPTLEN);
        // option area larger than the datagram
        Packet q = decode(hex.substring(0, GENEVE) + "3f" + hex.substring(GENEVE + 2, GENEVE + 40), LinkType.ETHERNET, ChecksumMode.NONE);
        assertEvent(q, DecoderEvent.GENEVE_PKT_TOO_SMALL);
    }
}
