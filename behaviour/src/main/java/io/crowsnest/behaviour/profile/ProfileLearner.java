package io.crowsnest.behaviour.profile;

import io.crowsnest.behaviour.AlertSink;
import io.crowsnest.behaviour.BehaviourContext;
import io.crowsnest.behaviour.BoundedMap;
import io.crowsnest.behaviour.FlowRecord;
import io.crowsnest.behaviour.Observer;
import io.crowsnest.behaviour.TxRecord;
import io.crowsnest.behaviour.beacon.Periodicity;
import io.crowsnest.behaviour.fanout.FanoutJoin;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Learns a {@link Profile} from the record stream ({@code crowsnest baseline learn}). Everything it keeps
 * is capped: workloads ({@code profile.max_workloads}, 10,000), edges and DNS names per workload (512 /
 * 1,024), endpoints per workload (256), 1,024 samples per distribution; what a cap drops is counted in
 * the profile's {@code truncated} section, so a user sees that the baseline is partial.
 */
public final class ProfileLearner implements Observer {
    static final int MAX_EDGES = 512;
    static final int MAX_NAMES = 1024;
    static final int MAX_ENDPOINTS = 256;
    static final int MAX_STARTS = 64;
    static final long MINUTE = 60_000_000_000L;

    /** Learning state of one workload (the profile is derived from it at the end). */
    private static final class Learning {
        final WorkloadProfile p = new WorkloadProfile();
        final Map<String, Sampler[]> endpoints = new TreeMap<>();
        long minute = -1;
        long requests, bytesOut, bytesIn;
        final Sampler reqRate = new Sampler(1024), outRate = new Sampler(1024), inRate = new Sampler(1024);
    }

    /** Flow start times per outbound edge, for the periodic-edge list. */
    private static final class Starts {
        long[] t = new long[4];
        int n;

        void add(long start) {
            if (n == t.length) {
                t = java.util.Arrays.copyOf(t, Math.min(MAX_STARTS, n * 2));
            }
            t[n++] = start;
        }
    }

    private final BehaviourContext ctx;
    private final BoundedMap<String, Learning> workloads;
    private final BoundedMap<String, Starts> edgeStarts;
    private final FanoutJoin join;
    private final Map<String, Long> truncated = new TreeMap<>();
    private final java.util.List<String> sources = new java.util.ArrayList<>();
    private long first = Long.MAX_VALUE, last = Long.MIN_VALUE;

    public ProfileLearner(BehaviourContext ctx) {
        this.ctx = ctx;
        int maxWorkloads = ctx.config().integer("profile.max_workloads", 10_000);
        this.workloads = new BoundedMap<>(maxWorkloads);
        this.edgeStarts = new BoundedMap<>(Math.max(1024, maxWorkloads * 8));
        this.join = new FanoutJoin(ctx, (s, out) -> served(s));
    }

    public void learnedFrom(String source) {
        sources.add(source);
    }

    private Learning w(String key) {
        return workloads.computeIfAbsent(key, k -> new Learning());
    }

    private void add(Set<String> set, String v, String what) {
        if (set.contains(v)) {
            return;
        }
        if (set.size() >= (what.equals("dns_names") ? MAX_NAMES : MAX_EDGES)) {
            truncated.merge(what, 1L, Long::sum);
            return;
        }
        set.add(v);
    }

    private void time(long t) {
        if (t > 0) {
            first = Math.min(first, t);
            last = Math.max(last, t);
        }
    }

    @Override
    public void flow(FlowRecord f, AlertSink out) {
        time(f.startNanos);
        time(f.endNanos);
        boolean conversation = f.exchangedData() || (f.proto == 17 && f.pktsToClient > 0);
        if (!conversation) {
            return; // failed attempts are not normal behaviour to learn
        }
        String c = ctx.key(f.client, f.startNanos), s = ctx.key(f.server, f.startNanos);
        String t = f.transport();
        Learning lc = w(c), ls = w(s);
        add(lc.p.talksTo, WorkloadProfile.edge(s, t, f.serverPort), "talks_to");
        add(ls.p.heardFrom, WorkloadProfile.edge(c, t, f.serverPort), "heard_from");
        add(ls.p.serves, t + "/" + f.serverPort, "serves");
        if (f.appProto != null) {
            add(lc.p.appProtos, f.appProto, "app_protos");
            add(ls.p.appProtos, f.appProto, "app_protos");
        }
        rate(lc, f.startNanos).bytesOut += f.bytesToServer;
        lc.bytesIn += f.bytesToClient;
        rate(ls, f.startNanos).bytesIn += f.bytesToServer;
        ls.bytesOut += f.bytesToClient;
        Starts st = edgeStarts.computeIfAbsent(c + "\u0000" + WorkloadProfile.edge(s, t, f.serverPort), k -> new Starts());
        if (st.n < MAX_STARTS) {
            st.add(f.startNanos);
        }
    }

    /** Rolls the per-minute counters of a workload to the minute of {@code t}. */
    private Learning rate(Learning l, long t) {
        long m = t / MINUTE;
        // records arrive roughly in time order (a flow is reported when it ends): only roll forward,
        // a late record counts in the current minute
        if (m > l.minute) {
            if (l.minute >= 0) {
                l.reqRate.add(l.requests);
                l.outRate.add(l.bytesOut);
                l.inRate.add(l.bytesIn);
            }
            l.minute = m;
            l.requests = l.bytesOut = l.bytesIn = 0;
        }
        return l;
    }

    @Override
    public void tx(TxRecord t, AlertSink out) {
        time(t.endNanos);
        if ("dns".equals(t.proto) && t.dnsName != null && t.client != null) {
            add(w(ctx.key(t.client, t.endNanos)).p.dnsNames, t.dnsName.toLowerCase(java.util.Locale.ROOT), "dns_names");
        }
        if ("http".equals(t.proto) && t.server != null) {
            rate(w(ctx.key(t.server, t.endNanos)), t.endNanos).requests++;
        }
        join.tx(t, out);
    }

    private void served(FanoutJoin.Served s) {
        Learning l = w(s.service);
        Sampler[] e = l.endpoints.get(s.endpoint);
        if (e == null) {
            if (l.endpoints.size() >= MAX_ENDPOINTS) {
                truncated.merge("endpoints", 1L, Long::sum);
                return;
            }
            e = new Sampler[] {new Sampler(1024), new Sampler(1024)};
            l.endpoints.put(s.endpoint, e);
            l.p.endpoints.put(s.endpoint, new EndpointProfile());
        }
        e[0].add(s.fanout);
        e[1].add(s.request.responseBytes);
        EndpointProfile ep = l.p.endpoints.get(s.endpoint);
        for (String b : s.backends.keySet()) {
            if (ep.backends.size() < 32) {
                ep.backends.add(b);
            }
        }
    }

    @Override
    public void tick(long now, AlertSink out) {
        join.tick(now, out);
    }

    @Override
    public void finish(long now, AlertSink out) {
        join.finish(out);
    }

    /** The profile learned so far (call after {@link #finish}). */
    public Profile profile() {
        Profile p = new Profile();
        p.learnedFrom.addAll(sources);
        if (first != Long.MAX_VALUE) {
            p.start = Instant.ofEpochSecond(first / 1_000_000_000L, first % 1_000_000_000L).toString();
            p.end = Instant.ofEpochSecond(last / 1_000_000_000L, last % 1_000_000_000L).toString();
            p.seconds = Math.round((last - first) / 1e7) / 100.0;
        }
        for (Map.Entry<String, Starts> e : edgeStarts.entrySet()) {
            Starts st = e.getValue();
            if (Periodicity.regular(st.t, st.n, 6, 1.0, 0.3, 0.8)) {
                int sep = e.getKey().indexOf('\u0000');
                Learning l = workloads.get(e.getKey().substring(0, sep));
                if (l != null) {
                    l.p.periodic.add(e.getKey().substring(sep + 1));
                }
            }
        }
        for (Map.Entry<String, Learning> e : workloads.entrySet()) {
            Learning l = e.getValue();
            if (l.minute >= 0) {
                l.reqRate.add(l.requests);
                l.outRate.add(l.bytesOut);
                l.inRate.add(l.bytesIn);
                l.minute = -1;
                l.requests = l.bytesOut = l.bytesIn = 0;
            }
            if (l.reqRate.count() > 0 && l.reqRate.stats().max > 0) {
                l.p.requestsPerMin = l.reqRate.stats();
            }
            if (l.outRate.count() > 0) {
                l.p.bytesOutPerMin = l.outRate.stats();
                l.p.bytesInPerMin = l.inRate.stats();
            }
            for (Map.Entry<String, Sampler[]> ep : l.endpoints.entrySet()) {
                EndpointProfile x = l.p.endpoints.get(ep.getKey());
                x.requests = ep.getValue()[0].count();
                x.fanout = ep.getValue()[0].stats();
                x.responseBytes = ep.getValue()[1].stats();
            }
            p.workloads.put(e.getKey(), l.p);
        }
        p.truncated.putAll(truncated);
        if (workloads.evictions() > 0) {
            p.truncated.put("workloads", workloads.evictions());
        }
        if (edgeStarts.evictions() > 0) {
            p.truncated.put("periodic_edges", edgeStarts.evictions());
        }
        return p;
    }
}
