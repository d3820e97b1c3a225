package io.crowsnest.sensor.pipeline;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.WaitStrategy;
import io.crowsnest.applayer.AppLayer;
import io.crowsnest.capture.ring.PacketRing;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.FlowTable;
import io.crowsnest.decoders.flow.FlowTableConfig;
import io.crowsnest.decoders.stream.StreamConfig;
import io.crowsnest.detection.alert.AlertOutput;
import io.crowsnest.detection.engine.DetectionEngine;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The part of the sensor that is the same for every packet source: packet ring → N detection
 * workers (flows pinned by hash, each with its own flow table) → alert ring → alert outputs.
 * A source (file reader, live capture) only claims ring slots, fills and decodes them, and
 * publishes.
 */
public final class DetectionPipeline {
    /** Sizes and policies of one pipeline. */
    public static final class Settings {
        public int workers = 1;
        public int ringSize = 1024;
        public int slotCapacity = 65_536 + 256;
        /** Several source threads publish (live capture: one per interface); false: one (replay). */
        public boolean multiProducer;
        public int maxFlowsPerWorker = 65_536;
        public boolean midstream;
        public int alertRingSize = 4096;
        /** Run TCP reassembly and the app-layer parsers (off: packet-only detection). */
        public boolean appLayer = true;
        public int streamDepth = 1 << 20;
        public long streamMemcap = 64L << 20;
        /** EVE record types besides "alert" the workers emit (http, dns, tls, ssh, anomaly). */
        public Set<String> eventTypes = Set.of();
        /**
         * Flowbits / flowints every flow has room for; 0: enough for the engine plus headroom for
         * rule reloads ({@link #swapEngine}), max(2 × used, 256) flowbits and max(2 × used, 8) flowints.
         */
        public int flowbitCapacity;
        public int flowintCapacity;
        /** The behaviour stage (detectors and/or profile learner), or null: none. */
        public io.crowsnest.sensor.behaviour.BehaviourStage behaviour;
    }

    private final PacketRing ring;
    private final AlertRing alertRing;
    private final AlertWriterHandler writer;
    private final List<DetectionWorker> workers = new ArrayList<>();
    private final List<AlertOutput> outputs;
    private boolean stopped;
    /**
     * The engine workers inspect with. Written by {@link #swapEngine} (any thread), read by each
     * worker once per batch: the volatile write/read pair publishes the fully built engine.
     */
    private volatile DetectionEngine engine;
    private final int flowbitCapacity;
    private final int flowintCapacity;

    public DetectionPipeline(DetectionEngine engine, List<AlertOutput> outputs, Settings s, WaitStrategy waitStrategy,
                             PrintStream err) {
        this(engine, outputs, s, waitStrategy, List.of(), err);
    }

    /** @param extraConsumers packet-ring consumers beside the workers (they see every packet) */
    public DetectionPipeline(DetectionEngine engine, List<AlertOutput> outputs, Settings s, WaitStrategy waitStrategy,
                             List<EventHandler<Packet>> extraConsumers, PrintStream err) {
        this.outputs = outputs;
        this.writer = new AlertWriterHandler(outputs, err);
        if (s.behaviour != null) {
            writer.behaviour(s.behaviour);
        }
        this.alertRing = new AlertRing(s.alertRingSize, writer, threads("crowsnest-alerts"), err);
        int n = Math.max(1, s.workers);
        this.engine = engine;
        this.flowbitCapacity = s.flowbitCapacity > 0 ? Math.max(s.flowbitCapacity, engine.flowbitCount())
                : Math.max(2 * engine.flowbitCount(), 256);
        this.flowintCapacity = s.flowintCapacity > 0 ? Math.max(s.flowintCapacity, engine.flowintCount())
                : Math.max(2 * engine.flowintCount(), 8);
        FlowTableConfig flowConfig = new FlowTableConfig(s.maxFlowsPerWorker, 30, 300, 10, s.midstream,
                flowbitCapacity, flowintCapacity);
        StreamConfig streamConfig = StreamConfig.defaults();
        streamConfig.midstream = s.midstream;
        streamConfig.depth = s.streamDepth;
        streamConfig.memcap = s.streamMemcap;
        Set<String> eventTypes = new HashSet<>(s.eventTypes);
        eventTypes.remove("alert");
        for (int i = 0; i < n; i++) {
            final int id = i;
            workers.add(new DetectionWorker(i, n, () -> new FlowTable(flowConfig, id), alertRing,
                    s.appLayer ? () -> new AppLayer(streamConfig) : null, eventTypes, this::engine)
                    .withBehaviour(s.behaviour != null));
        }
        List<EventHandler<Packet>> consumers = new ArrayList<>(workers);
        consumers.addAll(extraConsumers);
        this.ring = new PacketRing(s.ringSize, s.slotCapacity, consumers, threads("crowsnest-worker"), waitStrategy, err,
                s.multiProducer);
    }

    /** The engine new batches are inspected with. */
    public DetectionEngine engine() {
        return engine;
    }

    /** Flowbits every flow has room for (a reloaded rule set must not use more). */
    public int flowbitCapacity() {
        return flowbitCapacity;
    }

    public int flowintCapacity() {
        return flowintCapacity;
    }

    /**
     * Makes {@code next} the engine of every packet batch that starts after this call; each worker
     * switches between two packets on its own thread, creating its {@code DetectionContext} from
     * {@code next} there. Packets keep flowing meanwhile. Flow state (flowbits, flowints) is kept
     * by index, so {@code next} must have been loaded with the previous rule set's flowbit and
     * flowint names registered first (see {@code reload.RuleSetBuilder}) and fit the capacity.
     *
     * @throws IllegalArgumentException when {@code next} needs more flowbits or flowints than flows have room for
     */
    public void swapEngine(DetectionEngine next) {
        if (next.flowbitCount() > flowbitCapacity || next.flowintCount() > flowintCapacity) {
            throw new IllegalArgumentException("the new rules use " + next.flowbitCount() + " flowbits and "
                    + next.flowintCount() + " flowints; flows have room for " + flowbitCapacity + " and " + flowintCapacity
                    + " (restart the sensor to load them)");
        }
        engine = next;
    }

    /** True when every worker that handled a batch since the last {@link #swapEngine} uses the current engine. */
    public boolean allWorkersOn(DetectionEngine e) {
        for (DetectionWorker w : workers) {
            if (w.engine() != null && w.engine() != e) {
                return false;
            }
        }
        return true;
    }

    /**
     * Moves the behaviour stage's clock to {@code epochNanos} (live: once a second), through the alert
     * ring so the stage stays single-threaded. No-op without a behaviour stage or after stopping.
     */
    public void tickBehaviour(long epochNanos) {
        if (writer.behaviour() == null || stopped) {
            return;
        }
        alertRing.publishRecord(epochNanos);
    }

    public PacketRing ring() {
        return ring;
    }

    public AlertWriterHandler alerts() {
        return writer;
    }

    public List<DetectionWorker> workers() {
        return workers;
    }

    /**
     * Waits until the workers handled every published packet and the writer every alert, then
     * flushes and closes the outputs. The source must have stopped publishing. Idempotent.
     */
    public synchronized List<String> drainAndClose() {
        List<String> errors = new ArrayList<>();
        if (stopped) {
            return errors;
        }
        stopped = true;
        ring.drainAndStop();
        // End of input: every flow still tracked ends now (records for the behaviour stage and EVE
        // flow events). The worker threads have stopped, so this thread may touch their tables.
        for (DetectionWorker w : workers) {
            w.flushFlows();
        }
        alertRing.drainAndStop();
        writer.finishBehaviour();
        writer.flushAll();
        for (AlertOutput out : outputs) {
            try {
                out.close();
            } catch (IOException e) {
                errors.add("closing output: " + e.getMessage());
            }
        }
        return errors;
    }

    public long skippedBadChecksum() {
        long n = 0;
        for (DetectionWorker w : workers) {
            n += w.skippedBadChecksum();
        }
        return n;
    }

    /** TCP reassembly counters summed over the workers (read after the ring drained). */
    public java.util.Map<String, Long> streamCounters() {
        java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
        for (DetectionWorker w : workers) {
            AppLayer app = w.appLayer();
            if (app == null) {
                continue;
            }
            io.crowsnest.decoders.stream.StreamStats st = app.reassembler().stats();
            m.merge("stream.sessions", st.sessions, Long::sum);
            m.merge("stream.out_of_order_segments", st.outOfOrder, Long::sum);
            m.merge("stream.retransmissions", st.retransmissions, Long::sum);
            m.merge("stream.overlaps", st.overlaps, Long::sum);
            m.merge("stream.gaps", st.gaps, Long::sum);
            m.merge("stream.depth_reached", st.depthReached, Long::sum);
            m.merge("stream.midstream_pickups", st.midstreamPickups, Long::sum);
            m.merge("stream.ooo_cap_drops", st.oooCapDrops, Long::sum);
            m.merge("stream.memcap_drops", st.memcapDrops, Long::sum);
        }
        return m;
    }

    public long flowsEvicted() {
        long n = 0;
        for (DetectionWorker w : workers) {
            n += w.flows() == null ? 0 : w.flows().flowsEvicted();
        }
        return n;
    }

    static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        };
    }
}
