package io.crowsnest.outputs.kafka;

import java.util.ArrayDeque;

/**
 * Spool batches handed to the producer and not yet acknowledged by Kafka, oldest first.
 *
 * <p>The spool has one acknowledged position, but Kafka acknowledges records per partition,
 * so out of order. A batch is done when Kafka has acknowledged each of its records; the spool
 * may be acknowledged up to the end of the longest run of done batches at the head
 * ({@link #takeDone}), never past a record still in flight.
 *
 * <p>Thread safety: the sender thread opens and takes batches; the producer's I/O thread
 * marks records done (callbacks). {@link #clear} (after the producer was aborted) orphans the
 * open batches so that late callbacks from the old producer change nothing.
 */
final class InFlight {
    /** One spool batch: where it ends in the spool, and how many of its records Kafka has not acknowledged. */
    static final class Batch {
        final long endPosition;
        private int outstanding;
        private boolean orphaned;

        private Batch(long endPosition, int records) {
            this.endPosition = endPosition;
            this.outstanding = records;
        }
    }

    private final ArrayDeque<Batch> batches = new ArrayDeque<>();
    private int records;

    /** Registers a batch of {@code records} records ending at spool position {@code endPosition}. */
    synchronized Batch open(long endPosition, int records) {
        Batch b = new Batch(endPosition, records);
        batches.addLast(b);
        this.records += records;
        return b;
    }

    /** One record of {@code b} is done (acknowledged, or dropped as poison). */
    synchronized void done(Batch b) {
        if (b.orphaned || b.outstanding == 0) {
            return;
        }
        b.outstanding--;
        records--;
        notifyAll();
    }

    /** Removes the done batches at the head; returns the end position of the last one, or -1. */
    synchronized long takeDone() {
        long end = -1;
        while (!batches.isEmpty() && batches.peekFirst().outstanding == 0) {
            end = batches.pollFirst().endPosition;
        }
        return end;
    }

    /** Records handed to the producer and not yet done. */
    synchronized int records() {
        return records;
    }

    synchronized boolean isEmpty() {
        return batches.isEmpty();
    }

    /** Waits up to {@code millis} for a record to be done. */
    synchronized void awaitProgress(long millis) throws InterruptedException {
        if (records > 0) {
            wait(millis);
        }
    }

    /** Forgets every open batch (they will be read from the spool again). */
    synchronized void clear() {
        for (Batch b : batches) {
            b.orphaned = true;
        }
        batches.clear();
        records = 0;
        notifyAll();
    }
}
