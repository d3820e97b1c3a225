package io.crowsnest.sensor.replay;

import com.lmax.disruptor.YieldingWaitStrategy;
import io.crowsnest.capture.file.CaptureFileReader;
import io.crowsnest.capture.file.CaptureFormatException;
import io.crowsnest.capture.ring.PacketRing;
import io.crowsnest.decoders.DecoderConfig;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.PacketDecoder;
import io.crowsnest.detection.alert.AlertOutput;
import io.crowsnest.detection.engine.DetectionEngine;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.threshold.ThresholdConfig;
import io.crowsnest.identity.WorkloadLookup;
import io.crowsnest.identity.history.IdentityHistory;
import io.crowsnest.outputs.eve.EveAlertWriter;
import io.crowsnest.outputs.eve.EveWriter;
import io.crowsnest.sensor.forward.ForwardTargets;
import io.crowsnest.sensor.pipeline.DetectionPipeline;
import io.crowsnest.sensor.rules.LoadedRules;
import io.crowsnest.sensor.rules.RuleSetLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Offline replay: capture files → reader (copy into ring slot, decode) → packet ring → N
 * detection workers (flows pinned by hash) → alert ring → EVE writer.
 */
public final class ReplayRunner {
    /** Slots claimed and published together by the reader. */
    static final int PUBLISH_BATCH = 64;

    private final ReplayOptions options;
    private final PrintStream err;

    public ReplayRunner(ReplayOptions options, PrintStream err) {
        this.options = options;
        this.err = err;
    }

    public ReplayResult run() throws IOException {
        ReplayResult result = new ReplayResult();
        LoadedRules rules = RuleSetLoader.load(options.defaultRules, options.ruleFiles, options.variables, err);
        result.rulesTotal = rules.total();
        result.rulesLoaded = rules.signatures().size();
        result.ruleErrors.addAll(rules.errorLines());
        if (options.strict && !rules.errorLines().isEmpty()) {
            result.exitCode = ReplayResult.EXIT_USAGE;
            return result;
        }
        DetectionEngine engine = DetectionEngine.build(rules.signatures());
        // the same ruleset identity a live sensor stamps on its alerts (EVE alert.ruleset, syslog, CEF, LEEF)
        engine.identity(io.crowsnest.sensor.reload.RuleSetBuilder.hashOf(new io.crowsnest.sensor.reload.RuleSetBuilder.Sources(
                options.defaultRules, options.ruleFiles, options.variables)), java.time.Instant.ofEpochMilli(System.currentTimeMillis()).toString());
        if (options.thresholdFile != null) {
            try {
                engine.thresholds().configure(ThresholdConfig.load(options.thresholdFile));
            } catch (RuleParseException e) {
                result.ruleErrors.add(e.getMessage());
                result.exitCode = ReplayResult.EXIT_USAGE;
                return result;
            }
        }

        List<AlertOutput> outputs = new ArrayList<>();
        boolean onlyAlerts = options.eveTypes.stream().allMatch("alert"::equals);
        WorkloadLookup workloads = null;
        if (options.identityFile != null) {
            try {
                // replay is offline: keep every interval the file has, however old
                workloads = IdentityHistory.load(options.identityFile, Long.MAX_VALUE, Integer.MAX_VALUE)::lookup;
            } catch (IOException e) {
                result.inputErrors.add(options.identityFile + ": cannot read the identity file: " + e.getMessage());
                result.exitCode = ReplayResult.EXIT_INPUT;
                return result;
            }
        }
        outputs.add(onlyAlerts ? new EveAlertWriter(options.eveFile()).withWorkloads(workloads)
                : new EveWriter(options.eveFile()).withWorkloads(workloads));
        try {
            outputs.addAll(ForwardTargets.open(options.forward,
                    options.spoolDir != null ? options.spoolDir : options.outDir.resolve("spool"), options.spoolCapMb << 20, err));
        } catch (IllegalArgumentException e) {
            outputs.get(0).close();
            result.usageError = e.getMessage();
            err.println("crowsnest: " + e.getMessage());
            result.exitCode = ReplayResult.EXIT_USAGE;
            return result;
        }
        // the workload rule keyword asks the identity journal (none: every address unknown)
        io.crowsnest.detection.workload.WorkloadFacts.install(io.crowsnest.sensor.rules.WorkloadFactsAdapter.of(workloads));
        DetectionPipeline.Settings settings = new DetectionPipeline.Settings();
        settings.workers = options.workers;
        settings.ringSize = options.ringSize;
        settings.slotCapacity = options.slotCapacity;
        settings.maxFlowsPerWorker = options.maxFlowsPerWorker;
        settings.midstream = options.midstream;
        settings.appLayer = options.appLayer;
        settings.streamDepth = options.streamDepth;
        settings.streamMemcap = options.streamMemcap;
        settings.eventTypes = options.eveTypes;
        settings.behaviour = behaviourStage(workloads, result);
        // Replay keeps the workers busy: they yield instead of sleeping on a lock, and the reader
        // publishes in batches, so no publish pays for a wake-up.
        DetectionPipeline pipeline = new DetectionPipeline(engine, outputs, settings, new YieldingWaitStrategy(), err);
        PacketRing ring = pipeline.ring();
        io.crowsnest.sensor.metrics.HealthEndpoint metricsEndpoint = serveMetrics(pipeline, engine, result);
        DecoderConfig decoderConfig = DecoderConfig.defaults();
        long[] eventCounts = new long[DecoderEvent.count()];

        PacketDecoder decoder = null;
        long started = System.nanoTime();
        long packets = 0, bytes = 0, truncated = 0;
        ReplayProgress progress = options.progress ? new ReplayProgress(options.files, err) : null;
        try {
            for (int fileIndex = 0; fileIndex < options.files.size(); fileIndex++) {
                Path file = options.files.get(fileIndex);
                try (CaptureFileReader reader = CaptureFileReader.open(file)) {
                    DecoderConfig.ChecksumMode mode = options.checksum == DecoderConfig.ChecksumMode.AUTO
                            ? ChecksumProbe.decide(file, decoderConfig) : options.checksum;
                    if (mode == DecoderConfig.ChecksumMode.NONE && options.checksum == DecoderConfig.ChecksumMode.AUTO) {
                        result.checksumOffloadedFiles.add(file.toString());
                    }
                    // One decoder per file: the checksum decision is per file, event counts are summed.
                    decoder = new PacketDecoder(decoderConfig.withChecksumMode(mode), options.defrag);
                    if (progress != null) {
                        progress.startFile(fileIndex, reader.size());
                    }
                    boolean more = true;
                    while (more) {
                        long hi = ring.claim(PUBLISH_BATCH);
                        long lo = hi - PUBLISH_BATCH + 1;
                        IOException damage = null;
                        for (long seq = lo; seq <= hi; seq++) {
                            Packet p = ring.slot(seq);
                            if (more && damage == null) {
                                try {
                                    more = reader.next(p);
                                } catch (IOException e) {
                                    damage = e;
                                    more = false;
                                }
                            }
                            if (!more) {
                                // Claimed slots cannot be handed back: publish them empty, workers skip them.
                                p.length = 0;
                                p.resetDecoded();
                                continue;
                            }
                            p.pcapCount = ++packets;
                            p.sourceId = fileIndex;
                            bytes += p.length;
                            decoder.decode(p);
                        }
                        // One publish per batch: the workers' barrier sees the whole range at once.
                        ring.publish(lo, hi);
                        progressPackets = packets; // plain volatile stores, once per batch, for /metrics
                        progressBytes = bytes;
                        if (damage != null) {
                            throw damage;
                        }
                        if (progress != null) {
                            progress.update(reader.position(), packets);
                        }
                    }
                    truncated += reader.truncatedRecords();
                } catch (CaptureFormatException e) {
                    result.inputErrors.add(e.getMessage());
                    result.exitCode = ReplayResult.EXIT_INPUT;
                } catch (IOException e) {
                    result.inputErrors.add(file + ": cannot read: " + describe(e));
                    result.exitCode = ReplayResult.EXIT_INPUT;
                } finally {
                    if (decoder != null) {
                        long[] ev = decoder.eventCounts();
                        for (int i = 0; i < ev.length; i++) {
                            eventCounts[i] += ev[i];
                        }
                        decoder = null;
                    }
                }
            }
        } finally {
            // Drain in pipeline order so every alert raised is written before we return.
            result.inputErrors.addAll(pipeline.drainAndClose());
            progressPackets = packets;
            progressBytes = bytes;
            replaying = false;
            if (progress != null) {
                progress.finish();
            }
        }
        result.seconds = (System.nanoTime() - started) / 1e9;
        if (metricsEndpoint != null) {
            lingerThenClose(metricsEndpoint); // after the clock stopped: the linger is not replay time
        }
        result.packets = packets;
        result.bytes = bytes;
        result.alerts = pipeline.alerts().alerts();
        result.alertsBySid = pipeline.alerts().bySid();

        for (DecoderEvent e : DecoderEvent.values()) {
            if (eventCounts[e.ordinal()] > 0) {
                // defrag caps and timeouts lose datagrams: they are drops, the rest describe the traffic
                (e.loss() ? result.drops : result.events).put(e.eventName(), eventCounts[e.ordinal()]);
            }
        }
        long fragments = 0;
        for (io.crowsnest.sensor.pipeline.DetectionWorker w : pipeline.workers()) {
            fragments += w.fragments();
        }
        putNonZero(result.events, "fragments (inspected without a flow)", fragments);
        // how much rule work the packets cost: what signature grouping and the prefilters leave to evaluate
        io.crowsnest.detection.engine.EngineStats es = engine.stats();
        putNonZero(result.events, "detect.inspections", es.packets());
        putNonZero(result.events, "detect.rules_evaluated", es.evaluated());
        putNonZero(result.events, "detect.prefilter_candidates", es.prefilterCandidates());
        putNonZero(result.events, "detect.transaction_candidates", es.transactionCandidates());
        for (java.util.Map.Entry<String, Long> e : pipeline.streamCounters().entrySet()) {
            // caps hit are losses; the rest describe the traffic
            if (e.getKey().endsWith("_drops")) {
                putNonZero(result.drops, e.getKey(), e.getValue());
            } else {
                putNonZero(result.events, e.getKey(), e.getValue());
            }
        }
        putNonZero(result.drops, "checksum_invalid (not inspected)", pipeline.skippedBadChecksum());
        putNonZero(result.drops, "flow_table_full (flows evicted)", pipeline.flowsEvicted());
        putNonZero(result.drops, "record_truncated (longer than a ring slot)", truncated);
        putNonZero(result.drops, "alert_output_errors", pipeline.alerts().outputErrors());
        for (AlertOutput out : outputs) {
            if (out instanceof io.crowsnest.outputs.spool.SpooledAlertOutput<?> s) {
                // EVE has every alert; a forward target whose spool was full (cap or disk) says how many it lacks
                String target = "forward " + s.spool().dir().getFileName();
                putNonZero(result.drops, target + ": not spooled, dropped by the cap", s.spool().droppedRecords());
                putNonZero(result.drops, target + ": not spooled, write failed (disk full?)", s.spool().failedAppends());
            }
        }
        if (result.behaviour != null) {
            for (java.util.Map.Entry<String, Long> e : result.behaviour.engine().stats().entrySet()) {
                if (e.getKey().endsWith("_evicted") || e.getKey().endsWith("_dropped")) {
                    putNonZero(result.drops, "behaviour." + e.getKey(), e.getValue());
                }
            }
        }
        putNonZero(result.drops, "worker_errors (packets whose inspection failed)", ring.workerFailures());
        return result;
    }

    private volatile long progressPackets;
    private volatile long progressBytes;
    private volatile boolean replaying = true;

    /** /metrics (the same names as live, the replay as interface "replay"), /healthz and /readyz, or null. */
    private io.crowsnest.sensor.metrics.HealthEndpoint serveMetrics(DetectionPipeline pipeline, DetectionEngine engine,
                                                                   ReplayResult result) {
        if (options.metricsAddress == null) {
            return null;
        }
        io.crowsnest.sensor.metrics.SensorMetrics metrics = new io.crowsnest.sensor.metrics.SensorMetrics(
                () -> List.of(new io.crowsnest.capture.live.InterfaceStats("replay", 0, progressPackets, progressBytes,
                        progressPackets, 0, 0, 0, progressPackets, 0, 0, replaying, null)),
                () -> pipeline.alerts().alerts(), () -> pipeline.ring().occupancy(), result.rulesLoaded,
                result.rulesTotal - result.rulesLoaded);
        String hash = engine.rulesetHash();
        double loadedAt = System.currentTimeMillis() / 1000.0;
        metrics.ruleset(() -> hash, () -> loadedAt);
        if (result.behaviour != null) {
            metrics.behaviour(result.behaviour.alertsByDetector());
        }
        try {
            io.crowsnest.sensor.metrics.HealthEndpoint h = new io.crowsnest.sensor.metrics.HealthEndpoint(options.metricsAddress,
                    metrics::scrape, () -> true, () -> replaying);
            err.println("crowsnest: metrics on http://" + h.address().getHostString() + ":" + h.address().getPort() + "/metrics");
            return h;
        } catch (Exception e) {
            err.println("crowsnest: warning: cannot serve metrics on " + options.metricsAddress + ": " + e.getMessage());
            return null;
        }
    }

    private void lingerThenClose(io.crowsnest.sensor.metrics.HealthEndpoint h) {
        try {
            Thread.sleep(options.metricsLingerSeconds * 1000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        h.close();
    }

    /** The behaviour stage of this run (detectors unless --no-behaviour, plus extra observers), or null. */
    private io.crowsnest.sensor.behaviour.BehaviourStage behaviourStage(WorkloadLookup workloads, ReplayResult result) {
        List<io.crowsnest.behaviour.Observer> observers = new ArrayList<>(options.observers);
        if (options.behaviour) {
            io.crowsnest.behaviour.BehaviourContext ctx = new io.crowsnest.behaviour.BehaviourContext(options.baseline,
                    options.behaviourConfig, io.crowsnest.sensor.behaviour.BehaviourStage.names(workloads));
            observers.addAll(io.crowsnest.behaviour.Detectors.all(ctx));
        }
        if (observers.isEmpty()) {
            return null;
        }
        io.crowsnest.sensor.behaviour.BehaviourStage stage = new io.crowsnest.sensor.behaviour.BehaviourStage(observers, options.behaviourTap);
        result.behaviour = stage;
        return stage;
    }

    private static void putNonZero(java.util.Map<String, Long> m, String k, long v) {
        if (v > 0) {
            m.put(k, v);
        }
    }

    private static String describe(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

}
