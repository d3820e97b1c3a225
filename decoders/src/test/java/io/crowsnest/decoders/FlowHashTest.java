package io.crowsnest.decoders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FlowHashTest {
    private static Packet tuple(long sHi, long sLo, int sp, long dHi, long dLo, int dp, int proto) {
        Packet p = new Packet(64);
        p.srcHi = sHi;
        p.srcLo = sLo;
        p.dstHi = dHi;
        p.dstLo = dLo;
        p.srcPort = sp;
        p.dstPort = dp;
        p.ipProto = proto;
        return p;
    }

    @Test
    void symmetricOnRandomTuples() {
        Random r = new Random(42);
        for (int i = 0; i < 100_000; i++) {
            long sHi = r.nextBoolean() ? 0 : r.nextLong();
            long sLo = r.nextLong();
            long dHi = r.nextBoolean() ? 0 : r.nextLong();
            long dLo = r.nextLong();
            int sp = r.nextInt(65536);
            int dp = r.nextInt(65536);
            int proto = r.nextInt(256);
            assertEquals(FlowHash.of(tuple(sHi, sLo, sp, dHi, dLo, dp, proto)),
                    FlowHash.of(tuple(dHi, dLo, dp, sHi, sLo, sp, proto)));
        }
    }

    @Test
    void decodedBothDirectionsMatch() {
        PacketDecoder d = new PacketDecoder(DecoderConfig.defaults());
        // the SYN and the SYN/ACK of the bug-6269 IPv6 session
        Packet syn = Decoding.decode(TestFrames.bytes(TestFrames.ETH_V6_TCP_SYN), LinkType.ETHERNET, d);
        Packet synAck = Decoding.decode(TestFrames.bytes(
                "005056922b800050569223aa86dd60061d870028063dfd000002000100000000000000000002"
                        + "fd00000100010000000000000000000200509c3677bc923106399337a012fb043f8b0000020405000402080a"
                        + "70d6594d8cb17d4f01030307"),
                LinkType.ETHERNET, d);
        assertEquals(39990, synAck.dstPort);
        assertEquals(syn.flowHash, synAck.flowHash);
        assertEquals(FlowHash.of(syn), syn.flowHash);
        assertNotEquals(0, syn.flowHash);
    }

    @Test
    void protocolAndPortsMatter() {
        long a = Packet.V4_MAPPED_LO_PREFIX | 0x0a000001L;
        long b = Packet.V4_MAPPED_LO_PREFIX | 0x0a000002L;
        int tcp = FlowHash.of(tuple(0, a, 1000, 0, b, 80, 6));
        assertNotEquals(tcp, FlowHash.of(tuple(0, a, 1000, 0, b, 80, 17)));
        assertNotEquals(tcp, FlowHash.of(tuple(0, a, 1001, 0, b, 80, 6)));
        // swapping only the ports (not the addresses) is a different flow
        assertNotEquals(tcp, FlowHash.of(tuple(0, a, 80, 0, b, 1000, 6)));
        // ICMP ignores ports
        assertEquals(FlowHash.of(tuple(0, a, 0, 0, b, 0, 1)), FlowHash.of(tuple(0, a, 8, 0, b, 1234, 1)));
        assertEquals(FlowHash.of(tuple(0, a, 0, 0, b, 0, 58)), FlowHash.of(tuple(0, a, 3, 0, b, 9, 58)));
    }

    @Test
    void spread() {
        // sequential clients of one server: the typical hard case
        int buckets = 1024;
        int[] counts = new int[buckets];
        Set<Integer> distinct = new HashSet<>();
        int n = 200_000;
        long server = Packet.V4_MAPPED_LO_PREFIX | 0xc0a80001L;
        for (int i = 0; i < n; i++) {
            long client = Packet.V4_MAPPED_LO_PREFIX | (0x0a000000L + (i >>> 4));
            int h = FlowHash.of(tuple(0, client, 40000 + (i & 15), 0, server, 443, 6));
            distinct.add(h);
            counts[h & (buckets - 1)]++;
            counts[(h >>> 20) & (buckets - 1)] += 0; // high bits are exercised below
        }
        assertTrue(distinct.size() > n - 20, "collisions: " + (n - distinct.size()));
        double mean = (double) n / buckets;
        double chi = 0;
        int max = 0;
        for (int c : counts) {
            chi += (c - mean) * (c - mean) / mean;
            max = Math.max(max, c);
        }
        // chi-square with 1023 degrees of freedom: ~1023 +- 45; be generous
        assertTrue(chi < 1300, "chi-square " + chi);
        assertTrue(max < mean * 1.4, "max bucket " + max + " mean " + mean);
        int[] high = new int[buckets];
        for (int i = 0; i < n; i++) {
            long client = Packet.V4_MAPPED_LO_PREFIX | (0x0a000000L + i);
            high[FlowHash.of(tuple(0, client, 12345, 0, server, 53, 17)) >>> 22]++;
        }
        for (int c : high) {
            assertTrue(c < mean * 1.4 && c > mean * 0.6, "high-bit bucket " + c);
        }
    }
}
