package io.crowsnest.detection.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.decoders.flow.FlowFlags;
import io.crowsnest.detection.TestSupport;
import io.crowsnest.detection.rules.RuleLoader;
import io.crowsnest.detection.rules.RuleVariables;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Looking IP-only rules up by address changes which rules a packet evaluates, never which alert. */
class IpOnlyIndexEquivalenceTest {
    /** Addresses near the rules' boundaries (network, broadcast, neighbours), and a few far ones. */
    static final String[] V4 = {"0.0.0.0", "255.255.255.255", "10.0.0.0", "10.0.0.1", "10.0.0.255", "10.0.1.0",
        "10.255.255.255", "11.0.0.0", "9.255.255.255", "192.168.1.1", "192.168.0.0", "172.16.0.5", "172.31.255.255",
        "172.32.0.0", "8.8.8.8", "1.2.3.4", "1.2.3.5", "127.0.0.1", "100.64.0.1"};
    static final String[] V6 = {"::", "::1", "2001:db8::", "2001:db8::1", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
        "2001:db9::", "fe80::1", "febf:ffff::", "fec0::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        "2001:db8:0:0:8000::", "::ffff:10.0.0.1"};

    private static String v4(SplittableRandom rnd) {
        return rnd.nextInt(5) == 0
                ? rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256)
                : V4[rnd.nextInt(V4.length)];
    }

    /** One address term: a host, a CIDR, a range, an IPv6 host or CIDR, a variable. */
    private static String term(SplittableRandom rnd) {
        switch (rnd.nextInt(9)) {
            case 0: return v4(rnd);
            case 1: case 2: case 8: return v4(rnd) + "/" + (rnd.nextInt(4) == 0 ? rnd.nextInt(33) : 8 + rnd.nextInt(25));
            case 3: {
                String a = v4(rnd), b = v4(rnd);
                long la = TestSupport.addr(a)[1] & 0xFFFFFFFFL, lb = TestSupport.addr(b)[1] & 0xFFFFFFFFL;
                return la <= lb ? a + "-" + b : b + "-" + a;
            }
            case 4: return V6[rnd.nextInt(V6.length)];
            case 5: return V6[rnd.nextInt(V6.length - 1)] + "/" + (16 + rnd.nextInt(113));
            case 6: return "$HOME_NET";
            default: return rnd.nextInt(3) == 0 ? "$EXTERNAL_NET" : "$HOME_NET";
        }
    }

    /** An address expression: any, a term, a negated term, a list with negations (nested now and then). */
    private static String expr(SplittableRandom rnd) {
        switch (rnd.nextInt(12)) {
            case 0: return "any";
            case 1: case 2: case 3: case 4: return term(rnd);
            case 5: return "!" + term(rnd);
            case 6: case 7: return "[" + term(rnd) + "," + term(rnd) + ",!" + term(rnd) + "]";
            case 8: case 9: return "[" + term(rnd) + ",[" + term(rnd) + ",!" + term(rnd) + "]]";
            case 10: return "[" + term(rnd) + "," + term(rnd) + "]";
            default: return "[!" + term(rnd) + ",!" + term(rnd) + "]";
        }
    }

    /**
     * Random IP-only rules (alert, a few pass, some setting flowbits, thresholds now and then) plus rules that
     * read those flowbits or match anything on content, so order, pass and flowbits all count. Rules that
     * fail to load (e.g. a list that negates all it names) are dropped.
     */
    static String randomRules(SplittableRandom rnd, int count) {
        String[] protos = {"ip", "ip", "tcp", "udp", "icmp"};
        StringBuilder rules = new StringBuilder();
        RuleLoader loader = new RuleLoader();
        RuleVariables vars = RuleVariables.suricataDefaults();
        for (int sid = 1; sid <= count; sid++) {
            String action = rnd.nextInt(100) == 0 ? "pass" : "alert";
            StringBuilder r = new StringBuilder(action).append(' ').append(protos[rnd.nextInt(protos.length)])
                    .append(' ').append(expr(rnd)).append(" any ").append(rnd.nextInt(5) == 0 ? "<>" : "->")
                    .append(' ').append(expr(rnd)).append(" any (");
            int kind = rnd.nextInt(12);
            if (kind == 0) {
                r.append("flowbits:set,b").append(rnd.nextInt(3)).append("; ");
            } else if (kind == 1) {
                r.append("flowbits:isset,b").append(rnd.nextInt(3)).append("; "); // not IP-only: reads state
            } else if (kind == 2) {
                r.append("threshold:type limit, track by_src, count 2, seconds 60; ");
            } else if (kind == 3) {
                r.append("content:\"x\"; "); // a payload rule among them
            }
            String line = r.append("sid:").append(sid).append(";)").toString();
            if (loader.load(line, "gen.rules", vars).errors().isEmpty()) {
                rules.append(line).append('\n');
            }
        }
        return rules.toString();
    }

    private static long[] v6(String text) {
        byte[] b;
        try {
            b = java.net.InetAddress.getByName(text).getAddress();
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
        if (b.length == 4) {
            return null;
        }
        long hi = 0, lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (b[i] & 0xFF);
            lo = (lo << 8) | (b[8 + i] & 0xFF);
        }
        return new long[] {hi, lo};
    }

    /** A random IPv4 or IPv6 TCP/UDP/ICMP packet between addresses near the rules' boundaries. */
    private static Packet packet(SplittableRandom rnd) {
        int proto = new int[] {6, 6, 17, 1}[rnd.nextInt(4)];
        Packet p = TestSupport.ip4(proto, v4(rnd), 1000 + rnd.nextInt(60000), v4(rnd), 80,
                (rnd.nextBoolean() ? "x" : "y").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        if (rnd.nextInt(3) == 0) {
            long[] s = null, d = null;
            while (s == null) {
                s = v6(rnd.nextInt(4) == 0 ? randomV6(rnd) : V6[rnd.nextInt(V6.length - 1)]);
            }
            while (d == null) {
                d = v6(rnd.nextInt(4) == 0 ? randomV6(rnd) : V6[rnd.nextInt(V6.length - 1)]);
            }
            p.ipVersion = 6;
            p.ipProto = proto == 1 ? 58 : proto;
            p.srcHi = s[0];
            p.srcLo = s[1];
            p.dstHi = d[0];
            p.dstLo = d[1];
        }
        return p;
    }

    private static String randomV6(SplittableRandom rnd) {
        return (rnd.nextBoolean() ? "2001:db8:" : "fe80:") + Integer.toHexString(rnd.nextInt(65536)) + "::"
                + Integer.toHexString(rnd.nextInt(65536));
    }

    /** Above Suricata's 15, so a wrongly found or missed rule is not hidden by the cap. */
    private static final int MAX_ALERTS = 100;

    private static DetectionEngine indexed(List<io.crowsnest.detection.rules.Signature> s) {
        return DetectionEngine.build(s).maxAlertsPerPacket(MAX_ALERTS);
    }

    private static final int[] FLAGS = {FlowFlags.TO_SERVER | FlowFlags.FIRST_IN_DIRECTION,
        FlowFlags.TO_CLIENT | FlowFlags.FIRST_IN_DIRECTION, FlowFlags.FIRST_IN_DIRECTION, 0, FlowFlags.TO_SERVER};

    /**
     * Runs the same random packets through {@code off} and {@code on}; returns the first packet whose alerts
     * differ (a description), or null. {@code alerts[0]} receives the alert count.
     */
    private static String firstDifference(TestSupport.Harness off, TestSupport.Harness on, long seed, int packets,
            int[] alerts) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < packets; i++) {
            Packet p = packet(rnd);
            int ff = FLAGS[rnd.nextInt(FLAGS.length)];
            boolean flowless = rnd.nextInt(8) == 0;
            Flow f1 = flowless ? null : TestSupport.flow(), f2 = flowless ? null : TestSupport.flow();
            List<Long> want = off.run(p, f1, ff);
            List<Long> got = on.run(p, f2, ff);
            if (!want.equals(got)) {
                return "packet " + i + " v" + p.ipVersion + " proto " + p.ipProto + " flags " + ff + ": without index "
                        + want + ", with " + got;
            }
            alerts[0] += want.size();
        }
        return null;
    }

    /**
     * Random IP-only rules (CIDRs, hosts, ranges, IPv6, negations, nested lists, variables, any, {@code <>})
     * and random IPv4/IPv6 packets: per packet, the alerts with the index equal those without; the index
     * evaluates far fewer rules.
     */
    @Test
    void sameAlertsWithAndWithoutTheIndexOnRandomRulesAndPackets() {
        for (long seed : new long[] {1, 2, 3}) {
            String rules = randomRules(new SplittableRandom(seed), 500);
            TestSupport.Harness off = TestSupport.harness(rules, s -> DetectionEngine.buildWithoutIpOnlyIndex(s).maxAlertsPerPacket(MAX_ALERTS));
            TestSupport.Harness on = TestSupport.harness(rules, IpOnlyIndexEquivalenceTest::indexed);
            assertNull(off.engine.ipOnlyIndex);
            assertNotNull(on.engine.ipOnlyIndex);
            assertTrue(on.engine.ipOnlyIndex.nums.length > 300, "mostly IP-only: " + on.engine.ipOnlyIndex.nums.length);
            int[] alerts = {0};
            String diff = firstDifference(off, on, seed * 31, 20_000, alerts);
            assertNull(diff, "seed " + seed + ": " + diff);
            System.out.println("seed " + seed + ": " + on.engine.ipOnlyIndex.nums.length + " IP-only rules, "
                    + on.engine.ipOnlyIndex.intervals() + " intervals, " + alerts[0] + " alerts, evaluated "
                    + on.engine.stats().evaluated() + " with index, " + off.engine.stats().evaluated() + " without");
            assertTrue(alerts[0] > 20_000, "the random rules should fire often enough to prove something: " + alerts[0]);
            long evalOff = off.engine.stats().evaluated(), evalOn = on.engine.stats().evaluated();
            assertTrue(evalOn * 2 < evalOff, "the index should cut evaluations: " + evalOn + " vs " + evalOff);
        }
    }

    /** The test catches an index that looks sides up the wrong way round, or bidirectional rules one way only. */
    @Test
    void theEquivalenceCheckCatchesAWrongOrientation() {
        String rules = randomRules(new SplittableRandom(7), 500);
        TestSupport.Harness off = TestSupport.harness(rules, s -> DetectionEngine.buildWithoutIpOnlyIndex(s).maxAlertsPerPacket(MAX_ALERTS));
        for (boolean[] m : new boolean[][] {{true, false}, {false, true}}) {
            TestSupport.Harness on = TestSupport.harness(rules, IpOnlyIndexEquivalenceTest::indexed);
            on.engine.ipOnlyIndex = on.engine.ipOnlyIndex.mutant(m[0], m[1]); // the context reads it per packet
            String diff = firstDifference(off, on, 77, 20_000, new int[1]);
            assertNotNull(diff, (m[0] ? "swapped sides" : "one-way bidirectional") + " went unnoticed");
        }
    }

    /** Picking the IP-only candidates and evaluating them allocate nothing per packet. */
    @Test
    void inspectionWithTheIndexDoesNotAllocate() {
        SplittableRandom rnd = new SplittableRandom(11);
        String rules = randomRules(rnd, 400).lines().filter(l -> !l.contains("threshold"))
                .reduce("", (a, b) -> a + b + "\n"); // threshold bookkeeping allocates per tracked address
        TestSupport.Harness h = TestSupport.harness(rules, IpOnlyIndexEquivalenceTest::indexed);
        assertNotNull(h.engine.ipOnlyIndex);
        Packet[] packets = new Packet[64];
        int[] ff = new int[packets.length];
        Flow[] flows = new Flow[packets.length];
        for (int i = 0; i < packets.length; i++) {
            packets[i] = packet(rnd);
            ff[i] = FLAGS[rnd.nextInt(3)];
            flows[i] = TestSupport.flow();
        }
        int[] alerts = {0};
        AlertSink sink = (p, f, s, flags) -> alerts[0]++;
        long allocated = h.inspectionAllocation(packets, flows, ff, sink);
        assertTrue(alerts[0] > 10_000, "IP-only rules should fire: " + alerts[0]);
        assertTrue(allocated < 4096, "6,400 inspections allocated " + allocated + " bytes");
    }

    @Test
    void aBidirectionalRuleMatchesBothWaysAndOthersOnlyTheirOwn() {
        TestSupport.Harness h = TestSupport.harness(""
                + "alert ip 10.0.0.0/8 any -> 192.168.0.0/16 any (sid:1;)\n"
                + "alert ip 10.0.0.0/8 any <> 192.168.0.0/16 any (sid:2;)\n"
                + "alert ip [2001:db8::/32,!2001:db8::1] any -> any any (sid:3;)\n"
                + "alert ip !1.2.3.4 any -> 1.2.3.0-1.2.3.9 any (sid:4;)\n");
        int first = FlowFlags.TO_SERVER | FlowFlags.FIRST_IN_DIRECTION;
        assertEquals(List.of(1L, 2L), h.run(TestSupport.tcp("10.1.2.3", 1, "192.168.9.9", 2, ""), null, first));
        assertEquals(List.of(2L), h.run(TestSupport.tcp("192.168.9.9", 1, "10.1.2.3", 2, ""), null, first));
        assertEquals(List.of(4L), h.run(TestSupport.tcp("1.2.3.5", 1, "1.2.3.9", 2, ""), null, first));
        assertEquals(List.of(), h.run(TestSupport.tcp("1.2.3.4", 1, "1.2.3.9", 2, ""), null, first));
        Packet v6 = TestSupport.tcp("10.0.0.1", 1, "10.0.0.2", 2, "");
        v6.ipVersion = 6;
        long[] a = v6("2001:db8::2"), b = v6("2001:db8::1");
        v6.srcHi = a[0];
        v6.srcLo = a[1];
        assertEquals(List.of(3L), h.run(v6, null, first));
        v6.srcHi = b[0];
        v6.srcLo = b[1];
        assertEquals(List.of(), h.run(v6, null, first));
        assertTrue(h.engine.ipOnlyIndex.intervals() < 20, "intervals: " + h.engine.ipOnlyIndex.intervals());
    }

    @Test
    void thePropertyTurnsTheIndexOnOrOffAndRefusesNonsense() {
        assertTrue(DetectionEngine.parseIpOnlyIndex(null));
        assertTrue(DetectionEngine.parseIpOnlyIndex("on"));
        assertFalse(DetectionEngine.parseIpOnlyIndex("off"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DetectionEngine.parseIpOnlyIndex("fast"));
        assertTrue(e.getMessage().contains(DetectionEngine.IP_ONLY_INDEX_PROPERTY), e.getMessage());
    }
}
