package io.crowsnest.sensor.replay;

import io.crowsnest.decoders.DecoderConfig;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything {@code crowsnest replay} can be told, with the documented defaults. */
public final class ReplayOptions {
    public final List<Path> files = new ArrayList<>();
    public final List<Path> ruleFiles = new ArrayList<>();
    /** Load the shipped rules from {@code signatures/} as well (off with --no-default-rules). */
    public boolean defaultRules = true;
    public Path outDir = Paths.get("crowsnest-out");
    public DecoderConfig.ChecksumMode checksum = DecoderConfig.ChecksumMode.AUTO;
    /** IP defragmentation limits and overlap policies (--defrag-policy, --host-os-policy). */
    public io.crowsnest.decoders.defrag.DefragConfig defrag = io.crowsnest.decoders.defrag.DefragConfig.defaults();
    public boolean midstream;
    public final Map<String, String> variables = new LinkedHashMap<>();
    public int workers = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    public boolean strict;
    /** Suricata threshold.config-style file (suppress / threshold / rate_filter), or null. */
    public Path thresholdFile;
    /** Show a progress bar on stderr (the CLI turns it on when stderr is a terminal). */
    public boolean progress;
    public int ringSize = 1024;
    public int slotCapacity = 65_536 + 256;
    public int maxFlowsPerWorker = 65_536;
    /** Run TCP reassembly and the app-layer parsers (off: packet rules only). */
    public boolean appLayer = true;
    /** EVE record types to write: "alert" always; "http", "dns", "tls", "ssh", "anomaly", "flow" on request. */
    public final java.util.Set<String> eveTypes = new java.util.LinkedHashSet<>(java.util.List.of("alert"));
    /** TCP reassembly depth per direction (bytes). */
    public int streamDepth = 1 << 20;
    /** Memory cap of each worker's reassembler (bytes). */
    public long streamMemcap = 64L << 20;
    /** --forward targets (syslog/RELP/HTTP URLs), each with an on-disk spool. */
    public final List<String> forward = new ArrayList<>();
    /** Where the forwarding spools live (null: OUT/spool). */
    public Path spoolDir;
    public long spoolCapMb = 256;
    /** A recorded identity file (JSON lines, as `live --identity-out` writes) naming alert ends. */
    public Path identityFile;
    /** Rotate eve.json past this many MiB / this many minutes (0: never); gzip rotated files. */
    public long eveRotateMb;
    public long eveRotateMinutes;
    public boolean eveCompress;

    /** Serve /metrics, /healthz and /readyz here while replaying (null: not served). */
    public java.net.InetSocketAddress metricsAddress;
    /** Keep serving the final metrics this long after the replay ended (a last scrape sees the totals). */
    public long metricsLingerSeconds;

    /** Run the behavioural detectors (off with --no-behaviour). */
    public boolean behaviour = true;
    /** The baseline the detectors compare with (null: none, drift detection off). */
    public io.crowsnest.behaviour.profile.Profile baseline;
    public io.crowsnest.behaviour.BehaviourConfig behaviourConfig = io.crowsnest.behaviour.BehaviourConfig.defaults();
    /** Extra observers of the record stream (the profile learner of `baseline learn`). */
    public final List<io.crowsnest.behaviour.Observer> observers = new ArrayList<>();
    /** Sees every behavioural alert (the evaluation keeps them), or null. */
    public java.util.function.Consumer<io.crowsnest.behaviour.BehaviourAlert> behaviourTap;

    /** The eve.json of a run, rotating as configured. */
    public io.crowsnest.outputs.eve.EveFile eveFile() throws java.io.IOException {
        return new io.crowsnest.outputs.eve.EveFile(outDir.resolve("eve.json"), eveRotateMb << 20,
                eveRotateMinutes * 60_000L, eveCompress, System::currentTimeMillis);
    }
}
