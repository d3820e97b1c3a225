package io.crowsnest.behaviour.fanout;

import io.crowsnest.behaviour.AlertSink;
import io.crowsnest.behaviour.BehaviourAlert;
import io.crowsnest.behaviour.BehaviourContext;
import io.crowsnest.behaviour.BehaviourConfig;
import io.crowsnest.behaviour.BoundedMap;
import io.crowsnest.behaviour.Detector;
import io.crowsnest.behaviour.TxRecord;
import io.crowsnest.behaviour.profile.EndpointProfile;
import io.crowsnest.behaviour.profile.Sampler;
import io.crowsnest.behaviour.profile.WorkloadProfile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Request fan-out amplification: a request that makes a service issue far more downstream transactions
 * (Redis, SQL, HTTP to other services) than its endpoint normally causes — a small request turned into
 * a flood on the datastore, each piece of which looks legitimate.
 *
 * <p>Each inbound HTTP request is joined to the downstream calls the service made while serving it
 * ({@link FanoutJoin}) and compared with the endpoint's normal fan-out:
 * <ul>
 * <li>with a baseline: limit = {@code fanout_limit} from the profile if set, else
 *     max({@code fanout.min_calls} = 10, {@code fanout.factor} = 5 × p99);</li>
 * <li>without one: learned online after {@code fanout.warmup} = 30 requests per endpoint (the same
 *     formula over the requests seen so far that did not alert), and before that the absolute
 *     {@code fanout.absolute} = 50 calls per request.</li>
 * </ul>
 * sid 9201001: one request over the limit. sid 9201002: one source drove more than {@code fanout.source_factor}
 * = 3 × the fan-out its requests normally cause, and at least {@code fanout.source_min_calls} = 200 calls, within
 * {@code fanout.window_s} = 60 s (each request only mildly heavy). sid 9201003: a response larger than
 * max({@code fanout.min_response_bytes} = 65536, {@code fanout.bytes_factor} = 10 × p99 of the endpoint's
 * responses) — the bytes side of amplification. One alert per (source, service, endpoint, sid) per
 * {@code fanout.cooldown_s} = 600 s; later offending requests are counted in the next alert.
 */
public final class FanoutDetector implements Detector {
    static final long SID_REQUEST = 9201001, SID_SOURCE = 9201002, SID_BYTES = 9201003;
    private static final String CLASSTYPE = "Attempted Denial of Service";

    private final BehaviourContext ctx;
    private final FanoutJoin join;
    private final double minCalls, factor, absolute, sourceFactor, sourceMinCalls, minResponseBytes, bytesFactor;
    private final int warmup;
    private final long windowNanos, cooldownNanos;
    /** Endpoint fan-out learned online (service + endpoint → sample of non-alerting requests). */
    private final BoundedMap<String, Sampler> online;
    /** Per (source, service): calls driven and calls expected in the current window. */
    private final BoundedMap<String, SourceWindow> sources;
    /** Last alert time per (sid, source, service, endpoint) and requests suppressed since. */
    private final BoundedMap<String, long[]> cooldown;

    private static final class SourceWindow {
        long start;
        double calls;
        double expected;
        int requests;
        final List<String> sample = new ArrayList<>();
    }

    public FanoutDetector(BehaviourContext ctx) {
        this.ctx = ctx;
        BehaviourConfig c = ctx.config();
        this.minCalls = c.num("fanout.min_calls", 10);
        this.factor = c.num("fanout.factor", 5);
        this.absolute = c.num("fanout.absolute", 50);
        this.warmup = c.integer("fanout.warmup", 30);
        this.sourceFactor = c.num("fanout.source_factor", 3);
        this.sourceMinCalls = c.num("fanout.source_min_calls", 200);
        this.minResponseBytes = c.num("fanout.min_response_bytes", 65536);
        this.bytesFactor = c.num("fanout.bytes_factor", 10);
        this.windowNanos = (long) (c.num("fanout.window_s", 60) * 1e9);
        this.cooldownNanos = (long) (c.num("fanout.cooldown_s", 600) * 1e9);
        this.online = new BoundedMap<>(c.maxKeys());
        this.sources = new BoundedMap<>(c.maxKeys());
        this.cooldown = new BoundedMap<>(c.maxKeys());
        this.join = new FanoutJoin(ctx, this::served);
    }

    @Override
    public String name() {
        return "fanout";
    }

    @Override
    public void tx(TxRecord t, AlertSink out) {
        join.tx(t, out);
    }

    @Override
    public void tick(long now, AlertSink out) {
        join.tick(now, out);
    }

    @Override
    public void finish(long now, AlertSink out) {
        join.finish(out);
    }

    /** The limit for one request of an endpoint, with where its baseline came from. */
    private static final class Limit {
        double limit;
        Double baseline;
        String source;
        EndpointProfile profile;
    }

    private Limit limit(FanoutJoin.Served s) {
        Limit l = new Limit();
        WorkloadProfile wp = ctx.profile().workload(s.service);
        EndpointProfile ep = wp == null ? null : wp.endpoints.get(s.endpoint);
        if (ep != null && ep.fanout != null) {
            l.profile = ep;
            l.baseline = ep.fanout.p99;
            l.source = "profile";
            l.limit = ep.fanoutLimit != null ? ep.fanoutLimit : Math.max(minCalls, factor * ep.fanout.p99);
            return l;
        }
        Sampler sm = online.get(s.service + " " + s.endpoint);
        if (sm != null && sm.count() >= warmup) {
            double p99 = sm.quantile(0.99);
            l.baseline = p99;
            l.source = "learned online (" + sm.count() + " requests)";
            l.limit = Math.max(minCalls, factor * p99);
            return l;
        }
        l.source = "default";
        l.limit = absolute;
        return l;
    }

    private void served(FanoutJoin.Served s, AlertSink out) {
        TxRecord in = s.request;
        Limit l = limit(s);
        boolean heavy = s.fanout > l.limit;
        if (heavy) {
            raise(out, SID_REQUEST, in, s, "request fan-out far above the endpoint's normal",
                    s.fanout, l, l.limit, s.sample);
        } else if (l.profile == null) {
            online.computeIfAbsent(s.service + " " + s.endpoint, k -> new Sampler(256)).add(s.fanout);
        }
        if (!heavy) {
            // a request over the limit has its own alert; the aggregate is for the mildly heavy ones
            sourceWindow(s, l, out);
        }
        if (l.profile != null && l.profile.responseBytes != null && l.profile.responseBytes.count > 0) {
            double bytesLimit = Math.max(minResponseBytes, bytesFactor * l.profile.responseBytes.p99);
            if (in.responseBytes > bytesLimit) {
                Limit bl = new Limit();
                bl.baseline = l.profile.responseBytes.p99;
                bl.source = "profile";
                raise(out, SID_BYTES, in, s, "response bytes far above the endpoint's normal",
                        in.responseBytes, bl, bytesLimit, List.of(in.describe() + " " + in.method + " " + in.uri));
            }
        }
    }

    private void sourceWindow(FanoutJoin.Served s, Limit l, AlertSink out) {
        TxRecord in = s.request;
        SourceWindow w = sources.computeIfAbsent(in.client + " " + s.service, k -> new SourceWindow());
        if (in.endNanos - w.start > windowNanos) {
            w.start = in.endNanos;
            w.calls = w.expected = w.requests = 0;
            w.sample.clear();
        }
        w.calls += s.fanout;
        w.expected += l.baseline != null ? Math.max(1, l.baseline) : Math.max(1, l.limit / factor);
        w.requests++;
        if (w.sample.size() < 3 && s.fanout > (l.baseline != null ? l.baseline : 1)) {
            // evidence only from requests heavier than normal: an aggregate alert cites those
            w.sample.add(in.method + " " + in.uri + " -> " + s.fanout + " calls");
        }
        double threshold = Math.max(sourceMinCalls, sourceFactor * w.expected);
        if (w.calls > threshold) {
            Limit sl = new Limit();
            sl.baseline = Math.round(w.expected * 100) / 100.0;
            sl.source = l.source;
            raise(out, SID_SOURCE, in, s, "one source drives downstream load far above its requests' normal",
                    w.calls, sl, threshold, w.sample);
            w.start = in.endNanos;
            w.calls = w.expected = w.requests = 0;
            w.sample.clear();
        }
    }

    private void raise(AlertSink out, long sid, TxRecord in, FanoutJoin.Served s, String what, double observed,
                       Limit l, double threshold, List<String> evidence) {
        String key = sid + " " + in.client + " " + s.service + " " + s.endpoint;
        long[] last = cooldown.get(key);
        if (last != null && in.endNanos - last[0] < cooldownNanos) {
            last[1]++;
            return;
        }
        long suppressed = last == null ? 0 : last[1];
        cooldown.put(key, new long[] {in.endNanos, 0});
        Map<String, Integer> backends = new LinkedHashMap<>(s.backends);
        BehaviourAlert.Builder b = BehaviourAlert.of(name(), sid, "CROWSNEST BEHAVIOUR fan-out amplification: " + what)
                .classtype(CLASSTYPE, 2)
                .at(in.endNanos)
                .src(in.client, in.clientPort)
                .dst(in.server, in.serverPort)
                .proto(6, "http")
                .window(sid == SID_SOURCE ? windowNanos / 1e9 : Math.max(0, in.endNanos - in.startNanos) / 1e9)
                .fact("endpoint", s.endpoint)
                .fact("service", s.service)
                .observed(observed)
                .baseline(l.baseline)
                .fact("baseline_source", l.source)
                .threshold(Math.round(threshold * 100) / 100.0);
        if (l.baseline != null) {
            b.fact("ratio", Math.round(observed / Math.max(1, l.baseline) * 10) / 10.0);
        }
        b.fact("backends", backends.isEmpty() ? null : backends)
                .fact("suppressed_since_last", suppressed > 0 ? suppressed : null)
                .topFlows(evidence);
        out.alert(b.build());
    }

    @Override
    public Map<String, Long> stats() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("workloads_tracked", (long) join.workloadsTracked());
        m.put("workloads_evicted", join.workloadsEvicted());
        m.put("calls_dropped", join.callsDropped());
        m.put("requests_dropped", join.pendingDropped());
        m.put("sources_evicted", sources.evictions());
        m.put("endpoints_evicted", online.evictions());
        return m;
    }
}
