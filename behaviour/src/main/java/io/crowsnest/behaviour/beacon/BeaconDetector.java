package io.crowsnest.behaviour.beacon;

import io.crowsnest.behaviour.AlertSink;
import io.crowsnest.behaviour.BehaviourAlert;
import io.crowsnest.behaviour.BehaviourConfig;
import io.crowsnest.behaviour.BehaviourContext;
import io.crowsnest.behaviour.BoundedMap;
import io.crowsnest.behaviour.Cooldowns;
import io.crowsnest.behaviour.Detector;
import io.crowsnest.behaviour.FlowRecord;
import io.crowsnest.behaviour.profile.WorkloadProfile;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Command-and-control beaconing: a client that opens a new connection to the same server and port on a
 * steady rhythm and sends about the same small amount each time (an implant checking in). Per
 * (client, server, port, transport) it keeps the newest {@value CheckIns#MAX} connection starts and sizes;
 * from {@code min_connections} on, every new connection re-tests them: {@link Periodicity} (median gap,
 * share of gaps within the jitter tolerance) and size uniformity (coefficient of variation and median of
 * bytes to the server). Sid 9205001, one alert per triple per cooldown.
 *
 * <p>Not judged: DNS (port 53: resolvers are asked on every cache expiry), connections that got no
 * answer (a reconnect loop to a dead dependency is not a conversation), and edges the client's baseline
 * lists as {@code periodic} (health checks, pollers, scrapers learned as normal).
 *
 * <p>Thresholds ({@code beacon.KEY}, default, meaning):
 * <ul>
 *   <li>{@code min_connections} 8 — connections on a triple before it is judged;</li>
 *   <li>{@code min_interval_s} 1 — median gap between connections, seconds, at least;</li>
 *   <li>{@code jitter} 0.3 — a gap within ± this fraction of the median counts as regular;</li>
 *   <li>{@code min_regular_share} 0.8 — share of regular gaps;</li>
 *   <li>{@code max_size_cv} 0.3 — coefficient of variation of bytes to the server, at most;</li>
 *   <li>{@code max_median_bytes} 4096 — median bytes to the server, at most (check-ins are small);</li>
 *   <li>{@code cooldown_s} 600 — at most one alert per triple in this time.</li>
 * </ul>
 */
public final class BeaconDetector implements Detector {
    public static final long SID_BEACON = 9205001;

    static final String NAME = "beacon";
    static final String CLASSTYPE = "A Network Trojan was detected";
    static final int SEVERITY = 1;
    private static final double DEFAULT_MIN_REGULAR_SHARE = 0.8;
    private static final long SWEEP_NANOS = 10_000_000_000L;

    private final BehaviourContext ctx;
    private final int minConnections;
    private final double minIntervalSeconds;
    private final double jitter;
    private final double minRegularShare;
    private final double maxSizeCv;
    private final double maxMedianBytes;
    private final Cooldowns cooldowns;
    /** Per "client|server|port|transport". */
    private final BoundedMap<String, CheckIns> triples;
    private long exemptFlows;
    private long lastSweep;

    public BeaconDetector(BehaviourContext ctx) {
        this.ctx = ctx;
        BehaviourConfig cfg = ctx.config();
        minConnections = Math.max(3, cfg.integer("beacon.min_connections", 8));
        minIntervalSeconds = cfg.num("beacon.min_interval_s", 1);
        jitter = cfg.num("beacon.jitter", 0.3);
        minRegularShare = cfg.num("beacon.min_regular_share", DEFAULT_MIN_REGULAR_SHARE);
        maxSizeCv = cfg.num("beacon.max_size_cv", 0.3);
        maxMedianBytes = cfg.num("beacon.max_median_bytes", 4096);
        cooldowns = new Cooldowns(cfg, "beacon");
        triples = new BoundedMap<>(cfg.maxKeys());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void flow(FlowRecord f, AlertSink out) {
        if (f.client == null || f.server == null || (f.proto != 6 && f.proto != 17)) {
            return;
        }
        if (f.serverPort == 53 || "dns".equals(f.appProto) || f.failedAttempt()) {
            return;
        }
        long ts = f.startNanos;
        String transport = f.transport();
        WorkloadProfile normal = ctx.baseline(f.client, ts);
        String edge = WorkloadProfile.edge(ctx.key(f.server, ts), transport, f.serverPort);
        if (normal != null && normal.periodic.contains(edge)) {
            exemptFlows++;
            return;
        }
        String key = f.client + "|" + f.server + "|" + f.serverPort + "|" + transport;
        CheckIns c = triples.computeIfAbsent(key, k -> new CheckIns());
        c.add(ts, f.bytesToServer);
        c.lastClientPort = f.clientPort;
        c.top.add(f.describe());
        if (c.size() < minConnections) {
            return;
        }
        Periodicity.Result rhythm = Periodicity.analyse(c.starts(), c.size(), jitter);
        boolean regular = rhythm.intervals >= minConnections - 1 && rhythm.medianSeconds >= minIntervalSeconds
                && rhythm.share >= minRegularShare;
        if (!regular) {
            return;
        }
        double cv = c.bytesCv();
        long medianBytes = c.medianBytes();
        if (cv > maxSizeCv || medianBytes > maxMedianBytes || coolingDown(key, ts)) {
            return;
        }
        out.alert(alert(f, c, rhythm, cv, medianBytes, normal, edge, ts));
    }

    private BehaviourAlert alert(FlowRecord f, CheckIns c, Periodicity.Result rhythm, double cv, long medianBytes,
                                 WorkloadProfile normal, String edge, long ts) {
        BehaviourAlert.Builder b = BehaviourAlert.of(NAME, SID_BEACON,
                        "CROWSNEST BEHAVIOUR periodic small check-ins to one server (possible C2 beacon)")
                .classtype(CLASSTYPE, SEVERITY)
                .at(ts)
                .src(f.client, c.lastClientPort)
                .dst(f.server, f.serverPort)
                .proto(f.proto, f.appProto)
                .window(round(c.spanSeconds()))
                .observed(round(rhythm.share));
        if (normal != null) {
            // the client has a baseline: say what it knew of this edge (it was not periodic there)
            b.baseline(normal.talksTo.contains(edge) ? "known edge, not periodic" : "new edge")
                    .fact("baseline_source", "profile");
        } else {
            b.baseline(minRegularShare)
                    .fact("baseline_source", minRegularShare == DEFAULT_MIN_REGULAR_SHARE ? "default" : "config");
        }
        return b.threshold(minRegularShare)
                .topFlows(c.top.list())
                .fact("connections", c.seen)
                .fact("median_interval_s", round(rhythm.medianSeconds))
                .fact("regular_share", round(rhythm.share))
                .fact("size_cv", round(cv))
                .fact("median_bytes", medianBytes)
                .fact("edge", edge)
                .build();
    }

    private boolean coolingDown(String key, long ts) {
        return !cooldowns.tryAlert(key, ts);
    }

    @Override
    public void tick(long now, AlertSink out) {
        // Histories are kept (a beacon may check in hourly); the LRU cap bounds them. Cooldowns expire.
        if (now - lastSweep < SWEEP_NANOS) {
            return;
        }
        lastSweep = now;
        cooldowns.sweep(now);
    }

    @Override
    public Map<String, Long> stats() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("triples_tracked", (long) triples.size());
        m.put("triples_evicted", triples.evictions());
        m.put("exempt_flows", exemptFlows);
        cooldowns.stats(m);
        return m;
    }

    static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
