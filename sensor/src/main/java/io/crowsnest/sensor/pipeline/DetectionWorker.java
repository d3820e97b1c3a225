package io.crowsnest.sensor.pipeline;

import com.lmax.disruptor.EventHandler;
import io.crowsnest.applayer.AppLayer;
import io.crowsnest.applayer.AppLayerState;
import io.crowsnest.applayer.AppProto;
import io.crowsnest.applayer.Transaction;
import io.crowsnest.capture.ring.WorkerSelector;
import io.crowsnest.decoders.ChecksumState;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.decoders.flow.FlowFlags;
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
    /** The pipeline's current engine (a volatile read), checked once per batch; null: fixed {@link #contexts}. */
    private final Supplier<io.crowsnest.detection.engine.DetectionEngine> engines;
    private final AlertRing alerts;
    /** Builds the worker's app layer (TCP reassembly + parsers); null: packets only. */
    private final Supplier<AppLayer> appLayers;
    /** EVE record types besides alerts to emit ("http", "dns", "tls", "ssh", "anomaly"); empty: alerts only. */
    private final java.util.Set<String> eventTypes;
    /** Feed the behaviour stage: a record per ended flow and per completed transaction. */
    private boolean behaviour;
    private volatile State state;
    /** The engine this worker last switched to, for other threads (written once per swap). */
    private volatile io.crowsnest.detection.engine.DetectionEngine engineInUse;

    /** The worker thread's own mutable state. */
    private static final class State {
        final FlowTable flows;
        DetectionContext detection;
        /** The engine {@link #detection} came from (null with a fixed context supplier). */
        io.crowsnest.detection.engine.DetectionEngine engine;
        /** The next packet starts a batch: look for a swapped engine first. */
        boolean checkEngine = true;
        long engineSwaps;
        final AppLayer app;
        long events;
        long packets;
        long skippedNoIp;
        long skippedBadChecksum;
        /** IP fragments not (yet) a whole datagram: inspected as packets, kept out of flows. */
        long fragments;

        State(FlowTable flows, DetectionContext detection, AppLayer app) {
            this.flows = flows;
            this.detection = detection;
            this.app = app;
        }
    }

    public DetectionWorker(int id, int workers, Supplier<FlowTable> flowTables, Supplier<DetectionContext> contexts,
                           AlertRing alerts) {
        this(id, workers, flowTables, contexts, alerts, null, java.util.Set.of());
    }

    public DetectionWorker(int id, int workers, Supplier<FlowTable> flowTables, Supplier<DetectionContext> contexts,
                           AlertRing alerts, Supplier<AppLayer> appLayers, java.util.Set<String> eventTypes) {
        this(id, workers, flowTables, contexts, alerts, appLayers, eventTypes, null);
    }

    /**
     * A worker whose engine can be swapped while it runs: {@code engines} is read once per
     * batch, and a new engine gets a new {@code DetectionContext} created on this worker's thread.
     */
    public DetectionWorker(int id, int workers, Supplier<FlowTable> flowTables, AlertRing alerts,
                           Supplier<AppLayer> appLayers, java.util.Set<String> eventTypes,
                           Supplier<io.crowsnest.detection.engine.DetectionEngine> engines) {
        this(id, workers, flowTables, null, alerts, appLayers, eventTypes, engines);
    }

    private DetectionWorker(int id, int workers, Supplier<FlowTable> flowTables, Supplier<DetectionContext> contexts,
                            AlertRing alerts, Supplier<AppLayer> appLayers, java.util.Set<String> eventTypes,
                            Supplier<io.crowsnest.detection.engine.DetectionEngine> engines) {
        this.engines = engines;
        this.appLayers = appLayers;
        this.eventTypes = eventTypes;
        this.id = id;
        this.workers = workers;
        this.flowTables = flowTables;
        this.contexts = contexts;
        this.alerts = alerts;
    }

    /** Sends flow and transaction records to the behaviour stage (set before the worker starts). */
    public DetectionWorker withBehaviour(boolean on) {
        this.behaviour = on;
        return this;
    }

    @Override
    public void onStart() {
        if (engines != null) {
            io.crowsnest.detection.engine.DetectionEngine e = engines.get();
            State st = new State(flowTables.get(), e.newContext(), appLayers == null ? null : appLayers.get());
            st.engine = e;
            state = st;
        } else {
            state = new State(flowTables.get(), contexts.get(), appLayers == null ? null : appLayers.get());
        }
        state.flows.onEnd(this::flowEnded);
    }

    /**
     * A flow leaves the table: its unacknowledged stream data is inspected, its record goes to the
     * behaviour stage and, with EVE type "flow", to the outputs. Once per flow, on this worker's thread (or on the draining thread after it stopped).
     */
    private void flowEnded(Flow f, int reason) {
        // the raw stream data no ACK released is inspected once more (Suricata's flow-end pseudo packet)
        state.detection.inspectFlowEnd(f, this);
        if (f.app instanceof AppLayerState && (behaviour || !eventTypes.isEmpty())) {
            // Transactions that never completed end with the flow: a request without its response, a
            // DNS query nobody answered (tunnels and scans of resolvers are made of them). As Suricata
            // does, they are logged now, and the behaviour stage sees them too.
            for (Transaction tx : ((AppLayerState) f.app).unfinished()) {
                tx.logged = true;
                String type = AppProto.name(tx.proto());
                boolean log = type != null && eventTypes.contains(type);
                // the behaviour stage's detectors were built on completed transactions plus unanswered
                // DNS queries; unfinished HTTP/TLS exchanges are only logged
                boolean record = behaviour && tx instanceof io.crowsnest.applayer.dns.DnsTx;
                if (!log && !record) {
                    continue;
                }
                long seq = alerts.claim();
                try {
                    Alert a = alerts.slot(seq);
                    a.fillFlow(f);
                    a.signature(null, 0, 0, 0, null, null, 0, null);
                    a.eventType = log ? type : "record";
                    a.appProto = type;
                    a.app = log ? tx.eve() : null;
                    a.record = record ? io.crowsnest.sensor.behaviour.Records.tx(tx, f) : null;
                    a.log = log;
                    state.events++;
                } finally {
                    alerts.publish(seq);
                }
            }
        }
        if (!behaviour && !eventTypes.contains("flow")) {
            return;
        }
        io.crowsnest.behaviour.FlowRecord r = io.crowsnest.sensor.behaviour.Records.flow(f, reason);
        boolean log = eventTypes.contains("flow");
        long seq = alerts.claim();
        try {
            Alert a = alerts.slot(seq);
            a.fillFlow(f);
            a.signature(null, 0, 0, 0, null, null, 0, null);
            a.eventType = "flow";
            a.appProto = r.appProto;
            a.app = log ? io.crowsnest.sensor.behaviour.Records.eveFlow(r, f) : null;
            a.record = behaviour ? r : null;
            a.log = log;
            state.events++;
        } finally {
            alerts.publish(seq);
        }
    }

    /** Ends every flow still tracked (end of input); call after the worker's thread stopped. */
    public void flushFlows() {
        State st = state;
        if (st != null) {
            st.flows.flushAll();
        }
    }

    @Override
    public void onEvent(Packet p, long sequence, boolean endOfBatch) {
        State st = state;
        if (st.checkEngine && engines != null) {
            // Between two packets, on this thread: the volatile read of the pipeline's engine
            // sees a fully built engine (published by the volatile write in swapEngine).
            io.crowsnest.detection.engine.DetectionEngine e = engines.get();
            if (e != st.engine) {
                st.detection = e.newContext();
                st.engine = e;
                st.engineSwaps++;
                engineInUse = e;
            }
        }
        st.checkEngine = endOfBatch;
        if (p.tick) {
            // every worker sees the tick (the ring multicasts): each times out its own idle flows
            st.flows.expireIdle(p.tsSeconds * 1_000_000_000L + p.tsNanos);
            return;
        }
        if (WorkerSelector.workerFor(p.flowHash, workers) != id) {
            return;
        }
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
        if (p.fragment) {
            // A fragment the decoder held for reassembly (or could not use): as in Suricata it gets
            // no flow (it has no ports; the reassembled datagram is the flow's packet), but
            // packet-level rules still see it (ip-only rules, fragbits, dsize …).
            st.fragments++;
            st.detection.inspect(p, null, 0, this);
            return;
        }
        int flowFlags = st.flows.process(p);
        Flow flow = st.flows.current();
        AppLayerState app = st.app == null ? null : st.app.process(p, flow, flowFlags);
        if (app != null && app.reversedThisPacket()) {
            flowFlags = FlowFlags.reversed(flowFlags); // the flow swapped sides under this packet
        }
        st.detection.inspect(p, flow, flowFlags, this);
        if (app != null && (behaviour || !eventTypes.isEmpty())) {
            logEvents(p, flow, flowFlags, app);
        }
    }

    /** Writes the EVE records of completed transactions and anomalies, when their types are enabled. */
    private void logEvents(Packet p, Flow flow, int flowFlags, AppLayerState app) {
        if (!app.toLog().isEmpty()) {
            for (Transaction tx : app.toLog()) {
                String type = AppProto.name(tx.proto());
                boolean log = type != null && eventTypes.contains(type);
                if (log || behaviour) {
                    event(p, flow, flowFlags, type, type, log ? tx.eve() : null,
                            behaviour ? io.crowsnest.sensor.behaviour.Records.tx(tx, flow) : null, log,
                            tx.proto() != AppProto.DNS); // DNS answers keep their packet's direction, as in Suricata
                }
            }
            app.toLog().clear();
        }
        if (eventTypes.contains("anomaly") && !app.anomalies().isEmpty()) {
            for (String e : app.anomalies()) {
                java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
                m.put("type", "applayer");
                m.put("event", e);
                m.put("layer", "proto_parser");
                event(p, flow, flowFlags, "anomaly", AppProto.name(app.proto), m, null, true, false);
            }
        }
    }

    /** Writes a record slot; {@code txLog}: a transaction record, src = the flow's client (set before publishing). */
    private void event(Packet p, Flow flow, int flowFlags, String type, String appProto, java.util.Map<String, Object> obj,
                       Object record, boolean log, boolean txLog) {
        long seq = alerts.claim();
        try {
            Alert a = alerts.slot(seq);
            a.fill(p, flow, flowFlags);
            a.signature(null, 0, 0, 0, null, null, 0, null);
            a.eventType = type;
            a.appProto = appProto;
            a.app = obj;
            a.record = record;
            a.log = log;
            if (txLog && flow != null) {
                a.clientToServer();
            }
            state.events++;
        } finally {
            alerts.publish(seq);
        }
    }

    @Override
    public void alert(Packet p, Flow flow, Signature s, int flowFlags, int appProto, Transaction tx) {
        long seq = alerts.claim();
        try {
            Alert a = alerts.slot(seq);
            a.fill(p, flow, flowFlags);
            a.signature(eveAction(s.action()), s.gid(), s.sid(), s.rev(), s.msg(), s.category(), s.severity(), s.metadata());
            rulesetIdentity(a);
            a.appProto = appProto > 0 ? AppProto.name(appProto) : null;
            a.app = tx != null ? tx.eve() : null;
        } finally {
            alerts.publish(seq);
        }
    }

    @Override
    public void alert(Packet p, Flow flow, Signature s, int flowFlags) {
        long seq = alerts.claim();
        try {
            Alert a = alerts.slot(seq);
            a.fill(p, flow, flowFlags);
            a.signature(eveAction(s.action()), s.gid(), s.sid(), s.rev(), s.msg(), s.category(), s.severity(), s.metadata());
            rulesetIdentity(a);
        } finally {
            alerts.publish(seq);
        }
    }

    /** Stamps the engine's ruleset identity on the alert (two reference copies, no allocation). */
    private void rulesetIdentity(Alert a) {
        io.crowsnest.detection.engine.DetectionEngine e = state.engine;
        if (e != null) {
            a.rulesetHash = e.rulesetHash();
            a.rulesetLoadedAt = e.rulesetLoadedAt();
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

    /** The engine this worker inspects with (null before it started, or with a fixed context). */
    public io.crowsnest.detection.engine.DetectionEngine engine() {
        io.crowsnest.detection.engine.DetectionEngine e = engineInUse;
        if (e == null) {
            State st = state;
            return st == null ? null : st.engine;
        }
        return e;
    }

    /** How often this worker switched to a swapped engine. */
    public long engineSwaps() {
        return state == null ? 0 : state.engineSwaps;
    }

    public long skippedBadChecksum() {
        return state == null ? 0 : state.skippedBadChecksum;
    }

    /** IP fragments this worker inspected without a flow (held for, or left out of, reassembly). */
    public long fragments() {
        return state == null ? 0 : state.fragments;
    }

    /** Non-alert EVE records this worker emitted (they travel the alert ring too). */
    public long events() {
        return state == null ? 0 : state.events;
    }

    public AppLayer appLayer() {
        return state == null ? null : state.app;
    }

    public FlowTable flows() {
        return state == null ? null : state.flows;
    }

    public DetectionContext detection() {
        return state == null ? null : state.detection;
    }
}
