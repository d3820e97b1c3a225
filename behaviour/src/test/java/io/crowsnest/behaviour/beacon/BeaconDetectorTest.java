package io.crowsnest.behaviour.beacon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.behaviour.BehaviourAlert;
import io.crowsnest.behaviour.BehaviourConfig;
import io.crowsnest.behaviour.BehaviourContext;
import io.crowsnest.behaviour.FlowRecord;
import io.crowsnest.behaviour.profile.Profile;
import io.crowsnest.behaviour.profile.WorkloadProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BeaconDetectorTest {
    static final long T0 = 1_700_000_000_000_000_000L;
    static final long SEC = 1_000_000_000L;
    static final String IMPLANT = "10.244.4.4";
    static final String C2 = "203.0.113.50";
    /** Gaps with a little jitter (median 30 s) and sizes around 500 bytes. */
    static final long[] GAPS = {30, 31, 29, 30, 32, 28, 30};
    static final long[] SIZES = {500, 510, 490, 505, 495, 500, 520, 480};

    static final long[] VARYING = {300, 600, 2000, 3500, 4000};

    final List<BehaviourAlert> alerts = new ArrayList<>();

    static BeaconDetector detector(Profile p, String... settings) {
        BehaviourConfig cfg = BehaviourConfig.defaults();
        for (String s : settings) {
            cfg.set(s);
        }
        return new BeaconDetector(new BehaviourContext(p, cfg, null));
    }

    static FlowRecord conn(String client, String server, int port, long start, long up, long down) {
        FlowRecord f = new FlowRecord();
        f.client = client;
        f.clientPort = 30000 + (int) ((start / SEC) % 30000);
        f.server = server;
        f.serverPort = port;
        f.proto = 6;
        f.appProto = port == 443 ? "tls" : null;
        f.startNanos = start;
        f.endNanos = start + SEC / 5;
        f.tcpFlagsToServer = FlowRecord.SYN | FlowRecord.ACK | FlowRecord.FIN;
        f.tcpFlagsToClient = FlowRecord.SYN | FlowRecord.ACK | FlowRecord.FIN;
        f.pktsToServer = 6;
        f.pktsToClient = 5;
        f.bytesToServer = up;
        f.bytesToClient = down;
        return f;
    }

    /** {@code count} check-ins every ~{@code every} seconds (jittered as GAPS) with sizes as SIZES. */
    void beacon(BeaconDetector d, String server, int port, int count, long every) {
        long t = T0;
        for (int i = 0; i < count; i++) {
            d.flow(conn(IMPLANT, server, port, t, SIZES[i % SIZES.length], 900), alerts::add);
            t += GAPS[i % GAPS.length] * every / 30 * SEC;
        }
    }

    @Test
    void regularSmallCheckInsFire() {
        BeaconDetector d = detector(null);
        beacon(d, C2, 443, 12, 30);
        assertEquals(1, alerts.size());
        BehaviourAlert a = alerts.get(0);
        assertEquals(BeaconDetector.SID_BEACON, a.sid);
        assertEquals("A Network Trojan was detected", a.category);
        assertEquals(1, a.severity);
        assertEquals(IMPLANT, a.src);
        assertEquals(C2, a.dst);
        assertEquals(443, a.dstPort);
        // judged at the 8th connection: 7 gaps (sum 210 s), all within ±30 % of the median 30 s
        long span = 0;
        for (long g : GAPS) {
            span += g;
        }
        assertEquals(T0 + span * SEC, a.tsNanos);
        assertEquals(8L, a.behaviour.get("connections"));
        assertEquals(30.0, a.behaviour.get("median_interval_s"));
        assertEquals(1.0, a.behaviour.get("regular_share"));
        assertEquals(1.0, a.behaviour.get("observed"));
        assertEquals(0.8, a.behaviour.get("threshold"));
        assertEquals("default", a.behaviour.get("baseline_source"));
        assertEquals((double) span, a.behaviour.get("window_s"));
        assertEquals(500L, a.behaviour.get("median_bytes"));
        double mean = 0, var = 0;
        for (long s : SIZES) {
            mean += s / 8.0;
        }
        for (long s : SIZES) {
            var += (s - mean) * (s - mean) / 8.0;
        }
        assertEquals(Math.round(Math.sqrt(var) / mean * 1000) / 1000.0, a.behaviour.get("size_cv"));
        assertEquals(C2 + " tcp/443", a.behaviour.get("edge"));
        assertEquals(5, ((List<?>) a.behaviour.get("top_flows")).size() - 1, "5 flows + '… and N more'");
    }

    @Test
    void longBeaconAlertsOncePerCooldown() {
        BeaconDetector d = detector(null);
        beacon(d, C2, 443, 18, 30); // ~9 minutes
        assertEquals(1, alerts.size());
        alerts.clear();
        BeaconDetector d2 = detector(null);
        beacon(d2, C2, 443, 60, 30); // ~30 minutes: the 10-minute cooldown lets 3 through
        assertEquals(3, alerts.size());
        for (int i = 1; i < alerts.size(); i++) {
            assertTrue(alerts.get(i).tsNanos - alerts.get(i - 1).tsNanos >= 600 * SEC);
        }
    }

    @Test
    void baselinePeriodicEdgeIsExempt() {
        Profile p = new Profile();
        WorkloadProfile w = new WorkloadProfile();
        w.talksTo.add(WorkloadProfile.edge(C2, "tcp", 443));
        w.periodic.add(WorkloadProfile.edge(C2, "tcp", 443));
        p.workloads.put(IMPLANT, w);
        BeaconDetector d = detector(p);
        beacon(d, C2, 443, 20, 30);
        assertTrue(alerts.isEmpty(), alerts.toString());
        assertEquals(20L, d.stats().get("exempt_flows"));
        // the exemption is for that edge only: the same rhythm to another port alerts, explained by the profile
        beacon(d, C2, 8443, 8, 30);
        assertEquals(1, alerts.size());
        assertEquals("new edge", alerts.get(0).behaviour.get("baseline"));
        assertEquals("profile", alerts.get(0).behaviour.get("baseline_source"));
    }

    @Test
    void knownButNotPeriodicEdgeSaysSo() {
        Profile p = new Profile();
        WorkloadProfile w = new WorkloadProfile();
        w.talksTo.add(WorkloadProfile.edge(C2, "tcp", 443));
        p.workloads.put(IMPLANT, w);
        BeaconDetector d = detector(p);
        beacon(d, C2, 443, 8, 30);
        assertEquals(1, alerts.size());
        assertEquals("known edge, not periodic", alerts.get(0).behaviour.get("baseline"));
    }

    @Test
    void irregularTimingDoesNotFire() {
        BeaconDetector d = detector(null);
        Random r = new Random(7);
        long t = T0;
        for (int i = 0; i < 64; i++) { // a user: exponential gaps, mean 30 s
            d.flow(conn(IMPLANT, C2, 443, t, 500, 900), alerts::add);
            t += (long) (-Math.log(1 - r.nextDouble()) * 30 * SEC) + SEC;
        }
        assertTrue(alerts.isEmpty(), alerts.toString());
    }

    @Test
    void varyingOrLargeSizesDoNotFire() {
        BeaconDetector d = detector(null);
        long t = T0;
        for (int i = 0; i < 30; i++) {
            // a poller whose requests vary (different queries), all small: median 2000, cv ≈ 0.7
            d.flow(conn(IMPLANT, "10.244.1.10", 8080, t, VARYING[i % VARYING.length], 900), alerts::add);
            // a metrics push: regular and uniform, but 50 KB each time
            d.flow(conn(IMPLANT, "10.244.1.11", 9091, t, 50_000 + i, 200), alerts::add);
            t += 30 * SEC;
        }
        assertTrue(alerts.isEmpty(), alerts.toString());
    }

    @Test
    void dnsFastPollsAndRefusedRetriesDoNotFire() {
        BeaconDetector d = detector(null);
        for (int i = 0; i < 30; i++) {
            long t = T0 + i * 30 * SEC;
            FlowRecord q = conn(IMPLANT, "10.96.0.10", 53, t, 70, 200);
            q.proto = 17;
            d.flow(q, alerts::add);
            FlowRecord refused = conn(IMPLANT, "10.244.1.12", 5432, t, 60, 40);
            refused.tcpFlagsToClient = FlowRecord.RST | FlowRecord.ACK;
            d.flow(refused, alerts::add);
            // twice a second: too fast to be a check-in (a busy client, not a sleeper)
            d.flow(conn(IMPLANT, "10.244.1.13", 80, T0 + i * SEC / 2, 300, 900), alerts::add);
        }
        assertTrue(alerts.isEmpty(), alerts.toString());
    }

    @Test
    void minConnectionsOverride() {
        BeaconDetector d = detector(null, "beacon.min_connections=20");
        beacon(d, C2, 443, 19, 30);
        assertTrue(alerts.isEmpty(), "19 connections are not enough when 20 are asked for");
        BeaconDetector d2 = detector(null, "beacon.min_connections=20");
        beacon(d2, C2, 443, 20, 30);
        assertEquals(1, alerts.size());
        assertEquals(20L, alerts.get(0).behaviour.get("connections"));
    }

    @Test
    void stateStaysBounded() {
        BeaconDetector d = detector(null, "max_keys=10");
        for (int i = 0; i < 40; i++) {
            d.flow(conn(IMPLANT, "198.51.100." + i, 443, T0 + i * SEC, 500, 900), alerts::add);
        }
        assertEquals(10L, d.stats().get("triples_tracked"));
        assertEquals(30L, d.stats().get("triples_evicted"));
    }

    @Test
    void historyIsCappedPerTriple() {
        CheckIns c = new CheckIns();
        for (int i = 0; i < 200; i++) {
            c.add(T0 + i * SEC, i);
        }
        assertEquals(CheckIns.MAX, c.size());
        assertEquals(200L, c.seen);
        assertEquals(63.0, c.spanSeconds(), "only the newest 64 starts are kept");
        assertEquals(136 + 32, c.medianBytes());
    }
}
