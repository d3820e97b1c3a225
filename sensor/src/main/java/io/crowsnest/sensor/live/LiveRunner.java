package io.crowsnest.sensor.live;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.EventHandler;
import io.crowsnest.capture.file.RollingPcapWriter;
import io.crowsnest.capture.live.InterfaceDiscovery;
import io.crowsnest.capture.live.InterfaceStats;
import io.crowsnest.capture.live.InterfaceWatcher;
import io.crowsnest.capture.live.LiveCapture;
import io.crowsnest.capture.live.LiveCaptureException;
import io.crowsnest.decoders.DecoderConfig;
import io.crowsnest.decoders.Packet;
import io.crowsnest.detection.alert.AlertOutput;
import io.crowsnest.detection.engine.DetectionEngine;
import io.crowsnest.outputs.eve.EveAlertWriter;
import io.crowsnest.sensor.forward.ForwardTargets;
import io.crowsnest.sensor.metrics.HealthEndpoint;
import io.crowsnest.sensor.metrics.SensorMetrics;
import io.crowsnest.sensor.pipeline.DetectionPipeline;
import io.crowsnest.sensor.reload.AdminEndpoint;
import io.crowsnest.sensor.reload.RuleReloader;
import io.crowsnest.sensor.reload.RuleSet;
import io.crowsnest.sensor.reload.RuleSetBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Live capture: discovered bridge and overlay interfaces → pcap4j capture threads → the same
 * detection pipeline as replay. Runs until {@link #requestStop()} (SIGTERM/SIGINT) or the
 * optional duration ends; then stops capture (breakLoop), drains the ring, flushes every alert
 * already raised and reports.
 */
public final class LiveRunner {
    /** Exit codes, Unix style. */
    public static final int EXIT_OK = 0;
    public static final int EXIT_CAPTURE = 1;
    public static final int EXIT_USAGE = 2;

    private final LiveOptions options;
    private final PrintStream out;
    private final PrintStream err;
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile boolean capturing;
    private volatile io.crowsnest.outputs.eve.EveFile eveFile;
    private volatile boolean stopping;
    private volatile RuleReloader reloader;

    public LiveRunner(LiveOptions options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    /** Asks a running {@link #run()} to stop; safe from any thread (signal handlers). */
    public void requestStop() {
        stop.countDown();
    }

    /** Asks the EVE writer to reopen eve.json at the next record (after logrotate moved it; SIGHUP). */
    public void reopenLogs() {
        io.crowsnest.outputs.eve.EveFile f = eveFile;
        if (f != null) {
            f.requestReopen();
        }
    }

    /** Asks a running {@link #run()} to reload its rules in the background; safe from any thread (SIGHUP). */
    public void requestReload() {
        RuleReloader r = reloader;
        if (r == null) {
            err.println("crowsnest: reload ignored: the sensor is not running yet");
            return;
        }
        r.reloadAsync();
    }

    public int run() throws IOException {
        RuleSetBuilder.Sources sources = new RuleSetBuilder.Sources(options.defaultRules, List.copyOf(options.ruleFiles),
                java.util.Map.copyOf(options.variables));
        RuleSet ruleSet = RuleSetBuilder.build(sources, null);
        for (String line : ruleSet.refused()) {
            err.println("crowsnest: warning: " + line);
        }
        DetectionEngine engine = ruleSet.engine();
        List<AlertOutput> outputs = new ArrayList<>();
        IdentitySources identity = IdentitySources.start(options, err);
        eveFile = options.eveFile();
        outputs.add(new EveAlertWriter(eveFile).withWorkloads(identity == null ? null : identity.lookup()));
        try {
            outputs.addAll(ForwardTargets.open(options.forward,
                    options.spoolDir != null ? options.spoolDir : options.outDir.resolve("spool"), options.spoolCapMb << 20, err));
        } catch (IllegalArgumentException e) {
            outputs.get(0).close();
            err.println("crowsnest: " + e.getMessage());
            return EXIT_USAGE;
        }
        io.crowsnest.detection.workload.WorkloadFacts.install(
                io.crowsnest.sensor.rules.WorkloadFactsAdapter.of(identity == null ? null : identity.lookup()));
        DetectionPipeline.Settings settings = new DetectionPipeline.Settings();
        settings.workers = options.workers;
        settings.ringSize = options.ringSize;
        settings.slotCapacity = options.slotCapacity;
        settings.multiProducer = true; // one capture thread per interface, plus the clock tick
        settings.maxFlowsPerWorker = options.maxFlowsPerWorker;
        settings.streamDepth = options.streamDepth;
        settings.streamMemcap = options.streamMemcap;
        List<io.crowsnest.behaviour.Observer> observers = new ArrayList<>(options.observers);
        if (options.behaviour) {
            observers.addAll(io.crowsnest.behaviour.Detectors.all(new io.crowsnest.behaviour.BehaviourContext(options.baseline,
                    options.behaviourConfig, io.crowsnest.sensor.behaviour.BehaviourStage.names(identity == null ? null : identity.lookup()))));
        }
        if (!observers.isEmpty()) {
            settings.behaviour = new io.crowsnest.sensor.behaviour.BehaviourStage(observers);
        }
        List<EventHandler<Packet>> extra = new ArrayList<>();
        if (options.pcapOutDir != null) {
            extra.add(new PcapRingHandler(new RollingPcapWriter(options.pcapOutDir, options.pcapOutFileMb << 20,
                    options.pcapOutFiles), err));
        }
        // Live: the capture may idle for hours, so workers block instead of spinning.
        DetectionPipeline pipeline = new DetectionPipeline(engine, outputs, settings, new BlockingWaitStrategy(), extra, err);

        LiveCapture.Options capOptions = LiveCapture.Options.defaults()
                .withSnaplen(Math.min(options.snaplen, options.slotCapacity))
                .withBufferBytes(options.bufferMb << 20);
        if (options.bpf != null && !options.bpf.isBlank()) {
            capOptions = capOptions.withBpf(options.bpf);
        }
        LiveCapture capture;
        try {
            capture = new LiveCapture(pipeline.ring(), DecoderConfig.defaults().withChecksumMode(options.checksum),
                    options.defrag, capOptions, line -> err.println("crowsnest: " + line));
        } catch (LiveCaptureException e) {
            pipeline.drainAndClose();
            err.println("crowsnest: error: " + e.getMessage());
            return EXIT_CAPTURE;
        }
        final LiveCapture cap = capture;
        RuleReloader rl = new RuleReloader(pipeline, ruleSet, () -> sources, err);
        reloader = rl;
        SensorMetrics metrics = new SensorMetrics(cap::stats, () -> pipeline.alerts().alerts(),
                () -> pipeline.ring().occupancy(), () -> rl.current().loaded(), () -> rl.current().refusedCount());
        metrics.ruleset(() -> rl.current().hash(), () -> rl.current().loadedAtSeconds());
        if (settings.behaviour != null) {
            metrics.behaviour(settings.behaviour.alertsByDetector());
        }
        AdminEndpoint admin = null;
        if (options.adminAddress != null) {
            try {
                admin = new AdminEndpoint(options.adminAddress, rl::reloadAsync);
                err.println("crowsnest: admin endpoint on http://" + hostPort(admin.address()) + " (POST /reload)");
            } catch (Exception e) {
                err.println("crowsnest: warning: cannot serve the admin endpoint on " + hostPort(options.adminAddress) + ": " + e
                        + " (crowsnest reload will not work; SIGHUP still reloads)");
            }
        }
        HealthEndpoint http = null;
        if (options.metricsAddress != null) {
            try {
                http = new HealthEndpoint(options.metricsAddress, metrics::scrape, () -> !stopping, () -> capturing);
                err.println("crowsnest: metrics and health on http://" + hostPort(http.address())
                        + " (/metrics, /healthz, /readyz)");
            } catch (Exception e) {
                err.println("crowsnest: error: cannot serve metrics on " + hostPort(options.metricsAddress) + ": " + e.getMessage()
                        + " (use --metrics-address HOST:PORT or none)");
                capture.stop();
                pipeline.drainAndClose();
                if (admin != null) {
                    admin.close();
                }
                rl.close();
                return EXIT_CAPTURE;
            }
        }
        InterfaceDiscovery.Selection selection = InterfaceDiscovery.Selection.parse(options.interfaces, options.exclude);
        InterfaceWatcher watcher = new InterfaceWatcher(new InterfaceDiscovery(), selection, capture.watcherListener());
        long started = System.nanoTime();
        err.println("crowsnest: live: " + ruleSet.describe() + ", " + options.workers + " worker(s), alerts to "
                + options.outDir.resolve("eve.json"));
        try {
            watcher.start();
            capturing = true;
            if (capture.interfaces().isEmpty()) {
                err.println("crowsnest: warning: no interface to capture yet (" + describe(selection)
                        + "); watching for bridges and overlays to appear");
            } else {
                err.println("crowsnest: capturing on " + String.join(", ", capture.interfaces()));
            }
            long intervalNanos = options.statsInterval.toNanos();
            long deadline = options.duration == null ? Long.MAX_VALUE : started + options.duration.toNanos();
            long nextReport = started + intervalNanos;
            while (true) {
                long now = System.nanoTime();
                // wake every second: the behaviour stage's windows close on record time, which an
                // idle link does not advance, so the clock is ticked through the alert ring
                long wait = Math.min(Math.min(nextReport, deadline) - now, 1_000_000_000L);
                if (wait <= 0 ? now >= deadline : stop.await(wait, TimeUnit.NANOSECONDS)) {
                    break;
                }
                if (System.nanoTime() >= deadline) {
                    break;
                }
                long wall = System.currentTimeMillis() * 1_000_000L;
                cap.tick(wall);                // idle flows end (flow records) even on a quiet link
                pipeline.tickBehaviour(wall);  // and the behaviour stage's windows close
                if (System.nanoTime() >= nextReport) {
                    report(capture, pipeline, started, false);
                    nextReport += intervalNanos;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopping = true;
            capturing = false;
            watcher.close();
            capture.stop();
            pipeline.drainAndClose().forEach(e -> err.println("crowsnest: error: " + e));
        }
        report(capture, pipeline, started, true);
        if (identity != null) {
            identity.close();
        }
        reloader = null;
        if (admin != null) {
            admin.close();
        }
        rl.close();
        if (http != null) {
            http.close();
        }
        return EXIT_OK;
    }

    private void report(LiveCapture capture, DetectionPipeline pipeline, long started, boolean last) {
        double uptime = (System.nanoTime() - started) / 1e9;
        List<InterfaceStats> stats = capture.stats();
        long alerts = pipeline.alerts().alerts();
        long occupancy = last ? 0 : pipeline.ring().occupancy();
        (last ? out : err).println((last ? "final " : "") + LiveStats.line(uptime, stats, alerts, occupancy));
        try {
            LiveStats.writeJson(options.outDir, uptime, stats, alerts, occupancy, last);
        } catch (IOException e) {
            err.println("crowsnest: error: cannot write " + options.outDir.resolve("stats.json") + ": " + e.getMessage());
        }
    }

    private static String hostPort(java.net.InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }

    private static String describe(InterfaceDiscovery.Selection s) {
        return s.auto() ? "auto: no Linux bridge or VXLAN/Geneve device is up" : "none of " + s.names() + " exists";
    }
}
