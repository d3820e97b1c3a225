package io.crowsnest.sensor.pipeline;

import com.lmax.disruptor.EventHandler;
import io.crowsnest.capture.ring.WorkerSelector;
import io.crowsnest.decoders.ChecksumState;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.decoders.flow.FlowTable;
import io.crowsnest.detection.alert.Alert;
import io.crowsnest.detection.engine.AlertSink;
import io.crowsnest.detection.engine.DetectionContext;
import io.crowsnest.detection.rules.Signature;
import java.util.function.Supplier;

/**
 * One detection worker thread: takes the packets of its flows off the packet ring, tracks them
 * in its own flow table, runs detection and puts alerts on the alert ring.
 *
 * <p>Every worker sees every slot (the ring multicasts); {@link WorkerSelector} decides which
 * worker owns a packet, so a flow's state is only ever touched by one thread.
 *
 * <p>Everything a worker writes per packet (counters, flow table, detection scratch) lives in a
 * {@link State} that the worker thread allocates itself in {@link #onStart()}: objects the main
 * thread allocated one after another sit side by side in memory, and two workers bumping
 * counters on the same cache line slowed two workers below one.
 */
public final class DetectionWorker implements EventHandler<Packet>, AlertSink {
    private final int id;
    private final int workers;
    private final Supplier<FlowTable> flowTables;
    private final Supplier<DetectionContext> contexts;
    private final AlertRing alerts;
    private volatile State state;

    /** The worker thread's own mutable state. */
    private static final class State {
        final FlowTable flows;
        final DetectionContext detection;
        long packets;
        long skippedNoIp;
        long skippedBadChecksum;

        State(FlowTable flows, DetectionContext detection) {
            this.flows = flows;
            this.detection = detection;
        }
    }

    public DetectionWorker(int id, int workers, Supplier<FlowTable> flowTables, Supplier<DetectionContext> contexts,
                           AlertRing alerts) {
        this.id = id;
        this.workers = workers;
        this.flowTables = flowTables;
        this.contexts = contexts;
        this.alerts = alerts;
    }

    @Override
    public void onStart() {
        state = new State(flowTables.get(), contexts.get());
    }

    @Override
    public void onEvent(Packet p, long sequence, boolean endOfBatch) {
        if (WorkerSelector.workerFor(p.flowHash, workers) != id) {
            return;
        }
        State st = state;
        if (p.length == 0 || p.ipVersion == 0) {
            st.skippedNoIp++;
            return;
        }
        st.packets++;
        if (p.ipChecksum == ChecksumState.BAD || p.l4Checksum == ChecksumState.BAD) {
            // Validation is on and the packet is damaged: the host would drop it, so rules must
            // not see it (with --checksum none nothing is marked BAD and it is inspected).
            st.skippedBadChecksum++;
            return;
        }
        int flowFlags = st.flows.process(p);
        st.detection.inspect(p, st.flows.current(), flowFlags, this);
    }

    @Override
    public void alert(Packet p, Flow flow, Signature s, int flowFlags) {
        long seq = alerts.claim();
        try {
            Alert a = alerts.slot(seq);
            a.fill(p, flow, flowFlags);
            a.signature(eveAction(s.action()), s.gid(), s.sid(), s.rev(), s.msg(), s.category(), s.severity(), s.metadata());
        } finally {
            alerts.publish(seq);
        }
    }

    /**
     * EVE's {@code alert.action}: an IDS (which Crowsnest is) lets every packet through, so
     * Suricata reports "allowed" for alert rules and for drop/reject rules alike.
     */
    private static String eveAction(String ruleAction) {
        return "pass".equals(ruleAction) ? "pass" : "allowed";
    }

    // Read after the ring has drained (Disruptor shutdown gives the happens-before edge).

    public long packets() {
        return state == null ? 0 : state.packets;
    }

    public long skippedBadChecksum() {
        return state == null ? 0 : state.skippedBadChecksum;
    }

    public FlowTable flows() {
        return state == null ? null : state.flows;
    }

    public DetectionContext detection() {
        return state == null ? null : state.detection;
    }
}
