package io.crowsnest.decoders.arp;

import static io.crowsnest.decoders.Decoding.decode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.crowsnest.decoders.DecoderConfig;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.Decoding;
import io.crowsnest.decoders.LinkType;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.PacketDecoder;
import io.crowsnest.decoders.TestFrames;
import org.junit.jupiter.api.Test;

class ArpDecoderTest {
    @Test
    void arpIsCountedNotDecoded() {
        PacketDecoder decoder = new PacketDecoder(DecoderConfig.defaults());
        Packet p = Decoding.decode(TestFrames.bytes(TestFrames.ETH_ARP), LinkType.ETHERNET, decoder);
        Decoding.decode(TestFrames.bytes(TestFrames.ETH_ARP), LinkType.ETHERNET, decoder);
        assertFalse(p.decoded);
        assertEquals(0x0806, p.etherType);
        assertEquals(1, p.eventCount);
        Decoding.assertEvent(p, DecoderEvent.ARP);
        assertEquals(2, decoder.eventCounts()[DecoderEvent.ARP.ordinal()]);
        assertEquals("decoder.arp", DecoderEvent.ARP.eventName());
        assertEquals(0, decode(TestFrames.ETH_UDP_DNS, LinkType.ETHERNET).eventCount);
    }
}
