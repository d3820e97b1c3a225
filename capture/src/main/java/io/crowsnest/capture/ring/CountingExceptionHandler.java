package io.crowsnest.capture.ring;

import com.lmax.disruptor.ExceptionHandler;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps a ring consumer alive when its handler throws: the event is counted as failed, the
 * first failure is reported with what it was, and the consumer moves on. (The Disruptor's
 * default handler would rethrow and end the consumer thread, stalling the whole pipeline.)
 */
public final class CountingExceptionHandler<T> implements ExceptionHandler<T> {
    private final String what;
    private final PrintStream err;
    private final AtomicLong failures = new AtomicLong();

    public CountingExceptionHandler(String what, PrintStream err) {
        this.what = what;
        this.err = err;
    }

    @Override
    public void handleEventException(Throwable ex, long sequence, T event) {
        if (failures.getAndIncrement() == 0) {
            err.println("crowsnest: error: " + what + " failed on " + event + ": " + ex
                    + " (further failures are only counted)");
        }
    }

    @Override
    public void handleOnStartException(Throwable ex) {
        err.println("crowsnest: error: " + what + " failed to start: " + ex);
    }

    @Override
    public void handleOnShutdownException(Throwable ex) {
        err.println("crowsnest: error: " + what + " failed to shut down: " + ex);
    }

    public long failures() {
        return failures.get();
    }
}
