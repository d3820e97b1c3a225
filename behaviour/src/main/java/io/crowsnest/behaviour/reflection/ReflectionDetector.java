package io.crowsnest.behaviour.reflection;

import io.crowsnest.behaviour.AlertSink;
import io.crowsnest.behaviour.BehaviourAlert;
import io.crowsnest.behaviour.BehaviourConfig;
import io.crowsnest.behaviour.BehaviourContext;
import io.crowsnest.behaviour.BoundedMap;
import io.crowsnest.behaviour.Cooldowns;
import io.crowsnest.behaviour.Detector;
import io.crowsnest.behaviour.FlowRecord;
import io.crowsnest.behaviour.TxRecord;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * UDP reflection / amplification: somebody spoofs a victim's address, so servers (DNS, memcached, NTP,
 * SSDP, CharGEN …) send the victim far more than "it" asked for. The victim is the flows' client; the
 * reflectors are their servers. Per victim and fixed window (starting at the victim's first record):
 *
 * <ul>
 *   <li>sid 9202001 DNS amplification: response/request byte ratio of UDP DNS flows (app proto "dns" or
 *       server port 53) ≥ {@code dns_ratio} and response bytes ≥ {@code dns_min_response_bytes};</li>
 *   <li>sid 9202002 amplifying DNS queries: queries of type ANY or with an EDNS0 buffer ≥
 *       {@code dns_large_edns} ≥ {@code dns_amplifying_queries};</li>
 *   <li>sid 9202003 unsolicited DNS answers: answers to this address with no query seen ≥
 *       {@code unsolicited_answers};</li>
 *   <li>sid 9202004 UDP reflector: per (victim, reflector port) for memcached 11211, NTP 123, SSDP 1900,
 *       CharGEN 19, QOTD 17, CLDAP 389, SNMP 161: bytes to client / bytes to server ≥ {@code udp_ratio} and
 *       bytes to client ≥ {@code udp_min_response_bytes}.</li>
 * </ul>
 *
 * <p>The alert's source is the reflector that sent the most bytes, its destination the victim. One alert
 * per (variant, victim[, port]) per cooldown.
 *
 * <p>Thresholds ({@code reflection.KEY}, default, meaning):
 * <ul>
 *   <li>{@code window_s} 60 — window length, seconds;</li>
 *   <li>{@code dns_ratio} 5 — DNS response bytes per request byte;</li>
 *   <li>{@code dns_min_response_bytes} 20480 — DNS response bytes a victim must receive in the window;</li>
 *   <li>{@code dns_amplifying_queries} 20 — ANY / large-EDNS queries per victim and window;</li>
 *   <li>{@code dns_large_edns} 4096 — EDNS0 buffer size that counts as "large";</li>
 *   <li>{@code unsolicited_answers} 10 — DNS answers nobody asked for, per victim and window;</li>
 *   <li>{@code udp_ratio} 10 — other reflectors: bytes to client per byte to server;</li>
 *   <li>{@code udp_min_response_bytes} 20480 — other reflectors: bytes to client in the window;</li>
 *   <li>{@code cooldown_s} 600 — at most one alert per variant and victim in this time.</li>
 * </ul>
 */
public final class ReflectionDetector implements Detector {
    public static final long SID_DNS_AMPLIFICATION = 9202001;
    public static final long SID_DNS_AMPLIFYING_QUERIES = 9202002;
    public static final long SID_DNS_UNSOLICITED = 9202003;
    public static final long SID_UDP_REFLECTOR = 9202004;

    static final String NAME = "reflection";
    static final String CLASSTYPE = "Attempted Denial of Service";
    static final int SEVERITY = 2;
    /** Server ports of UDP services that answer a small request with a large reply, and their names. */
    static final Map<Integer, String> REFLECTOR_PORTS = Map.of(
            11211, "memcached", 123, "ntp", 1900, "ssdp", 19, "chargen", 17, "qotd", 389, "cldap", 161, "snmp");
    private static final long SWEEP_NANOS = 10_000_000_000L;

    private final double dnsRatio;
    private final double dnsMinResponseBytes;
    private final double dnsAmplifyingQueries;
    private final int dnsLargeEdns;
    private final double unsolicitedAnswers;
    private final double udpRatio;
    private final double udpMinResponseBytes;
    private final long windowNanos;
    private final Cooldowns cooldowns;
    private final double windowSeconds;

    /** DNS per victim address. */
    private final BoundedMap<String, ReflectionWindow> dnsByVictim;
    /** Other reflectors per "victim|port". */
    private final BoundedMap<String, ReflectionWindow> udpByVictimPort;
    /** Last alert time per "variant|victim[|port]". */
    private long lastSweep;

    public ReflectionDetector(BehaviourContext ctx) {
        BehaviourConfig cfg = ctx.config();
        windowSeconds = cfg.num("reflection.window_s", 60);
        dnsRatio = cfg.num("reflection.dns_ratio", 5);
        dnsMinResponseBytes = cfg.num("reflection.dns_min_response_bytes", 20480);
        dnsAmplifyingQueries = cfg.num("reflection.dns_amplifying_queries", 20);
        dnsLargeEdns = cfg.integer("reflection.dns_large_edns", 4096);
        unsolicitedAnswers = cfg.num("reflection.unsolicited_answers", 10);
        udpRatio = cfg.num("reflection.udp_ratio", 10);
        udpMinResponseBytes = cfg.num("reflection.udp_min_response_bytes", 20480);
        windowNanos = (long) (windowSeconds * 1e9);
        cooldowns = new Cooldowns(cfg, "reflection");
        dnsByVictim = new BoundedMap<>(cfg.maxKeys());
        udpByVictimPort = new BoundedMap<>(cfg.maxKeys());
    }

    @Override
    public String name() {
        return NAME;
    }

    static boolean isDns(FlowRecord f) {
        return f.proto == 17 && ("dns".equals(f.appProto) || f.serverPort == 53);
    }

    @Override
    public void flow(FlowRecord f, AlertSink out) {
        if (f.proto != 17 || f.client == null) {
            return;
        }
        long ts = time(f.startNanos, f.endNanos);
        if (isDns(f)) {
            ReflectionWindow w = window(dnsByVictim, f.client, ts);
            count(w, f);
            boolean amplified = w.responseBytes >= dnsMinResponseBytes && w.ratio() >= dnsRatio;
            if (amplified && !coolingDown("dns|" + f.client, ts)) {
                out.alert(alert(ts, SID_DNS_AMPLIFICATION,
                        "CROWSNEST BEHAVIOUR DNS amplification toward a spoofed victim", w, f.client, f.clientPort,
                        53, "dns", round(w.ratio()), dnsRatio, 5)
                        .fact("request_bytes", w.requestBytes)
                        .fact("response_bytes", w.responseBytes)
                        .fact("min_response_bytes", (long) dnsMinResponseBytes)
                        .fact("amplifying_queries", w.amplifyingQueries)
                        .fact("reflectors", w.reflectors())
                        .fact("flows", w.flows)
                        .build());
            }
            return;
        }
        String service = REFLECTOR_PORTS.get(f.serverPort);
        if (service == null) {
            return;
        }
        ReflectionWindow w = window(udpByVictimPort, f.client + "|" + f.serverPort, ts);
        count(w, f);
        boolean amplified = w.responseBytes >= udpMinResponseBytes && w.ratio() >= udpRatio;
        if (amplified && !coolingDown("udp|" + f.client + "|" + f.serverPort, ts)) {
            out.alert(alert(ts, SID_UDP_REFLECTOR,
                    "CROWSNEST BEHAVIOUR UDP " + service + " reflection toward a spoofed victim", w, f.client,
                    f.clientPort, f.serverPort, service, round(w.ratio()), udpRatio, 10)
                    .fact("service", service)
                    .fact("request_bytes", w.requestBytes)
                    .fact("response_bytes", w.responseBytes)
                    .fact("min_response_bytes", (long) udpMinResponseBytes)
                    .fact("reflectors", w.reflectors())
                    .fact("flows", w.flows)
                    .build());
        }
    }

    private static void count(ReflectionWindow w, FlowRecord f) {
        w.requestBytes += f.bytesToServer;
        w.responseBytes += f.bytesToClient;
        w.flows++;
        w.reflector(f.server, f.bytesToClient);
        w.top.add(f.describe());
    }

    @Override
    public void tx(TxRecord t, AlertSink out) {
        if (!"dns".equals(t.proto) || t.client == null) {
            return;
        }
        long ts = time(t.startNanos, t.endNanos);
        boolean unsolicited = t.dnsResponse && !t.dnsQuerySeen;
        boolean amplifying = !unsolicited && (t.ednsSize >= dnsLargeEdns
                || "ANY".equalsIgnoreCase(t.dnsType));
        if (!unsolicited && !amplifying) {
            return; // ordinary queries create no state
        }
        ReflectionWindow w = window(dnsByVictim, t.client, ts);
        w.reflector(t.server, 0);
        w.top.add(t.describe());
        w.lastName = t.dnsName;
        if (unsolicited) {
            w.unsolicitedAnswers++;
            if (w.unsolicitedAnswers >= unsolicitedAnswers && !coolingDown("unsolicited|" + t.client, ts)) {
                out.alert(alert(ts, SID_DNS_UNSOLICITED,
                        "CROWSNEST BEHAVIOUR DNS answers to an address that never asked (reflection)", w,
                        t.client, t.clientPort, t.serverPort, "dns", w.unsolicitedAnswers, unsolicitedAnswers, 10)
                        .fact("unsolicited_answers", w.unsolicitedAnswers)
                        .fact("reflectors", w.reflectors())
                        .fact("sample", w.lastName)
                        .build());
            }
        } else {
            w.amplifyingQueries++;
            if (w.amplifyingQueries >= dnsAmplifyingQueries && !coolingDown("any|" + t.client, ts)) {
                out.alert(alert(ts, SID_DNS_AMPLIFYING_QUERIES,
                        "CROWSNEST BEHAVIOUR DNS ANY / large-EDNS queries in the name of one address", w,
                        t.client, t.clientPort, t.serverPort, "dns", w.amplifyingQueries, dnsAmplifyingQueries, 20)
                        .fact("amplifying_queries", w.amplifyingQueries)
                        .fact("large_edns", dnsLargeEdns)
                        .fact("response_bytes", w.responseBytes)
                        .fact("reflectors", w.reflectors())
                        .fact("sample", sample(t))
                        .build());
            }
        }
    }

    /** The key's current window, a fresh one when the old one ended; late records count in the current one. */
    private ReflectionWindow window(BoundedMap<String, ReflectionWindow> table, String key, long ts) {
        ReflectionWindow w = table.get(key);
        if (w == null || ts - w.start >= windowNanos) {
            w = new ReflectionWindow(ts);
            table.put(key, w);
        }
        return w;
    }

    /** True when the key alerted less than a cooldown ago; otherwise records {@code ts} as its alert time. */
    private boolean coolingDown(String key, long ts) {
        return !cooldowns.tryAlert(key, ts);
    }

    /** The facts every reflection alert has; the caller adds its variant's own. */
    private BehaviourAlert.Builder alert(long ts, long sid, String msg, ReflectionWindow w, String victim,
                                         int victimPort, int port, String app, Object observed, double threshold,
                                         double dflt) {
        String reflector = w.topReflector();
        return BehaviourAlert.of(NAME, sid, msg)
                .classtype(CLASSTYPE, SEVERITY)
                .at(ts)
                .src(reflector, port)
                .dst(victim, victimPort)
                .proto(17, app)
                .window(windowSeconds)
                .observed(observed)
                .baseline(threshold)
                .fact("baseline_source", threshold == dflt ? "default" : "config")
                .threshold(threshold)
                .topFlows(w.top.list())
                .fact("victim", victim)
                .fact("top_reflector", reflector);
    }

    private static String sample(TxRecord t) {
        return t.dnsType + " " + t.dnsName + (t.ednsSize > 0 ? " edns=" + t.ednsSize : "");
    }

    @Override
    public void tick(long now, AlertSink out) {
        if (now - lastSweep < SWEEP_NANOS) {
            return;
        }
        lastSweep = now;
        // windows that ended hold nothing an alert could still use; drop them so idle victims cost nothing
        dnsByVictim.values().removeIf(w -> now - w.start >= windowNanos);
        udpByVictimPort.values().removeIf(w -> now - w.start >= windowNanos);
        cooldowns.sweep(now);
    }

    @Override
    public Map<String, Long> stats() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("dns_victims_tracked", (long) dnsByVictim.size());
        m.put("dns_victims_evicted", dnsByVictim.evictions());
        m.put("udp_victim_ports_tracked", (long) udpByVictimPort.size());
        m.put("udp_victim_ports_evicted", udpByVictimPort.evictions());
        cooldowns.stats(m);
        return m;
    }

    static long time(long start, long end) {
        return end > 0 ? end : start;
    }

    static double round(double v) {
        return Math.round(v * 100.0) / 100.0;
    }
}
