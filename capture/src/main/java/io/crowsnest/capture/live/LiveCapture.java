package io.crowsnest.capture.live;

import com.sun.jna.Pointer;
import io.crowsnest.capture.ring.PacketRing;
import io.crowsnest.decoders.DecoderConfig;
import io.crowsnest.decoders.defrag.DefragConfig;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.PacketDecoder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.PcapStat;

/**
 * Live capture with libpcap into the same {@link PacketRing} as replay: one capture thread per
 * interface, all feeding one multi-producer ring.
 *
 * <p><b>Path of a packet.</b> pcap4j opens the handle (device, filter, stats, {@code breakLoop},
 * close); the capture thread reads packets from that same {@code pcap_t} with a direct-mapped
 * {@code pcap_next_ex} ({@link PcapReader}: no JNA callback, no per-packet allocation), claims a
 * ring slot ({@link PacketRing#tryClaim()}, a CAS: several capture threads and the clock tick
 * produce), copies the bytes from libpcap's buffer straight into the slot, sets the capture fields
 * ({@code linkType} from the handle's datalink, {@code interfaceId} and {@code sourceId} = the
 * interface's id, timestamps, {@code wireLength}, {@code pcapCount} = global arrival index),
 * decodes the slot with its own {@link PacketDecoder} and publishes it. When the packet ring is
 * full the capture thread waits for the workers (counted as a <em>ring-full wait</em>): the
 * kernel buffer, ~100k packets, absorbs a worker stall (preemption, GC) that would overflow the
 * ring's few thousand slots; sustained overload then shows as kernel drops. Only a packet still
 * waiting when the capture stops is a <em>ring drop</em> (dropped by Crowsnest).
 *
 * <p><b>Kernel buffer.</b> Handles are opened <em>without</em> immediate mode, which makes
 * libpcap use TPACKET_V3: variable-length packets packed into 256 KiB blocks, so the kernel buffer
 * ({@link Options#bufferBytes}, 64 MiB) holds as many packets as their bytes allow (~100k of 600
 * bytes). Immediate mode forces TPACKET_V2, one fixed frame per packet sized for the snaplen
 * (64 KiB on a bridge with offloads): the same 64 MiB then held ~1000 packets, 5 ms at 200 kpps, and
 * any pause of the capture thread dropped packets. The price is latency on a quiet link: the kernel
 * hands over a block when it is full or {@link Options#timeoutMillis} after it was opened.
 *
 * <p><b>Stopping.</b> On an idle link {@code pcap_next_ex} does not return by itself (TPACKET_V3
 * polls until a block is handed over), so {@link #stop()} and {@link #remove(String)} end the
 * threads with {@code breakLoop()}, which wakes the poll (libpcap ≥ 1.10 uses an eventfd) — but
 * only after a drain period of one block timeout (at most {@value #MAX_DRAIN_MILLIS} ms plus
 * margin), so packets that arrived before the stop and sit in a block the kernel has not handed
 * over yet are still read and published. Threads are joined within 2 s in total. An interface
 * that vanishes ends its thread on its own (its stats keep the reason); the
 * {@link InterfaceWatcher} then reports it removed.
 *
 * <p><b>Counters.</b> Per interface: received, ring drops, ring-full waits, truncations (written by the capture
 * thread, published to readers every 256 packets and whenever the read returns without a packet),
 * and libpcap's {@code ps_recv}/{@code ps_drop}/{@code ps_ifdrop} (polled by the capture thread at
 * most once a second, and once more when the capture ends) — see {@link #stats()}.
 */
public final class LiveCapture implements AutoCloseable {
    /** Longest wait at stop for the kernel to hand over its last, partly filled block. */
    static final int MAX_DRAIN_MILLIS = 250;
    private static final int DRAIN_MARGIN_MILLIS = 30;

    /**
     * Capture settings.
     *
     * @param snaplen            bytes kept per packet (capped at the ring's slot size)
     * @param bufferBytes        kernel capture buffer per interface
     * @param timeoutMillis      libpcap read timeout = TPACKET_V3 block timeout: the longest a
     *                           packet on a quiet link waits in the kernel before it is read
     * @param bpf                extra BPF expression ANDed with each target's filter, or null
     * @param promiscuous        null: as the target says (bridges on); else forced on/off
     * @param checkCapabilities  check CapEff for CAP_NET_RAW/CAP_NET_ADMIN before opening anything
     */
    public record Options(int snaplen, int bufferBytes, int timeoutMillis, String bpf, Boolean promiscuous,
                          boolean checkCapabilities) {
        public static Options defaults() {
            return new Options(Packet.MAX_LENGTH, 64 << 20, 20, null, null, true);
        }

        public Options withBpf(String expr) {
            return new Options(snaplen, bufferBytes, timeoutMillis, expr, promiscuous, checkCapabilities);
        }

        public Options withBufferBytes(int bytes) {
            return new Options(snaplen, bytes, timeoutMillis, bpf, promiscuous, checkCapabilities);
        }

        public Options withSnaplen(int len) {
            return new Options(len, bufferBytes, timeoutMillis, bpf, promiscuous, checkCapabilities);
        }

        public Options withTimeoutMillis(int ms) {
            return new Options(snaplen, bufferBytes, ms, bpf, promiscuous, checkCapabilities);
        }
    }

    private final PacketRing ring;
    private final Options options;
    private final DecoderConfig decoderConfig;
    private final DefragConfig defragConfig;
    private final Consumer<String> log;
    private final int slotCapacity;
    /** Global arrival index (pcap_cnt), shared by the capture threads. */
    private final AtomicLong arrivals = new AtomicLong();

    private final Map<String, Worker> workers = new LinkedHashMap<>();
    private final List<InterfaceStats> released = new ArrayList<>();
    private final Map<String, Integer> ids = new ConcurrentHashMap<>();
    private final List<String> names = new ArrayList<>();
    private volatile boolean stopped;

    /**
     * @param ring a multi-producer ring (every interface's capture thread and {@link #tick} publish)
     * @param log  receives one-line notices (interface added/removed, capture errors); may be null
     * @throws LiveCaptureException at once when CAP_NET_RAW or CAP_NET_ADMIN is missing
     * @throws IllegalArgumentException when the ring is single-producer
     */
    public LiveCapture(PacketRing ring, DecoderConfig decoderConfig, Options options, Consumer<String> log) {
        this(ring, decoderConfig, DefragConfig.defaults(), options, log);
    }

    /** @param defragConfig each capture thread's defragmenter limits and overlap policies */
    public LiveCapture(PacketRing ring, DecoderConfig decoderConfig, DefragConfig defragConfig, Options options,
            Consumer<String> log) {
        if (!ring.multiProducer()) {
            throw new IllegalArgumentException("live capture needs a multi-producer packet ring (one producer per"
                    + " interface, plus the clock tick)");
        }
        if (options.checkCapabilities()) {
            Capabilities.require();
        }
        this.ring = ring;
        this.options = options;
        this.decoderConfig = decoderConfig;
        this.defragConfig = defragConfig;
        this.log = log == null ? s -> { } : log;
        this.slotCapacity = ring.slot(0).data.length;
    }

    /**
     * Asks the workers to time out idle flows as of {@code epochNanos} (call once a second): an empty
     * slot flagged {@link Packet#tick} in the packet ring. A full ring skips the tick (packets are
     * arriving, and they expire flows themselves).
     */
    public void tick(long epochNanos) {
        long seq = ring.tryClaim();
        if (seq < 0) {
            return;
        }
        Packet p = ring.slot(seq);
        p.length = 0;
        p.resetDecoded();
        p.tick = true;
        p.tsSeconds = epochNanos / 1_000_000_000L;
        p.tsNanos = (int) (epochNanos % 1_000_000_000L);
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
        Opened opened = open(target, filter);
        Worker w = new Worker(target, id, opened);
        workers.put(target.name(), w);
        w.thread.start();
        log.accept("capturing on " + target.name() + " (" + target.reason()
                + (filter == null ? "" : "; filter: " + filter) + ")");
    }

    /** Stops capturing on an interface (drain, breakLoop, join within 2 s); no-op when not captured. */
    public synchronized void remove(String name) {
        Worker w = workers.get(name);
        if (w == null) {
            return;
        }
        long deadline = System.nanoTime() + 2_000_000_000L;
        drain(List.of(w));
        w.finish();
        join(w, deadline);
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
        w.wake(); // pcap_next_ex does not return on an idle link by itself
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
     * Stops every capture: lets each read what the kernel still holds for one block timeout, then
     * breakLoop on every handle and joins all threads — within 2 s in total, even on idle links.
     * Every packet read is published before its thread ends. Idempotent. The packet ring is not
     * drained here (the caller does that after this returns, so every packet already published is
     * still inspected).
     *
     * @return true when every thread ended in time
     */
    public boolean stop() {
        List<Worker> all;
        synchronized (this) {
            stopped = true;
            all = new ArrayList<>(workers.values());
        }
        long deadline = System.nanoTime() + 2_000_000_000L;
        drain(all);
        for (Worker w : all) {
            w.finish();
        }
        boolean ok = true;
        for (Worker w : all) {
            ok &= join(w, deadline);
        }
        synchronized (this) {
            for (Worker w : all) {
                release(w);
            }
        }
        return ok;
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * Gives running captures one block timeout to read the kernel's last, partly filled block:
     * TPACKET_V3 hands a block over when it is full or its timeout expired, so packets that arrived
     * just before a stop are only readable after that.
     */
    private void drain(List<Worker> ws) {
        if (ws.stream().noneMatch(w -> w.thread.isAlive())) {
            return;
        }
        try {
            Thread.sleep(Math.min(options.timeoutMillis(), MAX_DRAIN_MILLIS) + DRAIN_MARGIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
            w.finish(); // one more wake-up
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

    /** An open handle, its {@code pcap_t} and the timestamp precision it got. */
    private record Opened(PcapHandle handle, Pointer pcap, boolean nanoTimestamps) {
    }

    private Opened open(CaptureTarget target, String filter) {
        boolean promisc = options.promiscuous() != null ? options.promiscuous() : target.promiscuous();
        int snaplen = Math.max(64, Math.min(options.snaplen(), slotCapacity));
        PcapHandle handle;
        boolean nano = true;
        try {
            handle = build(target.name(), snaplen, promisc, PcapHandle.TimestampPrecision.NANO);
        } catch (PcapNativeException e) {
            nano = false;
            try {
                handle = build(target.name(), snaplen, promisc, PcapHandle.TimestampPrecision.MICRO);
            } catch (PcapNativeException | RuntimeException | LinkageError e2) {
                throw new LiveCaptureException(PcapErrors.describe(target.name(), e2));
            }
        } catch (RuntimeException | LinkageError e) {
            throw new LiveCaptureException(PcapErrors.describe(target.name(), e));
        }
        Pointer pcap;
        try {
            pcap = PcapDirect.pcapT(handle);
        } catch (RuntimeException | LinkageError e) {
            handle.close();
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
        return new Opened(handle, pcap, nano);
    }

    private PcapHandle build(String name, int snaplen, boolean promisc, PcapHandle.TimestampPrecision precision)
            throws PcapNativeException {
        // no immediate mode: see "Kernel buffer" in the class comment
        return new PcapHandle.Builder(name)
                .snaplen(snaplen)
                .promiscuousMode(promisc ? PcapNetworkInterface.PromiscuousMode.PROMISCUOUS
                        : PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
                .timeoutMillis(options.timeoutMillis())
                .bufferSize(options.bufferBytes())
                .timestampPrecision(precision)
                .build();
    }

    /** One interface's capture thread: reads, copies into the ring, decodes, publishes. */
    private final class Worker implements Runnable {
        /** Counters are published to readers this often (packets), and whenever a read returns empty. */
        private static final int PUBLISH_EVERY = 256;
        /** How long a capture thread sleeps between looks at a full ring (the kernel buffers meanwhile). */
        private static final long RING_FULL_PAUSE_NANOS = 500_000;

        final CaptureTarget target;
        final int id;
        final PcapHandle handle;
        final PcapReader reader;
        final PacketDecoder decoder;
        final int linkType;
        final Thread thread;
        volatile boolean finishRequested;
        volatile boolean filterPending;
        volatile String pendingFilter;
        volatile String error;

        // capture thread only; published through the volatile copies
        long received, bytes, published, ringDrops, truncated, ringFullWaits;
        volatile long vReceived, vBytes, vPublished, vRingDrops, vTruncated, vRingFullWaits;
        volatile long psRecv, psDrop, psIfDrop;
        long lastStatsNanos;

        Worker(CaptureTarget target, int id, Opened opened) {
            this.target = target;
            this.id = id;
            this.handle = opened.handle();
            this.reader = new PcapReader(opened.pcap(), opened.nanoTimestamps());
            this.decoder = new PacketDecoder(decoderConfig, defragConfig);
            this.linkType = handle.getDlt().value();
            this.thread = new Thread(this, "crowsnest-capture-" + target.name());
            this.thread.setDaemon(true);
        }

        /** Ends the capture thread: it returns from its read and stops. */
        void finish() {
            finishRequested = true;
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
                int sincePublish = 0;
                while (!finishRequested) {
                    if (filterPending) {
                        filterPending = false;
                        applyFilter(pendingFilter);
                    }
                    if (reader.next() == PcapDirect.PACKET) {
                        onPacket();
                        if (++sincePublish < PUBLISH_EVERY) {
                            continue;
                        }
                    }
                    // breakLoop (the loop re-checks its flags), the read timeout, or every 256 packets
                    sincePublish = 0;
                    publishCounters();
                    long now = System.nanoTime();
                    if (now - lastStatsNanos > 1_000_000_000L) {
                        lastStatsNanos = now;
                        pollStats();
                    }
                }
            } catch (IOException | RuntimeException | LinkageError e) {
                if (!finishRequested) {
                    error = PcapErrors.describe(target.name(), e);
                    log.accept(error);
                }
            } finally {
                publishCounters();
                pollStats();
                handle.close();
            }
        }

        /** The packet {@link #reader} just read: into a ring slot, decoded, published. */
        private void onPacket() {
            received++;
            bytes += reader.capturedLength;
            long seq = ring.tryClaim();
            if (seq < 0 && (seq = awaitSlot()) < 0) {
                ringDrops++;
                return;
            }
            Packet p = ring.slot(seq);
            try {
                int n = reader.copyTo(p.data, p.data.length);
                if (reader.capturedLength > n) {
                    truncated++;
                }
                p.length = n;
                p.wireLength = reader.wireLength;
                p.tsSeconds = reader.tsSeconds;
                p.tsNanos = reader.tsNanos;
                p.linkType = linkType;
                p.interfaceId = id;
                p.sourceId = id;
                p.pcapCount = arrivals.incrementAndGet();
                decoder.decode(p);
            } catch (RuntimeException | Error e) {
                p.length = 0; // a claimed slot must be published (other producers wait behind it): empty
                p.resetDecoded();
                throw e;
            } finally {
                ring.publish(seq);
                published++;
            }
        }

        /**
         * Back-pressure: waits for the workers to free slots instead of dropping the packet, so a
         * worker stall (preempted, GC, a slow packet) fills the kernel buffer — ~100k packets — and
         * not the ring of a few thousand slots. It resumes once a sixteenth of the ring is free and
         * looks only every half millisecond meanwhile: waking for every freed slot would take CPU
         * from the workers it waits for (the kernel buffers the ~100 packets of a pause at 200 kpps).
         * Returns -1 only when the capture is finishing.
         */
        private long awaitSlot() {
            ringFullWaits++;
            publishCounters(); // readers see the wait while it lasts
            long resumeAt = Math.max(1, ring.size() / 16);
            while (!finishRequested) {
                LockSupport.parkNanos(RING_FULL_PAUSE_NANOS);
                if (ring.freeSlots() >= resumeAt) {
                    long seq = ring.tryClaim();
                    if (seq >= 0) {
                        return seq;
                    }
                }
            }
            return -1;
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
            vPublished = published;
            vRingDrops = ringDrops;
            vTruncated = truncated;
            vRingFullWaits = ringFullWaits;
        }

        InterfaceStats snapshot() {
            return new InterfaceStats(target.name(), id, vReceived, vBytes, vPublished, vRingDrops, vRingFullWaits, vTruncated,
                    psRecv, psDrop, psIfDrop, thread.isAlive(), error);
        }
    }
}
