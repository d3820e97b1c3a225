package io.crowsnest.decoders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.decoders.DecoderConfig.ChecksumMode;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Whole-pipeline properties: hostile input never throws, events are counted, nothing allocates. */
class PacketDecoderTest {
    record Frame(String name, byte[] bytes, int linkType) {}

    /** Every fixture of {@link TestFrames} with the link type it is captured with. */
    static List<Frame> frames() throws IllegalAccessException {
        List<Frame> out = new ArrayList<>();
        for (Field f : TestFrames.class.getFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || f.getType() != String.class) {
                continue;
            }
            String name = f.getName();
            int lt = name.startsWith("SLL2_") ? LinkType.LINUX_SLL2
                    : name.startsWith("SLL_") ? LinkType.LINUX_SLL
                    : name.startsWith("NULL_") ? LinkType.NULL
                    : name.startsWith("RAW_") ? LinkType.RAW
                    : LinkType.ETHERNET;
            out.add(new Frame(name, TestFrames.bytes((String) f.get(null)), lt));
        }
        assertTrue(out.size() > 30);
        return out;
    }

    @Test
    void everyFixtureDecodes() throws Exception {
        PacketDecoder d = new PacketDecoder(DecoderConfig.defaults().withChecksumMode(ChecksumMode.ALL));
        Packet p = new Packet(4096);
        for (Frame f : frames()) {
            p.load(f.bytes(), f.linkType());
            boolean ip = d.decode(p);
            if (f.name().equals("ETH_ARP")) {
                assertFalse(ip);
            } else {
                assertTrue(ip, f.name() + " " + Decoding.events(p));
            }
        }
    }

    @Test
    void everyTruncationRaisesAnEventAndNeverThrows() throws Exception {
        for (ChecksumMode mode : ChecksumMode.values()) {
            PacketDecoder d = new PacketDecoder(DecoderConfig.defaults().withChecksumMode(mode));
            Packet p = new Packet(4096);
            for (Frame f : frames()) {
                byte[] full = f.bytes();
                for (int len = 0; len < full.length; len++) {
                    p.load(java.util.Arrays.copyOf(full, len), f.linkType());
                    d.decode(p);
                    int cut = len;
                    assertTrue(p.eventCount > 0, () -> f.name() + " cut at " + cut + " raised no event");
                }
                // snaplen-style truncation: wire length larger than captured
                p.load(full, f.linkType());
                p.length = full.length / 2;
                d.decode(p);
                assertTrue(p.eventCount > 0, f.name() + " snaplen");
            }
        }
    }

    @Test
    void randomBytesFuzz() {
        int[] linkTypes = {0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 147, 9999};
        Random r = new Random(0xC0FFEE);
        PacketDecoder d = new PacketDecoder(DecoderConfig.defaults());
        Packet p = new Packet(2048);
        for (int i = 0; i < 200_000; i++) {
            int len = r.nextInt(i % 10 == 0 ? 2048 : 160);
            r.nextBytes(p.data);
            p.length = len;
            p.wireLength = len;
            p.linkType = linkTypes[r.nextInt(linkTypes.length)];
            if (r.nextInt(4) == 0 && len > 0) {
                // make deeper layers more likely: plausible IP version nibble after common headers
                int at = p.linkType == 1 ? 14 : p.linkType == 113 ? 16 : p.linkType == 276 ? 20 : p.linkType <= 0 || p.linkType == 108 ? 4 : 0;
                if (at < len) {
                    p.data[at] = (byte) (r.nextBoolean() ? 0x45 : 0x60);
                }
                if (p.linkType == 1 && len > 14) {
                    p.data[12] = (byte) 0x08;
                    p.data[13] = 0;
                }
            }
            d.decode(p);
        }
    }

    @Test
    void mutationFuzzOfRealFrames() throws Exception {
        List<Frame> frames = frames();
        Random r = new Random(1234);
        for (ChecksumMode mode : new ChecksumMode[] {ChecksumMode.ALL, ChecksumMode.NONE}) {
            PacketDecoder d = new PacketDecoder(DecoderConfig.defaults().withChecksumMode(mode));
            Packet p = new Packet(4096);
            for (int i = 0; i < 200_000; i++) {
                Frame f = frames.get(r.nextInt(frames.size()));
                p.load(f.bytes(), f.linkType());
                int flips = 1 + r.nextInt(4);
                for (int k = 0; k < flips; k++) {
                    int at = r.nextInt(f.bytes().length);
                    p.data[at] = r.nextInt(3) == 0 ? (byte) r.nextInt(256) : (byte) (p.data[at] ^ (1 << r.nextInt(8)));
                }
                if (r.nextInt(5) == 0) {
                    p.length = r.nextInt(p.length + 1);
                }
                d.decode(p);
                assertTrue(p.payloadOffset >= 0 && p.payloadLength >= 0
                        && p.payloadOffset + p.payloadLength <= p.length, f.name());
                assertTrue(p.tunnelDepth <= DecodeContext.MAX_TUNNEL_DEPTH);
            }
        }
    }

    @Test
    void packetReuseClearsPreviousDecode() {
        PacketDecoder d = new PacketDecoder(DecoderConfig.defaults());
        Packet p = new Packet(4096);
        p.load(TestFrames.bytes(TestFrames.VXLAN_VLAN), LinkType.ETHERNET);
        d.decode(p);
        assertEquals(TunnelType.VXLAN, p.tunnelType);
        p.load(TestFrames.bytes(TestFrames.ETH_ICMP_ECHO), LinkType.ETHERNET);
        d.decode(p);
        assertEquals(TunnelType.NONE, p.tunnelType);
        assertEquals(-1, p.tunnelId);
        assertEquals(0, p.vlanCount);
        assertEquals(0, p.srcPort);
        assertEquals(-1, p.tcpMss);
        assertTrue(p.isIcmp());
    }

    @Test
    void eventsBeyondThePacketCapAreStillCounted() {
        PacketDecoder d = new PacketDecoder(DecoderConfig.defaults());
        Packet p = new Packet(64);
        for (int i = 0; i < 10; i++) {
            p.load(new byte[0], 4242);
            d.decode(p);
        }
        assertEquals(10, d.eventCounts()[DecoderEvent.UNKNOWN_LINKTYPE.ordinal()]);
    }

    @Test
    void decodingAllocatesNothing() throws Exception {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean tmx = (com.sun.management.ThreadMXBean) mx;
        org.junit.jupiter.api.Assumptions.assumeTrue(tmx.isThreadAllocatedMemorySupported());
        List<Frame> frames = frames();
        Packet[] packets = new Packet[frames.size()];
        for (int i = 0; i < packets.length; i++) {
            packets[i] = new Packet(4096).load(frames.get(i).bytes(), frames.get(i).linkType());
        }
        PacketDecoder d = new PacketDecoder(DecoderConfig.defaults().withChecksumMode(ChecksumMode.ALL));
        for (int i = 0; i < 20_000; i++) { // warm up
            d.decode(packets[i % packets.length]);
        }
        long tid = Thread.currentThread().getId();
        long before = tmx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 200_000; i++) {
            d.decode(packets[i % packets.length]);
        }
        long allocated = tmx.getThreadAllocatedBytes(tid) - before;
        assertTrue(allocated < 16 * 1024, "decoding 200k packets allocated " + allocated + " bytes");
    }
}
