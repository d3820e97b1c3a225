package io.crowsnest.behaviour.bruteforce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.behaviour.BehaviourAlert;
import io.crowsnest.behaviour.BehaviourConfig;
import io.crowsnest.behaviour.BehaviourContext;
import io.crowsnest.behaviour.FlowRecord;
import io.crowsnest.behaviour.TxRecord;
import io.crowsnest.behaviour.profile.Profile;
import io.crowsnest.behaviour.profile.WorkloadProfile;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BruteForceDetectorTest {
    static final long T0 = 1_700_000_000_000_000_000L;
    static final long MS = 1_000_000L;
    static final String ATTACKER = "10.244.5.66";
    static final String API = "10.244.1.10";
    static final String REDIS = "10.244.2.20";

    final List<BehaviourAlert> alerts = new ArrayList<>();
    /** Each request on a new connection, as a guessing tool often does. */
    static int nextPort = 41000;

    static BruteForceDetector detector(Profile p, String... settings) {
        BehaviourConfig cfg = BehaviourConfig.defaults();
        for (String s : settings) {
            cfg.set(s);
        }
        return new BruteForceDetector(new BehaviourContext(p, cfg, null));
    }

    static BruteForceDetector detector(String... settings) {
        return detector(null, settings);
    }

    static TxRecord http(String client, long t, String method, String uri, int status) {
        TxRecord x = new TxRecord();
        x.proto = "http";
        x.client = client;
        x.clientPort = nextPort++;
        x.server = API;
        x.serverPort = 8080;
        x.startNanos = t;
        x.endNanos = t + 5 * MS;
        x.method = method;
        x.uri = uri;
        x.status = status;
        return x;
    }

    static TxRecord redis(String client, long t, String command, String error) {
        TxRecord x = new TxRecord();
        x.proto = "redis";
        x.client = client;
        x.clientPort = 50000;
        x.server = REDIS;
        x.serverPort = 6379;
        x.startNanos = t;
        x.endNanos = t + MS;
        x.command = command;
        x.error = error != null;
        x.errorText = error;
        return x;
    }

    static FlowRecord ssh(String client, int clientPort, long t, long durationMs, long up, long down, boolean accepted) {
        FlowRecord f = new FlowRecord();
        f.client = client;
        f.clientPort = clientPort;
        f.server = "10.244.7.2";
        f.serverPort = 22;
        f.proto = 6;
        f.appProto = accepted ? "ssh" : null;
        f.startNanos = t;
        f.endNanos = t + durationMs * MS;
        f.tcpFlagsToServer = FlowRecord.SYN | FlowRecord.ACK | FlowRecord.FIN;
        f.tcpFlagsToClient = accepted ? FlowRecord.SYN | FlowRecord.ACK | FlowRecord.FIN : FlowRecord.RST | FlowRecord.ACK;
        f.pktsToServer = accepted ? 12 : 1;
        f.pktsToClient = accepted ? 10 : 1;
        f.bytesToServer = up;
        f.bytesToClient = down;
        return f;
    }

    @Test
    void httpPasswordGuessingFires() {
        BruteForceDetector d = detector();
        for (int i = 0; i < 15; i++) {
            d.tx(http(ATTACKER, T0 + i * 2000 * MS, "POST", "/login?u=admin", 401), alerts::add);
        }
        assertEquals(1, alerts.size());
        BehaviourAlert a = alerts.get(0);
        assertEquals(BruteForceDetector.SID_HTTP, a.sid);
        assertEquals("Attempted User Privilege Gain", a.category);
        assertEquals(1, a.severity);
        assertEquals(ATTACKER, a.src);
        assertEquals(API, a.dst);
        assertEquals(8080, a.dstPort);
        assertEquals(T0 + 9 * 2000 * MS + 5 * MS, a.tsNanos, "fires at the 10th failure");
        assertEquals(10L, a.behaviour.get("observed"));
        assertEquals(10L, a.behaviour.get("failures"));
        assertEquals(10L, a.behaviour.get("attempts"));
        assertEquals(1.0, a.behaviour.get("failure_share"));
        assertEquals("http", a.behaviour.get("protocol"));
        assertEquals("POST /login?u=admin -> 401", a.behaviour.get("sample"));
        assertEquals(10.0, a.behaviour.get("threshold"));
        assertEquals("default", a.behaviour.get("baseline_source"));
        assertEquals(60.0, a.behaviour.get("window_s"));
        List<?> top = (List<?>) a.behaviour.get("top_flows");
        assertEquals(6, top.size(), "5 flows and the '… and N more' line: " + top);
        assertEquals("… and 5 more", top.get(5));
    }

    @Test
    void redisFailuresDerivedFromErrorText() {
        BruteForceDetector d = detector();
        for (int i = 0; i < 12; i++) {
            d.tx(redis(ATTACKER, T0 + i * 100 * MS, "AUTH", "WRONGPASS invalid username-password pair"), alerts::add);
        }
        assertEquals(1, alerts.size());
        BehaviourAlert a = alerts.get(0);
        assertEquals(BruteForceDetector.SID_REDIS, a.sid);
        assertEquals(REDIS, a.dst);
        assertEquals(6379, a.dstPort);
        assertEquals("AUTH -> WRONGPASS invalid username-password pair", a.behaviour.get("sample"));
    }

    @Test
    void parserFlaggedSqlFailuresUseTheOtherSid() {
        BruteForceDetector d = detector();
        for (int i = 0; i < 10; i++) {
            TxRecord x = redis(ATTACKER, T0 + i * 100 * MS, "STARTUP", null);
            x.proto = "postgresql";
            x.serverPort = 5432;
            x.authFailure = true;
            d.tx(x, alerts::add);
        }
        assertEquals(1, alerts.size());
        assertEquals(BruteForceDetector.SID_OTHER, alerts.get(0).sid);
        assertEquals("postgresql", alerts.get(0).behaviour.get("protocol"));
    }

    static TxRecord ftp(String client, long t, String command, int code) {
        TxRecord x = new TxRecord();
        x.proto = "ftp";
        x.client = client;
        x.clientPort = nextPort++;
        x.server = API;
        x.serverPort = 21;
        x.startNanos = t;
        x.endNanos = t + 5 * MS;
        x.command = command;
        x.status = code;
        x.login = (command.equals("USER") || command.equals("PASS")) && (code < 300 || code >= 400); // as Records sets it
        x.authFailure = code == 530;
        x.error = code >= 400;
        return x;
    }

    @Test
    void ftpGuessingCountsLoginsNotTheUserPromptOrQuit() {
        BruteForceDetector d = detector();
        for (int i = 0; i < 10; i++) {
            long t = T0 + i * 1000 * MS;
            d.tx(ftp(ATTACKER, t, "USER", 331), alerts::add);
            d.tx(ftp(ATTACKER, t + 100 * MS, "PASS", 530), alerts::add);
            d.tx(ftp(ATTACKER, t + 200 * MS, "QUIT", 221), alerts::add);
        }
        assertEquals(1, alerts.size());
        assertEquals(BruteForceDetector.SID_OTHER, alerts.get(0).sid);
        assertEquals("ftp", alerts.get(0).behaviour.get("protocol"));
        assertEquals(1.0, alerts.get(0).behaviour.get("failure_share"));
    }

    @Test
    void sqlQueriesBetweenFailedLoginsDoNotDiluteTheShare() {
        BruteForceDetector d = detector();
        TxRecord bad = ftp(ATTACKER, T0, "STARTUP", 0);
        bad.proto = "pgsql";
        bad.serverPort = 5432;
        bad.authFailure = true;
        d.tx(bad, alerts::add);
        for (int i = 1; i < 40; i++) {
            TxRecord q = ftp(ATTACKER, T0 + i * 100 * MS, "SELECT", 0);
            q.proto = "pgsql";
            q.serverPort = 5432;
            q.login = i % 4 == 0;
            q.authFailure = q.login;
            d.tx(q, alerts::add);
        }
        // 10 failed logins among 30 queries: the queries are not attempts, so the share stays 1.0
        assertEquals(1, alerts.size());
        assertEquals("pgsql", alerts.get(0).behaviour.get("protocol"));
    }

    @Test
    void sshShortSessionsFire() {
        BruteForceDetector d = detector();
        for (int i = 0; i < 12; i++) {
            d.flow(ssh(ATTACKER, 40000 + i, T0 + i * 3000 * MS, 2500, 2600, 3100, true), alerts::add);
        }
        assertEquals(1, alerts.size());
        BehaviourAlert a = alerts.get(0);
        assertEquals(BruteForceDetector.SID_SSH, a.sid);
        assertEquals(ATTACKER, a.src);
        assertEquals(40009, a.srcPort);
        assertEquals("10.244.7.2", a.dst);
        assertEquals(22, a.dstPort);
        assertEquals(10L, a.behaviour.get("failures"));
        assertEquals("ssh", a.behaviour.get("protocol"));
        assertEquals(ATTACKER + ":40009 -> 10.244.7.2:22 tcp 2.5 s 2600/3100 bytes", a.behaviour.get("sample"));
    }

    @Test
    void sshRefusedLongOrBulkySessionsDoNotCount() {
        BruteForceDetector d = detector();
        for (int i = 0; i < 20; i++) {
            long t = T0 + i * 2000 * MS;
            d.flow(ssh(ATTACKER, 40000 + i, t, 1, 60, 0, false), alerts::add);          // refused: a scan
            d.flow(ssh("10.244.5.1", 40000 + i, t, 45_000, 5000, 8000, true), alerts::add); // interactive
            d.flow(ssh("10.244.5.2", 40000 + i, t, 3000, 200_000, 4000, true), alerts::add); // scp upload
        }
        for (int i = 0; i < 9; i++) { // a few short ones: below the threshold
            d.flow(ssh("10.244.5.3", 40000 + i, T0 + i * 2000 * MS, 2000, 2600, 3100, true), alerts::add);
        }
        assertTrue(alerts.isEmpty(), alerts.toString());
    }

    @Test
    void aFewFailuresAreNormal() {
        BruteForceDetector d = detector();
        // a client with an expiring token: 5 × 401 a minute among 200 good requests, for 10 minutes
        for (int i = 0; i < 2000; i++) {
            int status = i % 40 == 0 ? 401 : 200;
            d.tx(http("10.244.5.9", T0 + i * 300 * MS, "GET", "/api/items", status), alerts::add);
        }
        // ordinary Redis errors are not authentication failures
        for (int i = 0; i < 50; i++) {
            d.tx(redis("10.244.5.9", T0 + i * MS, "INCR",
                    "WRONGTYPE Operation against a key holding the wrong kind of value"), alerts::add);
        }
        assertTrue(alerts.isEmpty(), alerts.toString());
    }

    @Test
    void challengeResponseAuthIsNotGuessing() {
        BruteForceDetector d = detector();
        // digest auth: every request is first answered 401, then succeeds
        for (int i = 0; i < 60; i++) {
            d.tx(http("10.244.5.10", T0 + i * 500 * MS, "GET", "/admin/status", 401), alerts::add);
            d.tx(http("10.244.5.10", T0 + i * 500 * MS + 10 * MS, "GET", "/admin/status", 200), alerts::add);
        }
        assertTrue(alerts.isEmpty(), alerts.toString());
        // the same failures without the successes do alert
        BruteForceDetector strict = detector("bruteforce.min_failure_share=0");
        for (int i = 0; i < 60; i++) {
            strict.tx(http("10.244.5.10", T0 + i * 500 * MS, "GET", "/admin/status", 401), alerts::add);
            strict.tx(http("10.244.5.10", T0 + i * 500 * MS + 10 * MS, "GET", "/admin/status", 200), alerts::add);
        }
        assertEquals(1, alerts.size());
    }

    @Test
    void longAttackAlertsOncePerCooldown() {
        BruteForceDetector d = detector();
        for (int i = 0; i < 600; i++) { // 10 minutes minus a second, one guess a second
            d.tx(http(ATTACKER, T0 + i * 999 * MS, "POST", "/login", 401), alerts::add);
            d.tick(T0 + i * 999 * MS, alerts::add);
        }
        assertEquals(1, alerts.size());
        // a second service is its own key
        for (int i = 0; i < 10; i++) {
            d.tx(redis(ATTACKER, T0 + i * MS, "AUTH", "NOAUTH Authentication required."), alerts::add);
        }
        assertEquals(2, alerts.size());
    }

    @Test
    void thresholdOverride() {
        BruteForceDetector d = detector("bruteforce.min_failures=3");
        for (int i = 0; i < 4; i++) {
            d.tx(http(ATTACKER, T0 + i * 1000 * MS, "POST", "/login", 403), alerts::add);
        }
        assertEquals(1, alerts.size());
        assertEquals(3L, alerts.get(0).behaviour.get("failures"));
        assertEquals(3.0, alerts.get(0).behaviour.get("threshold"));
        assertEquals("config", alerts.get(0).behaviour.get("baseline_source"));
    }

    @Test
    void failuresSpreadBeyondTheWindowDoNotAdd() {
        BruteForceDetector d = detector();
        for (int i = 0; i < 40; i++) { // one every 7 s: 9 per 60 s at most
            d.tx(http(ATTACKER, T0 + i * 7000 * MS, "POST", "/login", 401), alerts::add);
        }
        assertTrue(alerts.isEmpty(), alerts.toString());
    }

    @Test
    void baselineSaysWhetherTheSourceIsAKnownClient() {
        Profile p = new Profile();
        WorkloadProfile api = new WorkloadProfile();
        api.heardFrom.add(WorkloadProfile.edge("10.244.5.9", "tcp", 8080));
        p.workloads.put(API, api);
        BruteForceDetector d = detector(p);
        for (int i = 0; i < 10; i++) {
            d.tx(http(ATTACKER, T0 + i * MS, "POST", "/login", 401), alerts::add);
            d.tx(http("10.244.5.9", T0 + i * MS, "POST", "/login", 401), alerts::add);
        }
        assertEquals(2, alerts.size());
        assertEquals(false, alerts.get(0).behaviour.get("known_client"));
        assertEquals(true, alerts.get(1).behaviour.get("known_client"));
    }

    @Test
    void stateStaysBounded() {
        BruteForceDetector d = detector("max_keys=8");
        for (int i = 0; i < 50; i++) {
            d.tx(http("10.9.0." + i, T0 + i * MS, "POST", "/login", 401), alerts::add);
            d.tx(http("10.8.0." + i, T0 + i * MS, "GET", "/", 200), alerts::add); // successes keep no state
        }
        assertEquals(8L, d.stats().get("source_services_tracked"));
        assertEquals(42L, d.stats().get("source_services_evicted"));
        d.tick(T0 + 120_000 * MS, alerts::add);
        assertEquals(0L, d.stats().get("source_services_tracked"));
    }
}
