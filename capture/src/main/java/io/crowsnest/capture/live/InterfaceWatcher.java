package io.crowsnest.capture.live;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Rescans the node every {@code period} (2 s by default) and reports which capture targets
 * appeared, vanished or changed (a changed overlay filter or promiscuity), so a bridge created
 * after start-up is captured within one period plus the time to open it, and a vanished one is
 * released. The first scan reports every target as added. Callbacks run on the watcher thread,
 * one at a time.
 */
public final class InterfaceWatcher implements AutoCloseable {

    /** Receives the differences between two scans (lists may be empty; never null). */
    @FunctionalInterface
    public interface Listener {
        void onChange(List<CaptureTarget> added, List<CaptureTarget> removed, List<CaptureTarget> changed);
    }

    public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(2);

    private final InterfaceDiscovery discovery;
    private final InterfaceDiscovery.Selection selection;
    private final Listener listener;
    private final Duration period;
    private final Map<String, CaptureTarget> current = new LinkedHashMap<>();
    private ScheduledExecutorService timer;
    private volatile String lastError;

    public InterfaceWatcher(InterfaceDiscovery discovery, InterfaceDiscovery.Selection selection,
                            Listener listener, Duration period) {
        this.discovery = discovery;
        this.selection = selection;
        this.listener = listener;
        this.period = period;
    }

    public InterfaceWatcher(InterfaceDiscovery discovery, InterfaceDiscovery.Selection selection, Listener listener) {
        this(discovery, selection, listener, DEFAULT_PERIOD);
    }

    /** Scans once synchronously (reporting the initial targets), then every period in the background. */
    public synchronized void start() {
        if (timer != null) {
            return;
        }
        rescan();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "crowsnest-iface-watcher");
            t.setDaemon(true);
            return t;
        });
        long ms = period.toMillis();
        timer.scheduleWithFixedDelay(this::rescanQuietly, ms, ms, TimeUnit.MILLISECONDS);
    }

    private void rescanQuietly() {
        try {
            rescan();
            lastError = null;
        } catch (RuntimeException e) {
            lastError = e.getMessage();
        }
    }

    /** Scans now and reports the differences; returns the current targets. */
    public synchronized List<CaptureTarget> rescan() {
        List<CaptureTarget> now = discovery.targets(selection);
        Map<String, CaptureTarget> next = new LinkedHashMap<>();
        for (CaptureTarget t : now) {
            next.put(t.name(), t);
        }
        List<CaptureTarget> added = new ArrayList<>();
        List<CaptureTarget> removed = new ArrayList<>();
        List<CaptureTarget> changed = new ArrayList<>();
        for (CaptureTarget t : now) {
            CaptureTarget old = current.get(t.name());
            if (old == null) {
                added.add(t);
            } else if (!old.sameSettings(t)) {
                changed.add(t);
            }
        }
        for (CaptureTarget old : current.values()) {
            if (!next.containsKey(old.name())) {
                removed.add(old);
            }
        }
        current.clear();
        current.putAll(next);
        if (!added.isEmpty() || !removed.isEmpty() || !changed.isEmpty()) {
            listener.onChange(added, removed, changed);
        }
        return now;
    }

    public synchronized List<CaptureTarget> current() {
        return List.copyOf(current.values());
    }

    /** Message of the last failed background scan, null when the last one succeeded. */
    public String lastError() {
        return lastError;
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            timer = null;
        }
    }
}
