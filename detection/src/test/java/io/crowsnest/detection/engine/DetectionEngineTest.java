package io.crowsnest.detection.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.decoders.flow.FlowFlags;
import io.crowsnest.detection.TestSupport;
import io.crowsnest.detection.rules.Signature;
import java.util.List;
import org.junit.jupiter.api.Test;

class DetectionEngineTest {
    static final int TS = FlowFlags.TO_SERVER;
    static final int TC = FlowFlags.TO_CLIENT;
    static final int FIRST = FlowFlags.FIRST_IN_DIRECTION;

    @Test
    void ipOnlyOncePerDirection() {
        TestSupport.Harness h = TestSupport.harness(
                "alert tcp 192.168.1.5 any -> 192.168.1.1 any (sid:1;)\n"
                        + "alert tcp 192.168.1.1 any -> 192.168.1.5 any (sid:2;)\n"
                        + "alert tcp any any -> any any (sid:3;)\n"
                        + "alert tcp 192.168.1.5 any -> !192.168.1.5 any (flow:established; sid:4;)\n");
        assertTrue(h.engine.signatures().stream().filter(Signature::isIpOnly).count() == 3);
        Flow f = TestSupport.flow();
        Packet c2s = TestSupport.tcp("192.168.1.5", 1000, "192.168.1.1", 80, "a");
        Packet s2c = TestSupport.tcp("192.168.1.1", 80, "192.168.1.5", 1000, "b");
        assertEquals(List.of(1L, 3L), h.run(c2s, f, TS | FIRST));
        assertEquals(List.of(4L), h.run(c2s, f, TS | FlowFlags.ESTABLISHED));
        assertEquals(List.of(2L, 3L), h.run(s2c, f, TC | FIRST));
        assertEquals(List.of(), h.run(s2c, f, TC | FlowFlags.ESTABLISHED));
        assertEquals(List.of(4L), h.run(c2s, f, TS | FlowFlags.ESTABLISHED));
        assertEquals(1, h.count(1));
        assertEquals(2, h.count(3));
    }

    @Test
    void bidirectionalRule() {
        TestSupport.Harness h = TestSupport.harness("alert tcp 10.0.0.1 any <> 10.0.0.2 80 (content:\"x\"; sid:1;)");
        Flow f = TestSupport.flow();
        assertEquals(List.of(1L), h.run(TestSupport.tcp("10.0.0.1", 5, "10.0.0.2", 80, "x"), f, TS));
        assertEquals(List.of(1L), h.run(TestSupport.tcp("10.0.0.2", 80, "10.0.0.1", 5, "x"), f, TC));
        assertEquals(List.of(), h.run(TestSupport.tcp("10.0.0.2", 81, "10.0.0.1", 5, "x"), f, TC));
    }

    @Test
    void headerPortsAndProtocols() {
        TestSupport.Harness h = TestSupport.harness(
                "alert tcp any any -> any $HTTP_PORTS (content:\"GET\"; sid:1;)\n"
                        + "alert udp any any -> any 53 (content:\"q\"; sid:2;)\n"
                        + "alert ip any any -> any any (content:\"GET\"; sid:3;)\n"
                        + "alert tcp any any -> any !80 (content:\"GET\"; sid:4;)\n");
        Flow f = TestSupport.flow();
        assertEquals(List.of(1L, 3L), h.run(TestSupport.tcp("10.0.0.1", 5, "10.0.0.2", 80, "GET /"), f, TS));
        assertEquals(List.of(3L, 4L), h.run(TestSupport.tcp("10.0.0.1", 5, "10.0.0.2", 81, "GET /"), f, TS));
        assertEquals(List.of(2L), h.run(TestSupport.udp("10.0.0.1", 5, "10.0.0.2", 53, "q"), f, TS));
    }

    /** suricata-verify detect-flowbits on its single packet. */
    @Test
    void flowbitsOrdering() {
        TestSupport.Harness h = TestSupport.harness(String.join("\n",
                "alert ip any any -> any any (msg:\"Flowbit set\"; flowbits:set,fb1; sid:1;)",
                "alert ip any any -> any any (msg:\"Flowbit set\"; flowbits:set,fb2; sid:2;)",
                "alert ip any any -> any any (msg:\"Flowbit isset ored flowbits\"; flowbits:isset,fb3|fb4; sid:3;)",
                "alert ip any any -> any any (msg:\"Flowbit isset ored flowbits\"; flowbits:isset,fb1|fb5; sid:5;)",
                "alert ip any any -> any any (msg:\"Flowbit isnotset ored flowbits\"; flowbits:isnotset, fb1|fb2 ; sid:6;)",
                "alert ip any any -> any any (msg:\"Flowbit unset\"; flowbits:unset,fb1; sid:7;)",
                "alert ip any any -> any any (msg:\"Flowbit set\"; flowbits:noalert; flowbits:isnotset,fb1; flowbits:set,fb1; content:\"GET \"; sid:8;)",
                "alert ip any any -> any any (msg:\"Flowbit isset\"; flowbits:isset,fb1; sid:9;)",
                "alert ip any any -> any any (msg:\"Noalert\"; flowbits:noalert; content:\"GET \"; sid:10;)",
                "alert ip any any -> any any (msg:\"isset option\"; flowbits:isset,fbt; content:\"GET \"; sid:11;)",
                "alert ip any any -> any any (msg:\"Flowbit isset and flowbits\"; flowbits:isset,fb1; flowbits:isset,fb2; sid:12;)"));
        Flow f = new Flow(h.engine.flowbitWords(), 0);
        List<Long> got = h.run(TestSupport.tcp("5.6.7.8", 6666, "1.2.3.4", 80, "GET /one/ HTTP/1.1\r\n\r\n"), f,
                TS | FIRST);
        assertEquals(List.of(1L, 2L, 7L, 5L, 9L, 12L), got);
    }

    @Test
    void priorityOrder() {
        TestSupport.Harness h = TestSupport.harness(
                "alert tcp any any -> any any (content:\"a\"; sid:10;)\n"
                        + "alert tcp any any -> any any (content:\"a\"; priority:1; sid:20;)\n"
                        + "drop tcp any any -> any any (content:\"a\"; sid:30;)\n");
        assertEquals(List.of(30L, 20L, 10L), h.run(TestSupport.tcp("a"), TestSupport.flow(), TS));
    }

    @Test
    void passStopsLaterAlerts() {
        TestSupport.Harness h = TestSupport.harness(
                "alert tcp any any -> any any (content:\"a\"; sid:1;)\n"
                        + "pass tcp 10.0.0.1 any -> any any (content:\"a\"; sid:2;)\n");
        assertEquals(List.of(), h.run(TestSupport.tcp("a"), TestSupport.flow(), TS));
        assertEquals(List.of(1L), h.run(TestSupport.tcp("10.0.0.9", 1, "10.0.0.2", 2, "a"), TestSupport.flow(), TS));
    }

    private static Packet at(Packet p, long sec) {
        p.tsSeconds = sec;
        return p;
    }

    @Test
    void thresholdLimitByRule() {
        TestSupport.Harness h = TestSupport.harness(
                "alert tcp any any -> any any (content:\"a\"; threshold: type limit, track by_rule, count 2, seconds 60; sid:1;)");
        Flow f = TestSupport.flow();
        for (int i = 0; i < 5; i++) {
            h.run(at(TestSupport.tcp("10.0.0." + (i + 1), 1, "10.0.0.99", 2, "a"), 100 + i), f, TS);
        }
        assertEquals(2, h.count(1));
        h.run(at(TestSupport.tcp("a"), 200), f, TS);
        assertEquals(3, h.count(1));
    }

    @Test
    void thresholdLimitBySrc() {
        TestSupport.Harness h = TestSupport.harness(
                "alert tcp any any -> any any (content:\"a\"; threshold: type limit, track by_src, count 1, seconds 60; sid:1;)");
        Flow f = TestSupport.flow();
        for (int i = 0; i < 3; i++) {
            h.run(at(TestSupport.tcp("10.0.0.1", 1, "10.0.0.9", 2, "a"), 100), f, TS);
            h.run(at(TestSupport.tcp("10.0.0.2", 1, "10.0.0.9", 2, "a"), 100), f, TS);
        }
        assertEquals(2, h.count(1));
    }

    @Test
    void thresholdEveryNth() {
        TestSupport.Harness h = TestSupport.harness(
                "alert tcp any any -> any any (content:\"a\"; threshold: type threshold, track by_src, count 3, seconds 60; sid:1;)");
        Flow f = TestSupport.flow();
        int[] seen = new int[7];
        for (int i = 0; i < 7; i++) {
            seen[i] = h.run(at(TestSupport.tcp("a"), 100), f, TS).size();
        }
        assertEquals("[0, 0, 1, 0, 0, 1, 0]", java.util.Arrays.toString(seen));
    }

    @Test
    void thresholdBoth() {
        TestSupport.Harness h = TestSupport.harness(
                "alert tcp any any -> any any (content:\"a\"; threshold: type both, track by_src, count 2, seconds 60; sid:1;)");
        Flow f = TestSupport.flow();
        int[] seen = new int[5];
        for (int i = 0; i < 5; i++) {
            seen[i] = h.run(at(TestSupport.tcp("a"), 100 + i), f, TS).size();
        }
        assertEquals("[0, 1, 0, 0, 0]", java.util.Arrays.toString(seen));
        assertEquals(0, h.run(at(TestSupport.tcp("a"), 200), f, TS).size());
        assertEquals(1, h.run(at(TestSupport.tcp("a"), 201), f, TS).size());
    }

    @Test
    void detectionFilter() {
        TestSupport.Harness h = TestSupport.harness(
                "alert tcp any any -> any any (content:\"a\"; detection_filter: track by_src, count 2, seconds 60; sid:1;)");
        Flow f = TestSupport.flow();
        int[] seen = new int[5];
        for (int i = 0; i < 5; i++) {
            seen[i] = h.run(at(TestSupport.tcp("a"), 100 + i), f, TS).size();
        }
        assertEquals("[0, 0, 1, 1, 1]", java.util.Arrays.toString(seen));
        assertEquals(0, h.run(at(TestSupport.tcp("a"), 300), f, TS).size());
    }

    @Test
    void ipOnlyThresholdByRule() {
        // suricata-verify bug-4503: IP-only rule with threshold limit by_rule
        TestSupport.Harness h = TestSupport.harness(
                "alert ip any any -> 8.8.8.8 any (msg:\"The first rule\"; threshold: type limit, track by_rule, count 5, seconds 300; sid:1;)\n"
                        + "alert ip any any -> 4.3.2.1 any (priority:1; sid:2;)");
        Flow f = TestSupport.flow();
        assertEquals(List.of(1L), h.run(TestSupport.udp("10.0.0.101", 37533, "8.8.8.8", 53, "q"), f, TS | FIRST));
        assertEquals(List.of(), h.run(TestSupport.udp("8.8.8.8", 53, "10.0.0.101", 37533, "r"), f, TC | FIRST));
    }

    @Test
    void prefilterCountersAndGroups() {
        TestSupport.Harness h = TestSupport.harness(
                "alert tcp any any -> any any (content:\"short\"; content:\"longerpattern\"; sid:1;)\n"
                        + "alert tcp any any -> any any (content:\"zzz\"; sid:2;)\n"
                        + "alert tcp any any -> any any (dsize:>0; sid:3;)\n");
        Signature s1 = h.engine.signatures().stream().filter(s -> s.sid() == 1).findFirst().orElseThrow();
        assertEquals("longerpattern", new String(s1.fastPattern().pattern));
        assertEquals(List.of(1L, 3L), h.run(TestSupport.tcp("short longerpattern"), TestSupport.flow(), TS));
        EngineStats st = h.engine.stats();
        assertEquals(3, st.signaturesLoaded());
        assertEquals(1, st.prefilterCandidates());
        assertEquals(1, st.prefilterMatches());
        assertEquals(3, st.groupSizes().get("tcp/toserver"));
        assertEquals(0, st.groupSizes().get("udp/toserver"));
    }

    @Test
    void nocaseFastPattern() {
        TestSupport.Harness h = TestSupport.harness("alert tcp any any -> any any (content:\"EVIL\"; nocase; sid:1;)");
        assertEquals(List.of(1L), h.run(TestSupport.tcp("xx eViL"), TestSupport.flow(), TS));
    }
}
