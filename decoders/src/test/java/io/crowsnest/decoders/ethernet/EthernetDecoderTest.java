package io.crowsnest.decoders.ethernet;

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

class EthernetDecoderTest {
    @Test
    void ethernetIpv4() {
        Packet p = decode(TestFrames.ETH_TCP_SYN, LinkType.ETHERNET);
        assertNoEvents(p);
        assertTrue(p.decoded);
        assertEquals(0x0800, p.etherType);
        assertEquals(14, p.l3Offset);
        assertEquals(v4(141, 142, 228, 5), p.srcLo);
        assertEquals(0, p.vlanCount);
    }

    @Test
    void ethernetPaddingIsIgnored() {
        // 60-byte minimum frame: the IP total length, not the frame, bounds the payload
        byte[] frame = java.util.Arrays.copyOf(TestFrames.bytes(TestFrames.ETH_UDP_DNS), 90);
        Packet p = new Packet(256).load(frame, LinkType.ETHERNET);
        new io.crowsnest.decoders.PacketDecoder(io.crowsnest.decoders.DecoderConfig.defaults()).decode(p);
        assertNoEvents(p);
        assertEquals(33, p.payloadLength);
    }

    @Test
    void tooSmall() {
        Packet p = decode("00c09f32418c00e018b10cad08", LinkType.ETHERNET);
        assertFalse(p.decoded);
        assertEvent(p, DecoderEvent.ETHERNET_PKT_TOO_SMALL);
    }

    @Test
    void unknownEtherType() {
        Packet p = decode("00c09f32418c00e018b10cad88cc0102030405", LinkType.ETHERNET);
        assertEvent(p, DecoderEvent.UNKNOWN_ETHERTYPE);
        assertEquals(0x88cc, p.etherType);
    }
}
