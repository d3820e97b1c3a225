package io.crowsnest.capture.ring;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.crowsnest.decoders.Packet;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import com.lmax.disruptor.TimeoutException;

/**
 * The ring that hands packets from the packet source to the detection workers: an LMAX
 * Disruptor over pre-allocated {@link Packet} slots. The source copies each packet's bytes
 * straight into a claimed slot, decodes it there and publishes it; every worker sees every
 * slot and handles only the packets whose flow hash maps to it (see {@link WorkerSelector}).
 * Replay has one producer thread (a single-producer ring, no CAS per claim); live capture has one
 * per interface plus the clock tick, so it asks for a multi-producer ring
 * ({@link #PacketRing(int, int, List, ThreadFactory, WaitStrategy, java.io.PrintStream, boolean)}).
 *
 * <p>Memory ordering: the Disruptor's sequence barrier gives the handoff its happens-before
 * edge. {@link #publish(long)} is a store-release of the producer cursor after all the writes
 * to the slot; a worker's wait on the barrier is a load-acquire of that cursor, so the slot's
 * plain fields are visible to it without volatile fields on {@link Packet}. The producer only
 * reuses a slot after every worker's sequence (read with acquire semantics by the gating
 * logic) has passed it, so a worker never sees a slot being overwritten under it.
 */
public final class PacketRing {
    private final Disruptor<Packet> disruptor;
    private final RingBuffer<Packet> ring;
    private final CountingExceptionHandler<Packet> errors;
    private final boolean multiProducer;

    /**
     * @param size         number of slots, a power of two
     * @param slotCapacity bytes per slot; longer packets are truncated by the source (and counted)
     * @param workers      one handler per worker thread
     */
    @SuppressWarnings("unchecked")
    public PacketRing(int size, int slotCapacity, List<? extends EventHandler<Packet>> workers,
                      ThreadFactory threadFactory) {
        this(size, slotCapacity, workers, threadFactory, new BlockingWaitStrategy(), System.err);
    }

    /**
     * @param waitStrategy how idle workers wait: replay, which keeps them busy, uses a yielding
     *                     strategy (no lock and no signal per publish); live capture, idle for
     *                     long stretches, a blocking one that costs no CPU while the link is quiet
     */
    @SuppressWarnings("unchecked")
    public PacketRing(int size, int slotCapacity, List<? extends EventHandler<Packet>> workers,
                      ThreadFactory threadFactory, WaitStrategy waitStrategy, java.io.PrintStream err) {
        this(size, slotCapacity, workers, threadFactory, waitStrategy, err, false);
    }

    /**
     * @param multiProducer several threads claim and publish concurrently (live capture: one
     *                      capture thread per interface); false: exactly one producer thread
     */
    @SuppressWarnings("unchecked")
    public PacketRing(int size, int slotCapacity, List<? extends EventHandler<Packet>> workers,
                      ThreadFactory threadFactory, WaitStrategy waitStrategy, java.io.PrintStream err,
                      boolean multiProducer) {
        if (Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("ring size must be a power of two, got " + size);
        }
        this.disruptor = new Disruptor<>(() -> new Packet(slotCapacity), size, threadFactory,
                multiProducer ? ProducerType.MULTI : ProducerType.SINGLE, waitStrategy);
        this.multiProducer = multiProducer;
        this.errors = new CountingExceptionHandler<>("detection worker", err);
        this.disruptor.setDefaultExceptionHandler(errors);
        StartedHandlers<Packet> gated = new StartedHandlers<>(workers);
        this.disruptor.handleEventsWith(gated.handlers().toArray(new EventHandler[0]));
        this.ring = disruptor.start();
        gated.awaitRunning();
    }

    /** Packets whose handling threw (counted, reported once, the worker carried on). */
    public long workerFailures() {
        return errors.failures();
    }

    /** Claims the next slot (blocks while the ring is full). Producer thread only. */
    public long claim() {
        return ring.next();
    }

    /**
     * Claims the next {@code n} slots and returns the highest sequence (the first is
     * {@code highest - n + 1}); publish them together with {@link #publish(long, long)} so the
     * workers are woken once per batch, not once per packet. Producer thread only.
     */
    public long claim(int n) {
        return ring.next(n);
    }

    /** Makes slots {@code lo..hi} visible to the workers at once. */
    public void publish(long lo, long hi) {
        ring.publish(lo, hi);
    }

    /** Several threads may claim and publish (see the constructor). */
    public boolean multiProducer() {
        return multiProducer;
    }

    /**
     * Claims the next slot if one is free, else returns -1 (live capture counts that as a ring
     * drop). Any producer thread of a multi-producer ring; the producer thread otherwise.
     */
    public long tryClaim() {
        if (!multiProducer) {
            return ring.hasAvailableCapacity(1) ? ring.next() : -1;
        }
        try {
            return ring.tryNext(); // a CAS; the exception is a preallocated singleton
        } catch (InsufficientCapacityException e) {
            return -1;
        }
    }

    public Packet slot(long sequence) {
        return ring.get(sequence);
    }

    /** Makes the slot visible to the workers (store-release of the cursor). */
    public void publish(long sequence) {
        ring.publish(sequence);
    }

    /** Number of slots. */
    public int size() {
        return ring.getBufferSize();
    }

    /** Slots free right now (claimable without waiting). */
    public long freeSlots() {
        return ring.remainingCapacity();
    }

    /** Slots currently filled and not yet consumed by the slowest worker. */
    public long occupancy() {
        return ring.getBufferSize() - ring.remainingCapacity();
    }

    /** Waits until the workers consumed everything published, then stops them. */
    public void drainAndStop(long timeout, TimeUnit unit) throws TimeoutException {
        disruptor.shutdown(timeout, unit);
    }

    /** Stops the workers after they consumed everything published. */
    public void drainAndStop() {
        disruptor.shutdown();
    }
}
