package io.crowsnest.behaviour.lateral;

import static io.crowsnest.behaviour.TestRecords.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crowsnest.behaviour.BehaviourAlert;
import io.crowsnest.behaviour.BehaviourContext;
import io.crowsnest.behaviour.BehaviourEngine;
import io.crowsnest.behaviour.FlowRecord;
import io.crowsnest.behaviour.profile.Profile;
import io.crowsnest.behaviour.profile.ProfileLearner;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LateralDetectorTest {
    static final String WEB = "10.244.1.10", REDIS = "10.244.1.11", API = "10.244.1.13", EVIL = "10.244.2.5";

    static Profile baseline() {
        ProfileLearner l = new ProfileLearner(BehaviourContext.defaults());
        BehaviourEngine e = new BehaviourEngine(List.of(l), a -> { });
        for (int i = 0; i < 20; i++) {
            e.flow(tcp(i, WEB, REDIS, 6379, true, true));
            e.flow(tcp(i + 0.5, API, WEB, 8080, true, true));
        }
        e.finish();
        return l.profile();
    }

    private static List<BehaviourAlert> run(Profile p, FlowRecord... flows) {
        List<BehaviourAlert> out = new ArrayList<>();
        BehaviourEngine e = new BehaviourEngine(List.of(new LateralDetector(new BehaviourContext(p, null, null))), out::add);
        for (FlowRecord f : flows) {
            e.flow(f);
        }
        e.finish();
        return out;
    }

    @Test
    void newInternalEdgeAndFirstSeenEgressAlertOncePerEdge() {
        List<BehaviourAlert> a = run(baseline(),
                tcp(100, WEB, REDIS, 6379, true, true),      // known
                tcp(101, WEB, API, 2222, true, true),        // new port on a known peer
                tcp(102, WEB, API, 2222, true, true),        // same edge again: no second alert
                tcp(103, WEB, EVIL, 9000, true, true));      // a peer the baseline never saw
        assertEquals(List.of(LateralDetector.SID_NEW_EDGE, LateralDetector.SID_NEW_EGRESS), a.stream().map(x -> x.sid).toList());
        assertEquals(API + " tcp/2222", a.get(0).behaviour.get("edge"));
        assertEquals(List.of(REDIS + " tcp/6379"), a.get(0).behaviour.get("baseline"));
        assertEquals(EVIL, a.get(1).dst);
    }

    @Test
    void probesUnprofiledWorkloadsAndNoBaselineAreNotJudged() {
        assertEquals(List.of(), run(baseline(),
                tcp(100, WEB, API, 2222, false, false),     // refused: the scan detector's business
                tcp(101, EVIL, WEB, 8080, true, true)));    // the client has no profile
        assertEquals(List.of(), run(new Profile(), tcp(100, WEB, API, 2222, true, true)));
    }

    @Test
    void anEdgeAddedToTheProfileByHandIsAccepted() {
        Profile p = baseline();
        p.workload(WEB).talksTo.add(API + " tcp/2222");
        assertEquals(List.of(), run(p, tcp(101, WEB, API, 2222, true, true)));
    }
}
