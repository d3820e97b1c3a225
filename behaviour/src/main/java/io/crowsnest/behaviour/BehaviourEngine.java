package io.crowsnest.behaviour;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The behaviour stage: hands every flow and transaction record to each observer (detectors, and the
 * profile learner when learning), advances record time, and counts alerts per detector. Runs on one
 * thread; records come from all workers, so a workload's flows meet here whatever worker they were on.
 */
public final class BehaviourEngine {
    private static final long TICK_NANOS = 1_000_000_000L;
    private final List<Observer> observers;
    private final AlertSink sink;
    /** Read by the metrics endpoint while the stage writes it: a concurrent map. */
    private final Map<String, Long> alertsByDetector = new java.util.concurrent.ConcurrentSkipListMap<>();
    private long clock;
    private long lastTick;
    private long flows;
    private long txs;
    private boolean finished;

    public BehaviourEngine(List<? extends Observer> observers, AlertSink out) {
        this.observers = new ArrayList<>(observers);
        this.sink = a -> {
            alertsByDetector.merge(a.detector, 1L, Long::sum);
            out.alert(a);
        };
    }

    public void flow(FlowRecord f) {
        flows++;
        advance(f.endNanos);
        for (Observer o : observers) {
            o.flow(f, sink);
        }
    }

    public void tx(TxRecord t) {
        txs++;
        advance(t.endNanos);
        for (Observer o : observers) {
            o.tx(t, sink);
        }
    }

    /** Moves record time on without a record (a live sensor's idle link still lets windows close). */
    public void advance(long nowNanos) {
        if (nowNanos > clock) {
            clock = nowNanos;
        }
        if (clock - lastTick >= TICK_NANOS) {
            lastTick = clock;
            for (Observer o : observers) {
                o.tick(clock, sink);
            }
        }
    }

    /** End of input: every observer evaluates what is pending. Idempotent. */
    public void finish() {
        if (finished) {
            return;
        }
        finished = true;
        for (Observer o : observers) {
            o.finish(clock, sink);
        }
    }

    public Map<String, Long> alertsByDetector() {
        return alertsByDetector;
    }

    public long flows() {
        return flows;
    }

    public long transactions() {
        return txs;
    }

    /** State counters of every detector, prefixed with its name. */
    public Map<String, Long> stats() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Observer o : observers) {
            if (o instanceof Detector) {
                Detector d = (Detector) o;
                d.stats().forEach((k, v) -> m.put(d.name() + "." + k, v));
            }
        }
        return m;
    }
}
