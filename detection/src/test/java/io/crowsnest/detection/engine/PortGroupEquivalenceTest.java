package io.crowsnest.detection.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.decoders.flow.FlowFlags;
import io.crowsnest.detection.TestSupport;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Grouping TCP and UDP rules by port changes which rules a packet evaluates, never which alert. */
class PortGroupEquivalenceTest {
    static final int[] PORTS = {0, 1, 21, 22, 53, 79, 80, 81, 135, 139, 443, 445, 1023, 1024, 1433, 3306, 5060,
        8080, 8081, 40000, 65534, 65535};
    static final String[] WORDS = {"GET", "admin", "x", "ab", "passwd", "USER", "select", "\\x00\\x01", "jndi", "cmd"};

    private static int port(SplittableRandom rnd) {
        return rnd.nextInt(4) == 0 ? rnd.nextInt(65536) : PORTS[rnd.nextInt(PORTS.length)];
    }

    /** A random port expression: any, a port, a range, an open range, a list, a negation, a variable. */
    private static String portExpr(SplittableRandom rnd) {
        switch (rnd.nextInt(9)) {
            case 0: case 1: case 2: return "any";
            case 3: return Integer.toString(port(rnd));
            case 4: {
                int a = port(rnd);
                return a + ":" + Math.min(65535, a + rnd.nextInt(2000));
            }
            case 5: return rnd.nextBoolean() ? "1024:" : ":1023";
            case 6: return "[" + port(rnd) + "," + port(rnd) + "," + (1000 + rnd.nextInt(100)) + ":2000]";
            case 7: return "!" + port(rnd);
            default: return rnd.nextBoolean() ? "$HTTP_PORTS" : "[1:1000,!" + (1 + rnd.nextInt(1000)) + "]";
        }
    }

    private static String randomRules(SplittableRandom rnd, int count) {
        String[] protos = {"tcp", "tcp", "udp", "ip"};
        String[] flows = {"", "", "flow:to_server; ", "flow:to_client; ", "flow:established,to_server; "};
        StringBuilder rules = new StringBuilder();
        for (int sid = 1; sid <= count; sid++) {
            String proto = protos[rnd.nextInt(protos.length)];
            String dir = rnd.nextInt(8) == 0 ? "<>" : "->";
            StringBuilder r = new StringBuilder("alert ").append(proto).append(" any ").append(portExpr(rnd))
                    .append(' ').append(dir).append(" any ").append(portExpr(rnd)).append(" (");
            if (!proto.equals("udp")) {
                r.append(flows[rnd.nextInt(flows.length)]);
            }
            int contents = rnd.nextInt(3); // 0: no content (always evaluated, or IP-only)
            for (int k = 0; k < contents; k++) {
                r.append("content:\"").append(WORDS[rnd.nextInt(WORDS.length)].replace("\\x00\\x01", "|00 01|"))
                        .append("\"; ");
                if (rnd.nextInt(3) == 0) {
                    r.append("nocase; ");
                }
            }
            if (contents == 0 && rnd.nextInt(3) == 0) {
                r.append("dsize:>").append(rnd.nextInt(8)).append("; ");
            }
            rules.append(r).append("sid:").append(sid).append(";)\n");
        }
        return rules.toString();
    }

    /**
     * Random rules (ports: any, single, ranges, open ranges, lists, negations, variables; bidirectional;
     * flow directions; with and without contents, IP-only) and random TCP/UDP packets (ports, directions,
     * no flow direction, no layer-4 ports at all): per packet, the alerts with port groups equal those without,
     * under Suricata's default caps, under tiny caps (most ranges in the join group) and with no cap.
     */
    @Test
    void sameAlertsWithAndWithoutPortGroupsOnRandomRulesAndPackets() {
        SplittableRandom rnd = new SplittableRandom(4242);
        String rules = randomRules(rnd, 400);
        TestSupport.Harness off = TestSupport.harness(rules, DetectionEngine::buildWithoutPortGroups);
        TestSupport.Harness on = TestSupport.harness(rules, DetectionEngine::build);
        TestSupport.Harness tiny = TestSupport.harness(rules, s -> DetectionEngine.buildWithPortGroupCaps(s, 2, 1));
        TestSupport.Harness uncapped = TestSupport.harness(rules, s -> DetectionEngine.buildWithPortGroupCaps(s, 0, 0));
        int[] flags = {FlowFlags.TO_SERVER, FlowFlags.TO_CLIENT, 0, FlowFlags.TO_SERVER | FlowFlags.FIRST_IN_DIRECTION,
            FlowFlags.TO_CLIENT | FlowFlags.FIRST_IN_DIRECTION, FlowFlags.TO_SERVER | FlowFlags.ESTABLISHED};
        int alerts = 0;
        for (int i = 0; i < 6000; i++) {
            StringBuilder payload = new StringBuilder();
            for (int k = rnd.nextInt(4); k > 0; k--) {
                payload.append(WORDS[rnd.nextInt(WORDS.length)].replace("\\x00\\x01", "\u0000\u0001")).append(' ');
            }
            boolean tcp = rnd.nextInt(3) > 0;
            int sp = port(rnd), dp = port(rnd);
            int ff = flags[rnd.nextInt(flags.length)];
            boolean portless = rnd.nextInt(25) == 0;
            Flow f = rnd.nextInt(10) == 0 ? null : TestSupport.flow();
            List<Long> want = null;
            for (TestSupport.Harness h : new TestSupport.Harness[] {off, on, tiny, uncapped}) {
                Packet p = tcp ? TestSupport.tcp("10.0.0.1", sp, "10.0.0.2", dp, payload.toString())
                        : TestSupport.udp("10.0.0.1", sp, "10.0.0.2", dp, payload.toString());
                if (portless) {
                    p.l4Offset = -1; // a truncated layer 4: only any-port rules apply
                }
                List<Long> got = h.run(p, f, ff);
                if (want == null) {
                    want = got;
                } else {
                    assertEquals(want, got, "packet " + i + (tcp ? " tcp " : " udp ") + sp + " -> " + dp + " flags "
                            + ff + (portless ? " portless" : "") + " payload '" + payload + "'");
                }
            }
            alerts += want.size();
        }
        assertTrue(alerts > 2000, "the random rules should fire often enough to prove something: " + alerts);
        long evalOff = off.engine.stats().evaluated(), evalOn = on.engine.stats().evaluated();
        assertTrue(evalOn * 10 < evalOff * 9, "port groups should cut evaluations: " + evalOn + " vs " + evalOff);
        assertTrue(on.engine.groupCount() > off.engine.groupCount());
    }

    /**
     * Picking the port group and inspecting allocate nothing per packet (with these 300 rules the JDK's sort of
     * the candidates allocated ~290 bytes a packet: see {@link IntSort}).
     */
    @Test
    void inspectionWithPortGroupsDoesNotAllocate() {
        SplittableRandom rnd = new SplittableRandom(99);
        TestSupport.Harness h = TestSupport.harness(randomRules(rnd, 300), DetectionEngine::build);
        assertTrue(h.engine.groupCount() > 20);
        Packet[] packets = new Packet[64];
        int[] ff = new int[packets.length];
        Flow[] flows = new Flow[packets.length];
        for (int i = 0; i < packets.length; i++) {
            String payload = WORDS[rnd.nextInt(WORDS.length)] + " " + WORDS[rnd.nextInt(WORDS.length)];
            packets[i] = rnd.nextBoolean() ? TestSupport.tcp("10.0.0.1", port(rnd), "10.0.0.2", port(rnd), payload)
                    : TestSupport.udp("10.0.0.1", port(rnd), "10.0.0.2", port(rnd), payload);
            ff[i] = rnd.nextBoolean() ? FlowFlags.TO_SERVER : FlowFlags.TO_CLIENT;
            flows[i] = TestSupport.flow();
        }
        AlertSink sink = (p, f, s, flags) -> { };
        long allocated = h.inspectionAllocation(packets, flows, ff, sink);
        assertTrue(allocated < 4096, "6,400 inspections allocated " + allocated + " bytes");
    }

    @Test
    void aPacketPicksItsGroupByDestinationPortToServerAndBySourcePortToClient() {
        TestSupport.Harness h = TestSupport.harness(""
                + "alert tcp any any -> any 445 (content:\"x\"; sid:1;)\n"
                + "alert tcp any 445 -> any any (flow:to_client; content:\"x\"; sid:2;)\n"
                + "alert tcp any any -> any any (content:\"x\"; sid:3;)\n");
        DetectionEngine e = h.engine;
        Packet toServer = TestSupport.tcp("10.0.0.1", 40000, "10.0.0.2", 445, "x");
        Packet toClient = TestSupport.tcp("10.0.0.2", 445, "10.0.0.1", 40000, "x");
        assertEquals(2, e.group(toServer, FlowFlags.TO_SERVER).size); // 1 and 3
        // all three: 1's source port is any, so a to_client packet *to* port 445 could match it
        assertEquals(3, e.group(toClient, FlowFlags.TO_CLIENT).size);
        Packet toClientOther = TestSupport.tcp("10.0.0.2", 80, "10.0.0.1", 445, "x");
        assertEquals(2, e.group(toClientOther, FlowFlags.TO_CLIENT).size); // 1 and 3, not 2 (source port 445)
        Packet other = TestSupport.tcp("10.0.0.1", 40000, "10.0.0.2", 80, "x");
        assertEquals(1, e.group(other, FlowFlags.TO_SERVER).size);
        assertEquals(List.of(1L, 3L), h.run(toServer, TestSupport.flow(), FlowFlags.TO_SERVER));
        assertEquals(List.of(2L, 3L), h.run(toClient, TestSupport.flow(), FlowFlags.TO_CLIENT));
        DetectionEngine.GroupCount tcpToServer = e.groupCounts().stream()
                .filter(c -> c.name().equals("tcp/toserver")).findFirst().orElseThrow();
        assertEquals(2, tcpToServer.groups());
        assertEquals(3, tcpToServer.portRanges()); // 0-444, 445, 446-65535
        assertEquals(2, tcpToServer.largestGroup());
    }

    @Test
    void thePropertyTurnsPortGroupsOffOrSetsTheirCapsAndRefusesNonsense() {
        assertNull(DetectionEngine.parsePortGroupCaps("off"));
        assertEquals(40, DetectionEngine.parsePortGroupCaps(null)[0]);
        assertEquals(20, DetectionEngine.parsePortGroupCaps("")[1]);
        int[] caps = DetectionEngine.parsePortGroupCaps("8:4");
        assertNotNull(caps);
        assertEquals(8, caps[0]);
        assertEquals(4, caps[1]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DetectionEngine.parsePortGroupCaps("lots"));
        assertTrue(e.getMessage().contains(DetectionEngine.PORT_GROUPS_PROPERTY), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DetectionEngine.parsePortGroupCaps("-1:3"));
    }
}
