package io.crowsnest.capture.live;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import io.crowsnest.capture.ring.PacketRing;
import io.crowsnest.decoders.DecoderConfig;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.PacketDecoder;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.PcapStat;
import org.pcap4j.core.RawPacketListener;

/**
 * Live capture with pcap4j/libpcap into the same {@link PacketRing} as replay: one capture
 * thread per interface, all feeding one ring.
 *
 * <p><b>Path of a packet.</b> The capture thread's raw-packet listener puts the packet (the
 * {@code byte[]} pcap4j hands over, timestamp, wire length, interface) into a pre-allocated slot
 * of a small multi-producer hand-off ring ({@code tryNext}: never blocks the capture thread). One
 * <em>feeder</em> thread is the only producer of the {@link PacketRing} (a single-producer
 * Disruptor, which in Disruptor 4 asserts that only one thread ever claims): it claims a slot
 * ({@link PacketRing#tryClaim()}), copies the bytes in, sets the capture fields ({@code linkType}
 * from the handle's datalink, {@code interfaceId} and {@code sourceId} = the interface's id,
 * timestamps, {@code wireLength}, {@code pcapCount} = global arrival index), decodes the slot
 * with its own {@link PacketDecoder} and publishes it. A full hand-off ring or a full packet
 * ring is a counted <em>ring drop</em> (dropped by Crowsnest), never back-pressure on the
 * kernel buffer. If the packet ring becomes multi-producer, the capture threads can claim and
 * decode directly and the feeder goes away.
 *
 * <p><b>Hot path.</b> Handles are opened with immediate mode, a large kernel buffer
 * ({@link Options#bufferBytes}), the snaplen capped at the slot size and a read timeout; the
 * thread calls {@code dispatch(batch, RawPacketListener)} in a loop: no parsed pcap4j packet
 * objects. pcap4j still allocates per packet: the {@code byte[]} it hands to the listener
 * ({@code Pointer.getByteArray}), a {@link Timestamp} ({@code getTimestamp()}), a boxed
 * {@code Integer} ({@code getOriginalLength()}) and JNA's callback marshalling. They die young;
 * {@code getNextRawPacket()} allocates the same {@code byte[]} plus one native call per packet,
 * so batch dispatch is kept. Exceptions thrown inside the listener are swallowed by pcap4j (its
 * logger is a no-op without an SLF4J binding), so the listener catches everything itself and
 * records it as the interface's error.
 *
 * <p><b>Stopping.</b> libpcap 1.10 on Linux does not return from {@code dispatch} on an idle
 * link when the read timeout expires (it polls again), so the timeout is not a way out:
 * {@link #stop()} and {@link #remove(String)} call {@code breakLoop()}, which wakes the poll
 * (libpcap ≥ 1.10 uses an eventfd). Threads are joined within 2 s in total; then the hand-off
 * ring is drained into the packet ring so every captured packet is published. An interface that
 * vanishes ends its thread on its own (its stats keep the reason); the {@link InterfaceWatcher}
 * then reports it removed.
 *
 * <p><b>Counters.</b> Per interface: received, ring drops, truncations, and libpcap's
 * {@code ps_recv}/{@code ps_drop}/{@code ps_ifdrop} (polled from the capture thread at most once
 * a second when {@code dispatch} returns, and once more when the capture ends) — see
 * {@link #stats()}.
 */
public final class LiveCapture implements AutoCloseable {

    /**
     * Capture settings.
     *
     * @param snaplen            bytes kept per packet (capped at the ring's slot size)
     * @param bufferBytes        kernel capture buffer per interface
     * @param timeoutMillis      libpcap read timeout
     * @param batch              packets per dispatch call (-1: everything in the buffer)
     * @param bpf                extra BPF expression ANDed with each target's filter, or null
     * @param promiscuous        null: as the target says (bridges on); else forced on/off
     * @param checkCapabilities  check CapEff for CAP_NET_RAW/CAP_NET_ADMIN before opening anything
     * @param handoffSize        slots of the capture → feeder hand-off ring (a power of two)
     */
    public record Options(int snaplen, int bufferBytes, int timeoutMillis, int batch, String bpf,
                          Boolean promiscuous, boolean checkCapabilities, int handoffSize) {
        public static Options defaults() {
            return new Options(Packet.MAX_LENGTH, 64 << 20, 100, -1, null, null, true, 65536);
        }

        public Options withBpf(String expr) {
            return new Options(snaplen, bufferBytes, timeoutMillis, batch, expr, promiscuous, checkCapabilities, handoffSize);
        }

        public Options withBufferBytes(int bytes) {
            return new Options(snaplen, bytes, timeoutMillis, batch, bpf, promiscuous, checkCapabilities, handoffSize);
        }

        public Options withSnaplen(int len) {
            return new Options(len, bufferBytes, timeoutMillis, batch, bpf, promiscuous, checkCapabilities, handoffSize);
        }

        public Options withTimeoutMillis(int ms) {
            return new Options(snaplen, bufferBytes, ms, batch, bpf, promiscuous, checkCapabilities, handoffSize);
        }
    }

    /** A pre-allocated hand-off slot: one captured packet on its way to the feeder. */
    private static final class Handoff {
        byte[] raw;
        long tsSeconds;
        int tsNanos;
        int wireLength;
        Worker from;
    }

    private final PacketRing ring;
    private final Options options;
    private final Consumer<String> log;
    private final int slotCapacity;

    private final RingBuffer<Handoff> handoff;
    private final BatchEventProcessor<Handoff> feeder;
    private final Thread feederThread;
    private final PacketDecoder decoder;
    /** Global arrival index (pcap_cnt); feeder thread only. */
    private long arrivals;

    private final Map<String, Worker> workers = new LinkedHashMap<>();
    private final List<InterfaceStats> released = new ArrayList<>();
    private final Map<String, Integer> ids = new ConcurrentHashMap<>();
    private final List<String> names = new ArrayList<>();
    private volatile boolean stopped;

    /**
     * @param log receives one-line notices (interface added/removed, capture errors); may be null
     * @throws LiveCaptureException at once when CAP_NET_RAW or CAP_NET_ADMIN is missing
     */
    public LiveCapture(PacketRing ring, DecoderConfig decoderConfig, Options options, Consumer<String> log) {
        if (options.checkCapabilities()) {
            Capabilities.require();
        }
        this.ring = ring;
        this.options = options;
        this.log = log == null ? s -> { } : log;
        this.slotCapacity = ring.slot(0).data.length;
        this.decoder = new PacketDecoder(decoderConfig);
        this.handoff = RingBuffer.createMultiProducer(Handoff::new, options.handoffSize(), new BlockingWaitStrategy());
        EventHandler<Handoff> feed = (h, seq, end) -> feed(h);
        this.feeder = new BatchEventProcessorBuilder().build(handoff, handoff.newBarrier(), feed);
        handoff.addGatingSequences(feeder.getSequence());
        this.feederThread = new Thread(feeder, "crowsnest-live-feeder");
        this.feederThread.setDaemon(true);
        this.feederThread.start();
    }

    /** Feeder thread: the packet ring's only producer. */
    private void feed(Handoff h) {
        if (h.from == null) {
            publishTick(h.tsSeconds, h.tsNanos);
            return;
        }
        Worker w = h.from;
        byte[] raw = h.raw;
        h.raw = null;
        h.from = null;
        long seq = ring.tryClaim();
        if (seq < 0) {
            w.ringDrops.lazySet(w.ringDrops.get() + 1);
            return;
        }
        Packet p = ring.slot(seq);
        int n = raw.length;
        if (n > p.data.length) {
            n = p.data.length;
            w.truncated.lazySet(w.truncated.get() + 1);
        }
        System.arraycopy(raw, 0, p.data, 0, n);
        p.length = n;
        p.wireLength = h.wireLength;
        p.tsSeconds = h.tsSeconds;
        p.tsNanos = h.tsNanos;
        p.linkType = w.linkType;
        p.interfaceId = w.id;
        p.sourceId = w.id;
        p.pcapCount = ++arrivals;
        try {
            decoder.decode(p);
        } finally {
            ring.publish(seq);
            w.published.lazySet(w.published.get() + 1);
        }
    }

    /**
     * Asks the workers to time out idle flows as of {@code epochNanos} (call once a second): the tick
     * travels the handoff ring like a packet, so the feeder stays the packet ring's only producer. A
     * full ring skips the tick (packets are arriving, and they expire flows themselves).
     */
    public void tick(long epochNanos) {
        long seq;
        try {
            seq = handoff.tryNext();
        } catch (com.lmax.disruptor.InsufficientCapacityException e) {
            return;
        }
        Handoff h = handoff.get(seq);
        h.from = null;
        h.raw = null;
        h.tsSeconds = epochNanos / 1_000_000_000L;
        h.tsNanos = (int) (epochNanos % 1_000_000_000L);
        handoff.publish(seq);
    }

    /** Feeder thread: a clock tick into the packet ring (an empty slot flagged {@link Packet#tick}). */
    private void publishTick(long tsSeconds, int tsNanos) {
        long seq = ring.tryClaim();
        if (seq < 0) {
            return;
        }
        Packet p = ring.slot(seq);
        p.length = 0;
        p.resetDecoded();
        p.tick = true;
        p.tsSeconds = tsSeconds;
        p.tsNanos = tsNanos;
        ring.publish(seq);
    }

    /** Stable id of an interface name (assigned on first use, kept across remove/add). */
    public synchronized int interfaceId(String name) {
        return ids.computeIfAbsent(name, n -> {
            names.add(n);
            return names.size() - 1;
        });
    }

    /** Name of an {@code interfaceId}, or null. */
    public synchronized String interfaceName(int id) {
        return id >= 0 && id < names.size() ? names.get(id) : null;
    }

    /**
     * Opens the interface and starts its capture thread (no-op when already captured).
     *
     * @throws LiveCaptureException with a one-line reason when it cannot be opened
     */
    public synchronized void add(CaptureTarget target) {
        if (stopped) {
            throw new IllegalStateException("live capture stopped");
        }
        Worker existing = workers.get(target.name());
        if (existing != null && existing.thread.isAlive()) {
            return;
        }
        if (existing != null) {
            release(existing);
        }
        int id = interfaceId(target.name());
        String filter = combine(options.bpf(), target.filter());
        PcapHandle handle = open(target, filter);
        Worker w = new Worker(target, id, handle);
        workers.put(target.name(), w);
        w.thread.start();
        log.accept("capturing on " + target.name() + " (" + target.reason()
                + (filter == null ? "" : "; filter: " + filter) + ")");
    }

    /** Stops capturing on an interface (breakLoop, join within 2 s); no-op when not captured. */
    public synchronized void remove(String name) {
        Worker w = workers.get(name);
        if (w == null) {
            return;
        }
        w.requestStop();
        join(w, System.nanoTime() + 2_000_000_000L);
        release(w);
        log.accept("released " + name + (w.error == null ? "" : " (" + w.error + ")"));
    }

    /** Applies a changed target (new filter) to a running capture without reopening it. */
    public synchronized void update(CaptureTarget target) {
        Worker w = workers.get(target.name());
        if (w == null || !w.thread.isAlive()) {
            add(target);
            return;
        }
        if (w.target.promiscuous() != target.promiscuous() && options.promiscuous() == null) {
            remove(target.name());
            add(target);
            return;
        }
        w.pendingFilter = combine(options.bpf(), target.filter());
        w.filterPending = true;
        w.wake(); // dispatch does not return on an idle link by itself
        log.accept("new filter on " + target.name() + ": " + w.pendingFilter);
    }

    /** A watcher listener that adds, removes and updates captures; failures are logged, not thrown. */
    public InterfaceWatcher.Listener watcherListener() {
        return (added, removed, changed) -> {
            for (CaptureTarget t : removed) {
                remove(t.name());
            }
            for (CaptureTarget t : added) {
                try {
                    add(t);
                } catch (LiveCaptureException | IllegalStateException e) {
                    log.accept(e.getMessage());
                }
            }
            for (CaptureTarget t : changed) {
                try {
                    update(t);
                } catch (LiveCaptureException | IllegalStateException e) {
                    log.accept(e.getMessage());
                }
            }
        };
    }

    /** Names currently captured (threads alive). */
    public synchronized List<String> interfaces() {
        List<String> out = new ArrayList<>();
        for (Worker w : workers.values()) {
            if (w.thread.isAlive()) {
                out.add(w.target.name());
            }
        }
        return out;
    }

    /** Counters of every interface captured so far (running ones first, then released ones). */
    public synchronized List<InterfaceStats> stats() {
        List<InterfaceStats> out = new ArrayList<>();
        for (Worker w : workers.values()) {
            out.add(w.snapshot());
        }
        out.addAll(released);
        return out;
    }

    /**
     * Stops every capture: breakLoop on every handle, joins all threads, and publishes what is
     * still in the hand-off ring — within 2 s in total, even on idle links. Idempotent. The packet
     * ring is not drained here (the caller does that after this returns, so every packet already
     * published is still inspected).
     *
     * @return true when every thread ended in time
     */
    public boolean stop() {
        List<Worker> all;
        synchronized (this) {
            if (stopped && workers.isEmpty() && !feederThread.isAlive()) {
                return true;
            }
            stopped = true;
            all = new ArrayList<>(workers.values());
        }
        for (Worker w : all) {
            w.requestStop();
        }
        long deadline = System.nanoTime() + 2_000_000_000L;
        boolean ok = true;
        for (Worker w : all) {
            ok &= join(w, deadline);
        }
        // every capture thread is done: let the feeder publish what they handed over
        long target = handoff.getCursor();
        while (feeder.getSequence().get() < target && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        ok &= feeder.getSequence().get() >= target;
        feeder.halt();
        try {
            feederThread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            for (Worker w : all) {
                release(w);
            }
        }
        return ok && !feederThread.isAlive();
    }

    @Override
    public void close() {
        stop();
    }

    private void release(Worker w) {
        if (workers.get(w.target.name()) == w) {
            workers.remove(w.target.name());
            released.add(w.snapshot());
        }
    }

    private static boolean join(Worker w, long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        try {
            if (left > 0) {
                w.thread.join(Math.max(1, left / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (w.thread.isAlive()) {
            w.requestStop(); // one more wake-up
            return false;
        }
        return true;
    }

    static String combine(String a, String b) {
        if (a == null || a.isBlank()) {
            return b;
        }
        if (b == null || b.isBlank()) {
            return a;
        }
        return "(" + a + ") and (" + b + ")";
    }

    private PcapHandle open(CaptureTarget target, String filter) {
        boolean promisc = options.promiscuous() != null ? options.promiscuous() : target.promiscuous();
        int snaplen = Math.max(64, Math.min(options.snaplen(), slotCapacity));
        PcapHandle handle;
        try {
            handle = build(target.name(), snaplen, promisc, PcapHandle.TimestampPrecision.NANO);
        } catch (PcapNativeException e) {
            try {
                handle = build(target.name(), snaplen, promisc, PcapHandle.TimestampPrecision.MICRO);
            } catch (PcapNativeException | RuntimeException | LinkageError e2) {
                throw new LiveCaptureException(PcapErrors.describe(target.name(), e2));
            }
        } catch (RuntimeException | LinkageError e) {
            throw new LiveCaptureException(PcapErrors.describe(target.name(), e));
        }
        if (filter != null) {
            try {
                handle.setFilter(filter, BpfProgram.BpfCompileMode.OPTIMIZE);
            } catch (PcapNativeException | NotOpenException | RuntimeException e) {
                handle.close();
                throw new LiveCaptureException("bad BPF filter for " + target.name() + " ('" + filter + "'): "
                        + e.getMessage());
            }
        }
        return handle;
    }

    private PcapHandle build(String name, int snaplen, boolean promisc, PcapHandle.TimestampPrecision precision)
            throws PcapNativeException {
        return new PcapHandle.Builder(name)
                .snaplen(snaplen)
                .promiscuousMode(promisc ? PcapNetworkInterface.PromiscuousMode.PROMISCUOUS
                        : PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
                .timeoutMillis(options.timeoutMillis())
                .bufferSize(options.bufferBytes())
                .immediateMode(true)
                .timestampPrecision(precision)
                .build();
    }

    /** One interface's capture thread; also its raw-packet listener. */
    private final class Worker implements Runnable, RawPacketListener {
        final CaptureTarget target;
        final int id;
        final PcapHandle handle;
        final int linkType;
        final Thread thread;
        volatile boolean stopRequested;
        volatile boolean filterPending;
        volatile String pendingFilter;
        volatile String error;

        // capture thread only; published through the volatile copies after each dispatch
        long received, bytes, handoffDrops;
        volatile long vReceived, vBytes, vHandoffDrops;
        // feeder thread only (single writer: lazySet)
        final AtomicLong published = new AtomicLong(), ringDrops = new AtomicLong(), truncated = new AtomicLong();
        volatile long psRecv, psDrop, psIfDrop;
        long lastStatsNanos;

        Worker(CaptureTarget target, int id, PcapHandle handle) {
            this.target = target;
            this.id = id;
            this.handle = handle;
            this.linkType = handle.getDlt().value();
            this.thread = new Thread(this, "crowsnest-capture-" + target.name());
            this.thread.setDaemon(true);
        }

        void requestStop() {
            stopRequested = true;
            wake();
        }

        void wake() {
            try {
                handle.breakLoop();
            } catch (NotOpenException | RuntimeException e) {
                // already closed by the capture thread
            }
        }

        @Override
        public void run() {
            try {
                while (!stopRequested) {
                    if (filterPending) {
                        filterPending = false;
                        applyFilter(pendingFilter);
                    }
                    try {
                        handle.dispatch(options.batch(), this);
                    } catch (InterruptedException e) {
                        // breakLoop(): the loop re-checks stopRequested and filterPending
                    }
                    publishCounters();
                    long now = System.nanoTime();
                    if (now - lastStatsNanos > 1_000_000_000L) {
                        lastStatsNanos = now;
                        pollStats();
                    }
                }
            } catch (PcapNativeException | NotOpenException | RuntimeException e) {
                if (!stopRequested) {
                    error = PcapErrors.describe(target.name(), e);
                    log.accept(error);
                }
            } finally {
                publishCounters();
                pollStats();
                handle.close();
            }
        }

        private void applyFilter(String f) {
            try {
                handle.setFilter(f == null ? "" : f, BpfProgram.BpfCompileMode.OPTIMIZE);
            } catch (PcapNativeException | NotOpenException | RuntimeException e) {
                log.accept("bad BPF filter for " + target.name() + " ('" + f + "'): " + e.getMessage()
                        + "; keeping the previous one");
            }
        }

        private void pollStats() {
            try {
                PcapStat s = handle.getStats();
                psRecv = s.getNumPacketsReceived();
                psDrop = s.getNumPacketsDropped();
                psIfDrop = s.getNumPacketsDroppedByIf();
            } catch (PcapNativeException | NotOpenException | RuntimeException e) {
                // interface gone: keep the last values
            }
        }

        private void publishCounters() {
            vReceived = received;
            vBytes = bytes;
            vHandoffDrops = handoffDrops;
        }

        InterfaceStats snapshot() {
            return new InterfaceStats(target.name(), id, vReceived, vBytes, published.get(),
                    vHandoffDrops + ringDrops.get(), truncated.get(), psRecv, psDrop, psIfDrop,
                    thread.isAlive(), error);
        }

        @Override
        public void gotPacket(byte[] raw) {
            // pcap4j swallows anything thrown here: never let it escape unnoticed
            try {
                received++;
                bytes += raw.length;
                long seq;
                try {
                    seq = handoff.tryNext();
                } catch (InsufficientCapacityException e) {
                    handoffDrops++;
                    return;
                }
                Handoff h = handoff.get(seq);
                try {
                    Timestamp ts = handle.getTimestamp();
                    Integer orig = handle.getOriginalLength();
                    if (ts != null) {
                        h.tsSeconds = Math.floorDiv(ts.getTime(), 1000L);
                        h.tsNanos = ts.getNanos();
                    } else {
                        long now = System.currentTimeMillis();
                        h.tsSeconds = now / 1000;
                        h.tsNanos = (int) (now % 1000) * 1_000_000;
                    }
                    h.wireLength = orig != null ? orig : raw.length;
                    h.raw = raw;
                    h.from = this;
                } finally {
                    handoff.publish(seq);
                }
            } catch (Throwable t) {
                error = "capture on " + target.name() + ": " + t;
                stopRequested = true;
                wake();
            }
        }
    }
}
