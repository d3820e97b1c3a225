package io.crowsnest.sensor.reload;

import io.crowsnest.sensor.pipeline.DetectionPipeline;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Reloads the rules of a running pipeline: loads and compiles the new set on its own thread
 * (packets keep flowing), then swaps it in with {@link DetectionPipeline#swapEngine}. Reloads are
 * serialised. A set that cannot be used leaves the old one running, and the result says why:
 * a rule file that cannot be read, a file with rules of which none loaded, no rule at all, or
 * more flowbits/flowints than flows have room for. Individual refused rules are reported and
 * the rest load (as at start).
 */
public final class RuleReloader implements AutoCloseable {
    /** The outcome of one reload. */
    public record Result(boolean ok, String message, RuleSet ruleSet, double seconds) {}

    private final DetectionPipeline pipeline;
    private final Supplier<RuleSetBuilder.Sources> sources;
    private final PrintStream err;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "crowsnest-reload");
        t.setDaemon(true);
        return t;
    });
    private volatile RuleSet current;

    public RuleReloader(DetectionPipeline pipeline, RuleSet initial, Supplier<RuleSetBuilder.Sources> sources, PrintStream err) {
        this.pipeline = pipeline;
        this.current = initial;
        this.sources = sources;
        this.err = err;
    }

    /** The rule set the pipeline runs (or is switching to). */
    public RuleSet current() {
        return current;
    }

    /** Starts a reload on the reload thread; the future completes when it is swapped in or refused. */
    public CompletableFuture<Result> reloadAsync() {
        return CompletableFuture.supplyAsync(this::reload, thread);
    }

    /** Loads, compiles and swaps; the caller's thread does the work. Logs one line on {@code err}. */
    public synchronized Result reload() {
        long t0 = System.nanoTime();
        RuleSet old = current;
        Result r;
        try {
            RuleSet next = RuleSetBuilder.build(sources.get(), old);
            if (!next.files().isEmpty()) {
                r = refuse(old, "no rule loaded from " + String.join(", ", next.files()), next, t0);
            } else if (next.loaded() == 0) {
                r = refuse(old, "the new rule set has no rule", next, t0);
            } else {
                pipeline.swapEngine(next.engine());
                current = next;
                r = new Result(true, "reloaded " + next.describe() + " in " + secs(t0) + " s (was " + old.hash() + ")",
                        next, (System.nanoTime() - t0) / 1e9);
            }
        } catch (IOException | RuntimeException e) {
            r = refuse(old, e.getMessage(), null, t0);
        }
        if (r.ruleSet() != null) {
            for (String line : r.ruleSet().refused()) {
                err.println("crowsnest: reload: warning: " + line);
            }
        }
        err.println("crowsnest: " + (r.ok() ? "" : "reload failed: ") + r.message());
        return r;
    }

    private Result refuse(RuleSet old, String why, RuleSet next, long t0) {
        return new Result(false, why + "; still running " + old.describe(), next, (System.nanoTime() - t0) / 1e9);
    }

    private static String secs(long t0) {
        return String.format(java.util.Locale.ROOT, "%.2f", (System.nanoTime() - t0) / 1e9);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
