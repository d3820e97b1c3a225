package io.crowsnest.behaviour.fanout;

import static io.crowsnest.behaviour.TestRecords.http;
import static io.crowsnest.behaviour.TestRecords.redis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.behaviour.BehaviourAlert;
import io.crowsnest.behaviour.BehaviourConfig;
import io.crowsnest.behaviour.BehaviourContext;
import io.crowsnest.behaviour.BehaviourEngine;
import io.crowsnest.behaviour.profile.Profile;
import io.crowsnest.behaviour.profile.ProfileLearner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FanoutDetectorTest {
    static final String WEB = "10.244.1.10", REDIS = "10.244.1.11", CLIENT = "10.244.1.20", EVIL = "10.244.2.5";

    /** Normal traffic: each /items/N request costs one GET, each /search costs 2 commands. */
    static void normal(BehaviourEngine e, double from, int n) {
        for (int i = 0; i < n; i++) {
            double t = from + i * 2;
            e.tx(redis(t + 0.01, WEB, REDIS, "GET item:" + i));
            e.tx(http(t, t + 0.05, CLIENT, WEB, "GET", "/items/" + i, 200));
            e.tx(redis(t + 1.01, WEB, REDIS, "SCAN 0"));
            e.tx(redis(t + 1.02, WEB, REDIS, "GET item:1"));
            e.tx(http(t + 1, t + 1.05, CLIENT, WEB, "GET", "/search?q=shoe" + i, 200));
        }
    }

    /** The abuse: one /search?q=* makes the service issue {@code calls} Redis commands. */
    static void abuse(BehaviourEngine e, double t, int calls) {
        for (int k = 0; k < calls; k++) {
            e.tx(redis(t + 0.001 * (k + 1), WEB, REDIS, "GET item:" + k));
        }
        e.tx(http(t, t + 0.001 * (calls + 2), EVIL, WEB, "GET", "/search?q=*", 200));
    }

    private static List<BehaviourAlert> run(BehaviourContext ctx, java.util.function.Consumer<BehaviourEngine> traffic) {
        List<BehaviourAlert> out = new ArrayList<>();
        BehaviourEngine e = new BehaviourEngine(List.of(new FanoutDetector(ctx)), out::add);
        traffic.accept(e);
        e.finish();
        return out;
    }

    private static Profile learn(java.util.function.Consumer<BehaviourEngine> traffic) {
        ProfileLearner l = new ProfileLearner(BehaviourContext.defaults());
        BehaviourEngine e = new BehaviourEngine(List.of(l), a -> { });
        traffic.accept(e);
        e.finish();
        return l.profile();
    }

    @Test
    void heavyRequestAgainstTheLearnedProfileAlertsWithSourceEndpointRatioAndBackend() {
        Profile p = learn(e -> normal(e, 0, 40));
        assertEquals(2.0, p.workload(WEB).endpoints.get("GET /search?q").fanout.p99);
        List<BehaviourAlert> alerts = run(new BehaviourContext(p, null, null), e -> {
            normal(e, 1000, 5);
            abuse(e, 1100, 200);
        });
        assertEquals(1, alerts.size(), alerts.toString());
        BehaviourAlert a = alerts.get(0);
        assertEquals(FanoutDetector.SID_REQUEST, a.sid);
        assertEquals(EVIL, a.src);
        assertEquals(WEB, a.dst);
        assertEquals("GET /search?q", a.behaviour.get("endpoint"));
        assertEquals(200.0, a.behaviour.get("observed"));
        assertEquals(2.0, a.behaviour.get("baseline"));
        assertEquals(100.0, a.behaviour.get("ratio"));
        assertEquals(10.0, a.behaviour.get("threshold"));
        assertEquals("profile", a.behaviour.get("baseline_source"));
        assertEquals(Map.of(REDIS + " tcp/6379 redis", 200), a.behaviour.get("backends"));
        assertTrue(((List<?>) a.behaviour.get("top_flows")).get(0).toString().contains("redis GET item:"));
    }

    @Test
    void normalTrafficAgainstItsProfileIsQuiet() {
        Profile p = learn(e -> normal(e, 0, 40));
        assertEquals(List.of(), run(new BehaviourContext(p, null, null), e -> normal(e, 1000, 40)));
    }

    @Test
    void repeatedAbuseIsOneAlertPerCooldownAndCountsTheRest() {
        Profile p = learn(e -> normal(e, 0, 40));
        List<BehaviourAlert> alerts = run(new BehaviourContext(p, null, null), e -> {
            for (int i = 0; i < 15; i++) {
                abuse(e, 1000 + i * 2, 200);
            }
            abuse(e, 1000 + 700, 200); // after the 600 s cooldown
        });
        long perRequest = alerts.stream().filter(a -> a.sid == FanoutDetector.SID_REQUEST).count();
        assertEquals(2, perRequest, alerts.toString());
        BehaviourAlert second = alerts.stream().filter(a -> a.sid == FanoutDetector.SID_REQUEST).skip(1).findFirst().orElseThrow();
        assertEquals(14L, second.behaviour.get("suppressed_since_last"));
    }

    @Test
    void withoutAProfileTheEndpointIsLearnedOnlineThenJudged() {
        List<BehaviourAlert> alerts = run(BehaviourContext.defaults(), e -> {
            normal(e, 0, 40);
            abuse(e, 500, 30); // below the 50-call default, but 15x the endpoint's learned normal
        });
        assertEquals(1, alerts.size(), alerts.toString());
        assertTrue(alerts.get(0).behaviour.get("baseline_source").toString().startsWith("learned online"));
    }

    @Test
    void beforeWarmupOnlyTheAbsoluteLimitApplies() {
        assertEquals(List.of(), run(BehaviourContext.defaults(), e -> abuse(e, 0, 40)));
        assertEquals(1, run(BehaviourContext.defaults(), e -> abuse(e, 0, 60)).size());
    }

    @Test
    void aManualLimitInTheProfileAcceptsAHeavierEndpoint() {
        Profile p = learn(e -> normal(e, 0, 40));
        p.workload(WEB).endpoints.get("GET /search?q").fanoutLimit = 500.0;
        BehaviourConfig c = BehaviourConfig.defaults().set("fanout.source_min_calls", 100_000);
        assertEquals(List.of(), run(new BehaviourContext(p, c, null), e -> abuse(e, 1000, 200)));
    }

    @Test
    void aSourceWhoseRequestsAreEachOnlyMildlyHeavyIsCaughtInAggregate() {
        Profile p = learn(e -> normal(e, 0, 40));
        List<BehaviourAlert> alerts = run(new BehaviourContext(p, null, null), e -> {
            for (int i = 0; i < 40; i++) {
                abuse(e, 1000 + i, 9); // 9 calls: under the per-request limit of 10
            }
        });
        assertEquals(List.of(FanoutDetector.SID_SOURCE), alerts.stream().map(a -> a.sid).distinct().toList(), alerts.toString());
    }

    @Test
    void downstreamCallsOutsideTheRequestWindowAreNotCharged() {
        List<BehaviourAlert> alerts = run(BehaviourContext.defaults(), e -> {
            for (int k = 0; k < 100; k++) {
                e.tx(redis(10 + k * 0.01, WEB, REDIS, "GET k"));  // a batch job, no request in flight
            }
            e.tx(http(20, 20.01, EVIL, WEB, "GET", "/search?q=*", 200));
        });
        assertEquals(List.of(), alerts);
    }
}
