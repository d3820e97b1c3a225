package io.crowsnest.behaviour.fanout;

import io.crowsnest.behaviour.AlertSink;
import io.crowsnest.behaviour.BehaviourContext;
import io.crowsnest.behaviour.BoundedMap;
import io.crowsnest.behaviour.TxRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * Joins each inbound HTTP request of a service to the downstream transactions (Redis, PostgreSQL,
 * MySQL, HTTP to other services) the same workload issued while serving it, i.e. between the request's
 * first byte and the end of its response. Used by the profile learner (to learn each endpoint's normal
 * fan-out) and by the fan-out detector (to compare with it).
 *
 * <p>Requests are evaluated {@link #GRACE_NANOS} after they completed, so downstream records that
 * reach the stage late (they come from other workers) are still counted. A downstream call is claimed
 * by the first request whose window holds it, so overlapping requests do not count it twice.
 */
public final class FanoutJoin {
    static final long GRACE_NANOS = 1_000_000_000L;
    /** Downstream calls older than this cannot belong to a request still to be evaluated (requests longer than this are not joined). */
    static final long KEEP_NANOS = 30_000_000_000L;
    static final int MAX_CALLS_PER_WORKLOAD = 8192;
    static final int MAX_PENDING = 100_000;

    /** One downstream call a workload made. */
    static final class Call {
        final long start;
        final String backend;
        final String describe;
        boolean claimed;

        Call(long start, String backend, String describe) {
            this.start = start;
            this.backend = backend;
            this.describe = describe;
        }
    }

    /** One served request and the downstream work it caused. */
    public static final class Served {
        public TxRecord request;
        /** Profile key of the service. */
        public String service;
        public String endpoint;
        public int fanout;
        /** Downstream calls per backend ("PEER tcp/PORT proto"). */
        public final TreeMap<String, Integer> backends = new TreeMap<>();
        public final List<String> sample = new ArrayList<>();
    }

    @FunctionalInterface
    public interface Listener {
        void served(Served s, AlertSink out);
    }

    private final BehaviourContext ctx;
    private final Listener listener;
    private final BoundedMap<String, ArrayDeque<Call>> calls;
    private final PriorityQueue<TxRecord> pending = new PriorityQueue<>((a, b) -> Long.compare(a.endNanos, b.endNanos));
    private long pendingDropped;
    private long callsDropped;

    public FanoutJoin(BehaviourContext ctx, Listener listener) {
        this.ctx = ctx;
        this.listener = listener;
        this.calls = new BoundedMap<>(ctx.config().maxKeys());
    }

    static boolean downstream(String proto) {
        return "redis".equals(proto) || "pgsql".equals(proto) || "postgresql".equals(proto) || "mysql".equals(proto) || "http".equals(proto)
                || "memcached".equals(proto);
    }

    public void tx(TxRecord t, AlertSink out) {
        if (downstream(t.proto) && t.client != null) {
            ArrayDeque<Call> q = calls.computeIfAbsent(t.client, k -> new ArrayDeque<>());
            long start = t.startNanos > 0 ? t.startNanos : t.endNanos;
            String backend = ctx.key(t.server, start) + " tcp/" + t.serverPort + " " + t.proto;
            q.addLast(new Call(start, backend, t.describe() + (t.command != null ? " " + t.command : "")
                    + (t.uri != null ? " " + t.method + " " + t.uri : "")));
            while (q.size() > MAX_CALLS_PER_WORKLOAD || (!q.isEmpty() && start - q.peekFirst().start > KEEP_NANOS)) {
                if (q.size() > MAX_CALLS_PER_WORKLOAD) {
                    callsDropped++;
                }
                q.pollFirst();
            }
        }
        if ("http".equals(t.proto) && t.server != null && t.method != null) {
            if (pending.size() >= MAX_PENDING) {
                pending.poll();
                pendingDropped++;
            }
            pending.add(t);
        }
    }

    public void tick(long now, AlertSink out) {
        while (!pending.isEmpty() && pending.peek().endNanos + GRACE_NANOS <= now) {
            evaluate(pending.poll(), out);
        }
    }

    public void finish(AlertSink out) {
        while (!pending.isEmpty()) {
            evaluate(pending.poll(), out);
        }
    }

    private void evaluate(TxRecord in, AlertSink out) {
        Served s = new Served();
        s.request = in;
        long from = in.startNanos > 0 ? in.startNanos : in.endNanos;
        s.service = ctx.key(in.server, from);
        s.endpoint = Endpoints.template(in.method, in.uri);
        ArrayDeque<Call> q = calls.get(in.server);
        if (q != null) {
            // newest first, stopping once calls are older than the request (minus a second for records
            // that arrived out of order): a busy service's 30 s of calls are not walked per request
            for (Iterator<Call> it = q.descendingIterator(); it.hasNext(); ) {
                Call c = it.next();
                if (c.start < from - GRACE_NANOS) {
                    break;
                }
                if (!c.claimed && c.start >= from && c.start <= in.endNanos) {
                    c.claimed = true;
                    s.fanout++;
                    s.backends.merge(c.backend, 1, Integer::sum);
                    if (s.sample.size() < 5) {
                        s.sample.add(c.describe);
                    }
                }
            }
        }
        listener.served(s, out);
    }

    public long pendingDropped() {
        return pendingDropped;
    }

    public long callsDropped() {
        return callsDropped;
    }

    public long workloadsEvicted() {
        return calls.evictions();
    }

    public int workloadsTracked() {
        return calls.size();
    }
}
