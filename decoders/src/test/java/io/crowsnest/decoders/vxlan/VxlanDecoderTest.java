package io.crowsnest.decoders.vxlan;

import static io.crowsnest.decoders.Decoding.assertEvent;
import static io.crowsnest.decoders.Decoding.assertNoEvents;
import static io.crowsnest.decoders.Decoding.decode;
import static io.crowsnest.decoders.Decoding.v4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.decoders.ChecksumState;
import io.crowsnest.decoders.DecoderConfig;
import io.crowsnest.decoders.DecoderConfig.ChecksumMode;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.Decoding;
import io.crowsnest.decoders.LinkType;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.PacketDecoder;
import io.crowsnest.decoders.TestFrames;
import io.crowsnest.decoders.TunnelType;
import org.junit.jupiter.api.Test;

class VxlanDecoderTest {
    private static void assertZeekVxlan(Packet p, int dstPort) {
        assertNoEvents(p);
        assertTrue(p.decoded);
        assertEquals(TunnelType.VXLAN, p.tunnelType);
        assertEquals(1, p.tunnelId);
        assertEquals(1, p.tunnelDepth);
        assertEquals(4, p.outerIpVersion);
        assertEquals(0L, p.outerSrcHi);
        assertEquals(v4(10, 1, 200, 131), p.outerSrcLo);
        assertEquals(v4(10, 1, 1, 172), p.outerDstLo);
        assertEquals(17, p.outerProto);
        assertEquals(50000, p.outerSrcPort);
        assertEquals(dstPort, p.outerDstPort);
        // inner 5-tuple
        assertEquals(4, p.ipVersion);
        assertEquals(64, p.l3Offset);
        assertEquals(v4(172, 16, 11, 201), p.srcLo);
        assertEquals(v4(54, 86, 237, 188), p.dstLo);
        assertEquals(6, p.ipProto);
        assertTrue(p.isTcp());
        assertEquals(40354, p.srcPort);
        assertEquals(80, p.dstPort);
        assertEquals(0x02, p.tcpFlags);
        assertEquals(ChecksumState.OK, p.ipChecksum);
        assertEquals(ChecksumState.OK, p.l4Checksum);
    }

    @Test
    void port4789() {
        assertZeekVxlan(decode(TestFrames.VXLAN_4789, LinkType.ETHERNET), 4789);
    }

    @Test
    void port8472() {
        assertZeekVxlan(decode(TestFrames.VXLAN_8472, LinkType.ETHERNET), 8472);
    }

    @Test
    void portNotConfiguredStaysUdp() {
        PacketDecoder d = new PacketDecoder(new DecoderConfig(new int[] {4789}, new int[] {6081}, ChecksumMode.ALL));
        Packet p = Decoding.decode(TestFrames.bytes(TestFrames.VXLAN_8472), LinkType.ETHERNET, d);
        assertNoEvents(p);
        assertEquals(TunnelType.NONE, p.tunnelType);
        assertTrue(p.isUdp());
        assertEquals(8472, p.dstPort);
        assertEquals(90 - 8, p.payloadLength);
    }

    @Test
    void outerVlanAndInnerDns() {
        Packet p = decode(TestFrames.VXLAN_VLAN, LinkType.ETHERNET);
        assertNoEvents(p);
        assertEquals(1, p.vlanCount);
        assertEquals(5, p.vlanIds[0]);
        assertEquals(1111, p.tunnelId);
        assertEquals(v4(192, 168, 22, 4), p.outerSrcLo);
        assertEquals(v4(192, 168, 22, 5), p.outerDstLo);
        assertEquals(4789, p.outerDstPort);
        assertEquals(v4(10, 10, 20, 4), p.srcLo);
        assertEquals(v4(8, 8, 8, 8), p.dstLo);
        assertTrue(p.isUdp());
        assertEquals(44437, p.srcPort);
        assertEquals(53, p.dstPort);
    }

    @Test
    void unknownFlagsAreNotVxlan() {
        Packet p = decode(TestFrames.VXLAN_BAD_FLAGS, LinkType.ETHERNET);
        assertEvent(p, DecoderEvent.VXLAN_UNKNOWN_FLAGS);
        assertEquals(1, p.eventCount);
        assertEquals(TunnelType.NONE, p.tunnelType);
        assertEquals(-1, p.tunnelId);
        assertEquals(0, p.tunnelDepth);
        assertTrue(p.isUdp()); // described as the outer UDP datagram
        assertEquals(v4(10, 1, 200, 131), p.srcLo);
        assertEquals(4789, p.dstPort);
        assertEquals(42, p.payloadOffset);
    }

    @Test
    void missingIBitIsUnknownFlags() {
        String hex = TestFrames.VXLAN_4789; // vxlan flags at hex 84
        Packet p = decode(hex.substring(0, 84) + "00" + hex.substring(86), LinkType.ETHERNET, ChecksumMode.NONE);
        assertEvent(p, DecoderEvent.VXLAN_UNKNOWN_FLAGS);
        assertEquals(TunnelType.NONE, p.tunnelType);
    }

    @Test
    void tooSmall() {
        String hex = TestFrames.VXLAN_4789;
        // UDP length 12 / IP length 32: 4 bytes of VXLAN header
        String ip = "45000020" + hex.substring(36, 48) + "0000" + hex.substring(52, 76) + "000c0000" + hex.substring(84, 92);
        Packet p = decode(hex.substring(0, 28) + ip, LinkType.ETHERNET, ChecksumMode.NONE);
        assertEvent(p, DecoderEvent.VXLAN_PKT_TOO_SMALL);
        assertEquals(TunnelType.NONE, p.tunnelType);
    }
}
