package io.crowsnest.behaviour.scan;

import static io.crowsnest.behaviour.TestRecords.tcp;
import static io.crowsnest.behaviour.TestRecords.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.behaviour.BehaviourAlert;
import io.crowsnest.behaviour.BehaviourConfig;
import io.crowsnest.behaviour.BehaviourContext;
import io.crowsnest.behaviour.BehaviourEngine;
import io.crowsnest.behaviour.FlowRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScanDetectorTest {
    static final String EVIL = "10.244.2.5";

    private static List<BehaviourAlert> run(BehaviourContext ctx, List<FlowRecord> flows) {
        List<BehaviourAlert> out = new ArrayList<>();
        BehaviourEngine e = new BehaviourEngine(List.of(new ScanDetector(ctx)), out::add);
        flows.forEach(e::flow);
        e.finish();
        return out;
    }

    @Test
    void verticalScanOfOneHostAlertsOnceWithTheEvidence() {
        List<FlowRecord> flows = new ArrayList<>();
        for (int p = 1; p <= 1000; p++) {
            flows.add(tcp(p * 0.01, EVIL, "10.244.1.10", p, p == 80 || p == 22, false));
        }
        List<BehaviourAlert> a = run(BehaviourContext.defaults(), flows);
        assertEquals(1, a.size(), a.toString());
        assertEquals(ScanDetector.SID_VERTICAL, a.get(0).sid);
        assertEquals(EVIL, a.get(0).src);
        assertEquals("10.244.1.10", a.get(0).dst);
        assertEquals(20, a.get(0).behaviour.get("observed"));
        assertEquals(20, a.get(0).behaviour.get("threshold"));
        assertEquals(6, ((List<?>) a.get(0).behaviour.get("top_flows")).size()); // 5 + "… and N more"
    }

    @Test
    void horizontalScanAndControlPlaneProbes() {
        List<FlowRecord> flows = new ArrayList<>();
        for (int h = 1; h <= 12; h++) {
            flows.add(tcp(h * 0.1, EVIL, "10.244.1." + h, 6379, false, false));
        }
        for (int h = 1; h <= 3; h++) {
            flows.add(tcp(5 + h * 0.1, EVIL, "10.244.1." + h, 10250, false, false));
        }
        List<BehaviourAlert> a = run(BehaviourContext.defaults(), flows);
        assertEquals(List.of(ScanDetector.SID_HORIZONTAL, ScanDetector.SID_CONTROL_PLANE), a.stream().map(x -> x.sid).toList());
        assertEquals(6379, a.get(0).dstPort);
        assertEquals(1, a.get(1).severity);
    }

    @Test
    void unansweredUdpCountsAndAnsweredDoesNot() {
        List<FlowRecord> flows = new ArrayList<>();
        for (int p = 1; p <= 30; p++) {
            flows.add(udp(p * 0.1, EVIL, "10.244.1.12", 1000 + p, 40, 0));
        }
        assertEquals(1, run(BehaviourContext.defaults(), flows).size());
        flows.clear();
        for (int p = 1; p <= 30; p++) {
            flows.add(udp(p * 0.1, EVIL, "10.244.1.12", 1000 + p, 40, 80));
        }
        assertEquals(0, run(BehaviourContext.defaults(), flows).size());
    }

    @Test
    void realConversationsAreNotProbesAndSlowProbesStayUnderTheWindow() {
        List<FlowRecord> flows = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            flows.add(tcp(i, "10.244.1.20", "10.244.1." + (i % 20), 8080, true, true));
        }
        for (int p = 1; p <= 30; p++) {
            flows.add(tcp(200 + p * 10.0, EVIL, "10.244.1.10", p, false, false)); // 1 probe / 10 s: 6 per window
        }
        assertEquals(List.of(), run(BehaviourContext.defaults(), flows));
    }

    @Test
    void thresholdsAreConfigurable() {
        List<FlowRecord> flows = new ArrayList<>();
        for (int p = 1; p <= 25; p++) {
            flows.add(tcp(p * 0.01, EVIL, "10.244.1.10", p, false, false));
        }
        assertEquals(1, run(BehaviourContext.defaults(), flows).size());
        BehaviourConfig c = BehaviourConfig.defaults().set("scan.vertical_ports", 30);
        assertEquals(0, run(new BehaviourContext(null, c, null), flows).size());
        assertTrue(c.unused().isEmpty());
    }

    @Test
    void stateStaysBoundedUnderManySpoofedSources() {
        BehaviourConfig c = BehaviourConfig.defaults().set("max_keys", 100);
        ScanDetector d = new ScanDetector(new BehaviourContext(null, c, null));
        BehaviourEngine e = new BehaviourEngine(List.of(d), x -> { });
        for (int i = 0; i < 5000; i++) {
            e.flow(tcp(i * 0.001, "10.9." + (i / 250) + "." + (i % 250), "10.244.1.10", 80, false, false));
        }
        assertTrue(d.stats().get("sources_tracked") <= 100);
        assertEquals(4900L, d.stats().get("sources_evicted"));
    }
}
