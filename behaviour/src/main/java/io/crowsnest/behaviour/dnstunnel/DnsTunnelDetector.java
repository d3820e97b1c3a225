package io.crowsnest.behaviour.dnstunnel;

import io.crowsnest.behaviour.AlertSink;
import io.crowsnest.behaviour.BehaviourAlert;
import io.crowsnest.behaviour.BehaviourConfig;
import io.crowsnest.behaviour.BehaviourContext;
import io.crowsnest.behaviour.BoundedMap;
import io.crowsnest.behaviour.Cooldowns;
import io.crowsnest.behaviour.Detector;
import io.crowsnest.behaviour.TxRecord;
import io.crowsnest.behaviour.profile.WorkloadProfile;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * DNS tunnels and DNS exfiltration: a client asking one domain for many different names whose leftmost
 * labels carry encoded data (long, random-looking), or simply a lot of distinct name bytes. Per (client,
 * base domain) and fixed window (from the first query): distinct names, mean length and Shannon entropy
 * of the longest label left of the base domain, mean name length, share of unusual record types (TXT,
 * NULL, CNAME, MX, ANY, private), and bytes of distinct names.
 *
 * <ul>
 *   <li>sid 9206001 encoded subdomains: distinct names ≥ {@code min_unique} and (mean longest-label length ≥
 *       {@code min_label_length} or mean entropy ≥ {@code min_entropy});</li>
 *   <li>sid 9206002 volume: distinct names ≥ {@code min_unique} and distinct-name bytes ≥
 *       {@code min_qname_bytes}.</li>
 * </ul>
 * One alert per (client, base domain) per cooldown, whichever sid fires first.
 *
 * <p>Not counted: names in the client's baseline {@code dns_names}; names under {@code cluster.local}
 * (answered inside the cluster, so they cannot reach an attacker's name server; the search-path
 * expansions of a tunnel name would otherwise alert a second time) and under {@code .arpa} (reverse
 * lookups); answers nobody asked for. The base domain is the last two labels, three under a country
 * code's second level (example.co.uk).
 *
 * <p>Thresholds ({@code dns-tunnel.KEY}, default, meaning):
 * <ul>
 *   <li>{@code window_s} 300 — window length, seconds;</li>
 *   <li>{@code min_unique} 30 — distinct names under one base domain per client and window;</li>
 *   <li>{@code min_label_length} 25 — mean length of the longest subdomain label, characters;</li>
 *   <li>{@code min_entropy} 3.5 — mean Shannon entropy of that label, bits per character;</li>
 *   <li>{@code min_qname_bytes} 10240 — bytes of distinct names per window (volume variant);</li>
 *   <li>{@code cooldown_s} 600 — at most one alert per client and base domain in this time.</li>
 * </ul>
 */
public final class DnsTunnelDetector implements Detector {
    public static final long SID_ENCODED_SUBDOMAINS = 9206001;
    public static final long SID_VOLUME = 9206002;

    static final String NAME = "dns-tunnel";
    static final String CLASSTYPE = "Potentially Bad Traffic";
    static final int SEVERITY = 2;
    private static final double DEFAULT_MIN_UNIQUE = 30;
    private static final long SWEEP_NANOS = 10_000_000_000L;

    private final BehaviourContext ctx;
    private final double windowSeconds;
    private final long windowNanos;
    private final double minUnique;
    private final double minLabelLength;
    private final double minEntropy;
    private final double minQnameBytes;
    private final Cooldowns cooldowns;
    /** Per "client|base domain". */
    private final BoundedMap<String, DomainWindow> windows;
    private long baselineNames;
    private long lastSweep;

    public DnsTunnelDetector(BehaviourContext ctx) {
        this.ctx = ctx;
        BehaviourConfig cfg = ctx.config();
        windowSeconds = cfg.num("dns-tunnel.window_s", 300);
        windowNanos = (long) (windowSeconds * 1e9);
        minUnique = cfg.num("dns-tunnel.min_unique", DEFAULT_MIN_UNIQUE);
        minLabelLength = cfg.num("dns-tunnel.min_label_length", 25);
        minEntropy = cfg.num("dns-tunnel.min_entropy", 3.5);
        minQnameBytes = cfg.num("dns-tunnel.min_qname_bytes", 10240);
        cooldowns = new Cooldowns(cfg, "dns-tunnel");
        windows = new BoundedMap<>(cfg.maxKeys());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void tx(TxRecord t, AlertSink out) {
        if (!"dns".equals(t.proto) || t.client == null || (t.dnsResponse && !t.dnsQuerySeen)) {
            return;
        }
        String name = DomainNames.normalise(t.dnsName);
        if (name == null || name.endsWith("cluster.local") || name.endsWith(".arpa")) {
            return;
        }
        String base = DomainNames.base(name);
        if (base.length() == name.length()) {
            return; // no subdomain, no room for data
        }
        long ts = t.endNanos > 0 ? t.endNanos : t.startNanos;
        WorkloadProfile normal = ctx.baseline(t.client, ts);
        if (normal != null && (normal.dnsNames.contains(name) || normal.dnsNames.contains(name + "."))) {
            baselineNames++;
            return;
        }
        String key = t.client + "|" + base;
        DomainWindow w = windows.get(key);
        if (w == null || ts - w.start >= windowNanos) {
            w = new DomainWindow(ts);
            windows.put(key, w);
        }
        w.queries++;
        if (DomainNames.unusualType(t.dnsType)) {
            w.unusualTypes++;
        }
        w.clientPort = t.clientPort;
        w.server = t.server;
        w.serverPort = t.serverPort;
        int added = w.unique.add(DomainNames.hash(name));
        if (added == HashSet64.PRESENT) {
            return; // a repeat adds no data, and changes no decision
        }
        w.qnameBytes += name.length();
        if (added == HashSet64.ADDED) {
            w.measure(name, DomainNames.longestLabel(name, base));
            w.top.add(t.describe());
        } else {
            w.uniqueCapped = true; // repeats can no longer be told apart: every name counts as new bytes
        }
        if (w.uniqueNames() < minUnique) {
            return;
        }
        boolean encoded = w.meanLabelLength() >= minLabelLength || w.meanEntropy() >= minEntropy;
        boolean volume = w.qnameBytes >= minQnameBytes;
        if ((encoded || volume) && !coolingDown(key, ts)) {
            out.alert(alert(t, w, base, encoded ? SID_ENCODED_SUBDOMAINS : SID_VOLUME, normal, ts));
        }
    }

    private BehaviourAlert alert(TxRecord t, DomainWindow w, String base, long sid, WorkloadProfile normal,
                                 long ts) {
        String msg = sid == SID_ENCODED_SUBDOMAINS
                ? "CROWSNEST BEHAVIOUR DNS tunnel: many long random-looking subdomains of one domain"
                : "CROWSNEST BEHAVIOUR DNS exfiltration: high volume of distinct query names to one domain";
        BehaviourAlert.Builder b = BehaviourAlert.of(NAME, sid, msg)
                .classtype(CLASSTYPE, SEVERITY)
                .at(ts)
                .src(t.client, w.clientPort)
                .dst(w.server, w.serverPort)
                .proto(17, "dns")
                .window(windowSeconds)
                .observed((long) w.uniqueNames());
        if (normal != null) {
            // the client has a baseline: how many names under this domain it normally asks for
            b.baseline(learnedNamesUnder(normal, base)).fact("baseline_source", "profile");
        } else {
            b.baseline(minUnique).fact("baseline_source", minUnique == DEFAULT_MIN_UNIQUE ? "default" : "config");
        }
        return b.threshold(minUnique)
                .topFlows(w.top.list())
                .fact("base_domain", base)
                .fact("unique_subdomains", (long) w.uniqueNames())
                .fact("unique_capped", w.uniqueCapped ? Boolean.TRUE : null)
                .fact("mean_label_length", round(w.meanLabelLength()))
                .fact("mean_entropy", round(w.meanEntropy()))
                .fact("mean_name_length", round(w.meanNameLength()))
                .fact("unusual_type_share", round(w.unusualTypeShare()))
                .fact("qname_bytes", w.qnameBytes)
                .fact("queries", w.queries)
                .fact("thresholds", "label_length>=" + minLabelLength + " or entropy>=" + minEntropy
                        + " (sid " + SID_ENCODED_SUBDOMAINS + "), qname_bytes>=" + (long) minQnameBytes
                        + " (sid " + SID_VOLUME + ")")
                .fact("sample", w.samples)
                .build();
    }

    static long learnedNamesUnder(WorkloadProfile p, String base) {
        long n = 0;
        for (String name : p.dnsNames) {
            String norm = DomainNames.normalise(name);
            if (norm != null && (norm.equals(base) || norm.endsWith("." + base))) {
                n++;
            }
        }
        return n;
    }

    private boolean coolingDown(String key, long ts) {
        return !cooldowns.tryAlert(key, ts);
    }

    @Override
    public void tick(long now, AlertSink out) {
        if (now - lastSweep < SWEEP_NANOS) {
            return;
        }
        lastSweep = now;
        windows.values().removeIf(w -> now - w.start >= windowNanos);
        cooldowns.sweep(now);
    }

    @Override
    public Map<String, Long> stats() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("client_domains_tracked", (long) windows.size());
        m.put("client_domains_evicted", windows.evictions());
        m.put("baseline_names_skipped", baselineNames);
        cooldowns.stats(m);
        return m;
    }

    static double round(double v) {
        return Math.round(v * 100.0) / 100.0;
    }
}
