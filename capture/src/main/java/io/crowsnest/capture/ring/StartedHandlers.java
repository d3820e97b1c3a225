package io.crowsnest.capture.ring;

import com.lmax.disruptor.EventHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Wraps a ring's handlers so the ring can wait until every consumer thread is really running.
 *
 * <p>Why: {@code Disruptor.shutdown()} only waits for the backlog of processors that are
 * already running. A processor whose thread has not started yet counts as idle, so for a short
 * input the producer can publish everything and call shutdown before the consumer thread runs;
 * shutdown then halts it and the consumer exits without handling a single event — packets and
 * alerts silently lost. The processor sets its state to RUNNING before it calls
 * {@code onStart()}, so once every wrapper's {@code onStart} has counted down, shutdown sees
 * every consumer and waits for it.
 */
public final class StartedHandlers<T> {
    private final CountDownLatch started;
    private final List<EventHandler<T>> wrapped = new ArrayList<>();

    public StartedHandlers(List<? extends EventHandler<T>> handlers) {
        this.started = new CountDownLatch(handlers.size());
        for (EventHandler<T> h : handlers) {
            wrapped.add(new Gate<>(h, started));
        }
    }

    public List<EventHandler<T>> handlers() {
        return wrapped;
    }

    /** Blocks until every consumer thread runs; throws if they do not within 10 s. */
    public void awaitRunning() {
        try {
            if (!started.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("ring consumer threads did not start within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the ring consumers", e);
        }
    }

    private static final class Gate<T> implements EventHandler<T> {
        private final EventHandler<T> delegate;
        private final CountDownLatch started;

        Gate(EventHandler<T> delegate, CountDownLatch started) {
            this.delegate = delegate;
            this.started = started;
        }

        @Override
        public void onEvent(T event, long sequence, boolean endOfBatch) throws Exception {
            delegate.onEvent(event, sequence, endOfBatch);
        }

        @Override
        public void onBatchStart(long batchSize, long queueDepth) {
            delegate.onBatchStart(batchSize, queueDepth);
        }

        @Override
        public void onStart() {
            delegate.onStart();
            started.countDown();
        }

        @Override
        public void onShutdown() {
            delegate.onShutdown();
        }

        @Override
        public void onTimeout(long sequence) throws Exception {
            delegate.onTimeout(sequence);
        }
    }
}
