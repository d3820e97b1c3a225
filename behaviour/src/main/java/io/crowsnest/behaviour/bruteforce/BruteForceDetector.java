package io.crowsnest.behaviour.bruteforce;

import io.crowsnest.behaviour.AlertSink;
import io.crowsnest.behaviour.BehaviourAlert;
import io.crowsnest.behaviour.BehaviourConfig;
import io.crowsnest.behaviour.BehaviourContext;
import io.crowsnest.behaviour.BoundedMap;
import io.crowsnest.behaviour.Cooldowns;
import io.crowsnest.behaviour.Detector;
import io.crowsnest.behaviour.FlowRecord;
import io.crowsnest.behaviour.TxRecord;
import io.crowsnest.behaviour.profile.WorkloadProfile;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Password guessing: one source failing to authenticate to one service (address + port) again and again.
 * Failures come from the protocol ({@link AuthFailures}: HTTP 401/403, Redis WRONGPASS/NOAUTH, PostgreSQL
 * SQLSTATE 28xxx, MySQL 1045/1044, FTP 530 to USER/PASS, or the parser's {@code authFailure}); SSH is encrypted, so there a failure is
 * the shape of the session: accepted, short, and small both ways, as when the server closes after the
 * last wrong password.
 *
 * <p>A window starts at a source's first failure on a service; every later transaction on it counts as an
 * attempt (for SQL and FTP: every later login). It alerts when failures reach the threshold and are at least {@code min_failure_share} of the
 * attempts, so a client doing challenge-response authentication (a 401 before each authorised request)
 * or a busy client with the odd failure does not look like a guesser. One alert per (source, service)
 * per cooldown. Sids: 9204001 HTTP, 9204002 Redis, 9204003 SSH, 9204004 SQL (pgsql, mysql), FTP and other
 * protocols.
 *
 * <p>Thresholds ({@code bruteforce.KEY}, default, meaning):
 * <ul>
 *   <li>{@code window_s} 60 — window length, seconds, from the first failure;</li>
 *   <li>{@code min_failures} 10 — authentication failures per source, service and window;</li>
 *   <li>{@code min_failure_share} 0.6 — failures / attempts in the window (0 disables the check);</li>
 *   <li>{@code ssh_min_sessions} 10 — short SSH sessions per source, server and window;</li>
 *   <li>{@code ssh_max_session_s} 30 — an SSH session shorter than this counts as a failed login…;</li>
 *   <li>{@code ssh_max_session_bytes} 10240 — …when each direction carried less than this;</li>
 *   <li>{@code cooldown_s} 600 — at most one alert per source and service in this time.</li>
 * </ul>
 */
public final class BruteForceDetector implements Detector {
    public static final long SID_HTTP = 9204001;
    public static final long SID_REDIS = 9204002;
    public static final long SID_SSH = 9204003;
    public static final long SID_OTHER = 9204004;

    static final String NAME = "bruteforce";
    static final String CLASSTYPE = "Attempted User Privilege Gain";
    static final int SEVERITY = 1;
    private static final long SWEEP_NANOS = 10_000_000_000L;
    private static final double DEFAULT_MIN_FAILURES = 10;
    private static final double DEFAULT_SSH_MIN_SESSIONS = 10;

    private final BehaviourContext ctx;
    private final double windowSeconds;
    private final long windowNanos;
    private final double minFailures;
    private final double minFailureShare;
    private final double sshMinSessions;
    private final long sshMaxSessionNanos;
    private final double sshMaxSessionBytes;
    private final Cooldowns cooldowns;
    /** Per "source|server|port|protocol". */
    private final BoundedMap<String, Attempts> attempts;
    private long lastSweep;

    public BruteForceDetector(BehaviourContext ctx) {
        this.ctx = ctx;
        BehaviourConfig cfg = ctx.config();
        windowSeconds = cfg.num("bruteforce.window_s", 60);
        windowNanos = (long) (windowSeconds * 1e9);
        minFailures = cfg.num("bruteforce.min_failures", DEFAULT_MIN_FAILURES);
        minFailureShare = cfg.num("bruteforce.min_failure_share", 0.6);
        sshMinSessions = cfg.num("bruteforce.ssh_min_sessions", DEFAULT_SSH_MIN_SESSIONS);
        sshMaxSessionNanos = (long) (cfg.num("bruteforce.ssh_max_session_s", 30) * 1e9);
        sshMaxSessionBytes = cfg.num("bruteforce.ssh_max_session_bytes", 10240);
        cooldowns = new Cooldowns(cfg, "bruteforce");
        attempts = new BoundedMap<>(cfg.maxKeys());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void tx(TxRecord t, AlertSink out) {
        if (t.client == null || t.server == null || t.proto == null || "ssh".equals(t.proto)) {
            return; // SSH is judged by session shape (flows); its banner transaction says nothing about logins
        }
        long ts = t.endNanos > 0 ? t.endNanos : t.startNanos;
        boolean failed = AuthFailures.failed(t);
        if (!failed && !AuthFailures.attempt(t)) {
            return;
        }
        String key = t.client + "|" + t.server + "|" + t.serverPort + "|" + t.proto;
        Attempts a = window(key, ts, failed);
        if (a == null) {
            return;
        }
        a.attempts++;
        if (failed) {
            a.failures++;
            a.sample = AuthFailures.sample(t);
            a.clientPort = t.clientPort;
            a.top.add(t.describe());
        }
        if (failed && a.failures >= minFailures && a.failureShare() >= minFailureShare && !coolingDown(key, ts)) {
            out.alert(alert(a, ts, sid(t.proto), t.proto, t.client, t.server, t.serverPort, minFailures,
                    DEFAULT_MIN_FAILURES));
        }
    }

    @Override
    public void flow(FlowRecord f, AlertSink out) {
        if (f.proto != 6 || f.client == null || !("ssh".equals(f.appProto) || f.serverPort == 22)) {
            return;
        }
        if (!f.tcpAccepted()) {
            return; // refused or unanswered: a scan's business, not a login attempt
        }
        long ts = f.endNanos > 0 ? f.endNanos : f.startNanos;
        boolean failed = f.endNanos - f.startNanos < sshMaxSessionNanos
                && f.bytesToServer < sshMaxSessionBytes && f.bytesToClient < sshMaxSessionBytes;
        String key = f.client + "|" + f.server + "|" + f.serverPort + "|ssh";
        Attempts a = window(key, ts, failed);
        if (a == null) {
            return;
        }
        a.attempts++;
        if (failed) {
            a.failures++;
            a.sample = f.describe() + " " + Math.round((f.endNanos - f.startNanos) / 1e6) / 1e3 + " s "
                    + f.bytesToServer + "/" + f.bytesToClient + " bytes";
            a.clientPort = f.clientPort;
            a.top.add(f.describe());
        }
        if (failed && a.failures >= sshMinSessions && a.failureShare() >= minFailureShare && !coolingDown(key, ts)) {
            out.alert(alert(a, ts, SID_SSH, "ssh", f.client, f.server, f.serverPort, sshMinSessions,
                    DEFAULT_SSH_MIN_SESSIONS));
        }
    }

    /**
     * The key's open window; a failure opens one when there is none (or it ended). Successes alone create no
     * state: only sources that already failed are tracked.
     */
    private Attempts window(String key, long ts, boolean failed) {
        Attempts a = attempts.get(key);
        if (a != null && ts - a.start < windowNanos) {
            return a;
        }
        if (!failed) {
            if (a != null) {
                attempts.remove(key);
            }
            return null;
        }
        a = new Attempts(ts);
        attempts.put(key, a);
        return a;
    }

    static long sid(String proto) {
        switch (proto) {
            case "http":
                return SID_HTTP;
            case "redis":
                return SID_REDIS;
            case "ssh":
                return SID_SSH;
            default:
                return SID_OTHER;
        }
    }

    private boolean coolingDown(String key, long ts) {
        return !cooldowns.tryAlert(key, ts);
    }

    private BehaviourAlert alert(Attempts a, long ts, long sid, String protocol, String source, String server,
                                 int port, double threshold, double dflt) {
        BehaviourAlert.Builder b = BehaviourAlert.of(NAME, sid,
                        "CROWSNEST BEHAVIOUR " + protocol.toUpperCase(Locale.ROOT)
                                + " brute force: repeated authentication failures from one source")
                .classtype(CLASSTYPE, SEVERITY)
                .at(ts)
                .src(source, a.clientPort)
                .dst(server, port)
                .proto(6, protocol)
                .window(windowSeconds)
                .observed(a.failures)
                .baseline(threshold)
                .fact("baseline_source", threshold == dflt ? "default" : "config")
                .threshold(threshold)
                .topFlows(a.top.list())
                .fact("failures", a.failures)
                .fact("attempts", a.attempts)
                .fact("failure_share", Math.round(a.failureShare() * 100) / 100.0)
                .fact("protocol", protocol)
                .fact("sample", a.sample);
        // with a baseline, say whether the guesser is a client the service normally hears from
        WorkloadProfile served = ctx.baseline(server, ts);
        if (served != null) {
            b.fact("known_client", served.heardFrom.contains(
                    WorkloadProfile.edge(ctx.key(source, ts), "tcp", port)));
        }
        return b.build();
    }

    @Override
    public void tick(long now, AlertSink out) {
        if (now - lastSweep < SWEEP_NANOS) {
            return;
        }
        lastSweep = now;
        attempts.values().removeIf(a -> now - a.start >= windowNanos);
        cooldowns.sweep(now);
    }

    @Override
    public Map<String, Long> stats() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("source_services_tracked", (long) attempts.size());
        m.put("source_services_evicted", attempts.evictions());
        cooldowns.stats(m);
        return m;
    }
}
