package io.crowsnest.sensor.pipeline;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.crowsnest.capture.ring.CountingExceptionHandler;
import io.crowsnest.capture.ring.StartedHandlers;
import io.crowsnest.detection.alert.Alert;
import java.util.List;
import java.util.concurrent.ThreadFactory;

/**
 * Carries alerts from the detection workers to the single writer thread: a multi-producer
 * Disruptor over pre-allocated {@link Alert} slots, so raising an alert allocates nothing and
 * never waits on output I/O unless the ring is full (then the worker waits: an alert that was
 * raised is never dropped).
 *
 * <p>Memory ordering: workers claim with a CAS on the producer cursor and publish with a
 * store-release of the slot's availability flag; the writer's barrier reads those with acquire
 * semantics, so the plain fields of {@link Alert} written before publish are visible to it.
 */
public final class AlertRing {
    private final Disruptor<Alert> disruptor;
    private final RingBuffer<Alert> ring;

    public AlertRing(int size, EventHandler<Alert> writer, ThreadFactory threadFactory, java.io.PrintStream err) {
        this.disruptor = new Disruptor<>(Alert::new, size, threadFactory, ProducerType.MULTI,
                new BlockingWaitStrategy());
        this.disruptor.setDefaultExceptionHandler(new CountingExceptionHandler<>("alert writer", err));
        StartedHandlers<Alert> gated = new StartedHandlers<>(List.of(writer));
        this.disruptor.handleEventsWith(gated.handlers().get(0));
        this.ring = disruptor.start();
        gated.awaitRunning();
    }

    public long claim() {
        return ring.next();
    }

    public Alert slot(long sequence) {
        return ring.get(sequence);
    }

    public void publish(long sequence) {
        ring.publish(sequence);
    }

    /** Puts a record for the behaviour stage on the ring (nothing is written to the outputs for it). */
    public void publishRecord(Object record) {
        long seq = ring.next();
        try {
            Alert a = ring.get(seq);
            a.eventType = "record";
            a.record = record;
            a.log = false;
        } finally {
            ring.publish(seq);
        }
    }

    /** Waits until the writer handled every published alert, then stops it. */
    public void drainAndStop() {
        disruptor.shutdown();
    }
}
