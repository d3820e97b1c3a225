package io.crowsnest.sensor.cli;

import io.crowsnest.decoders.DecoderConfig;
import io.crowsnest.sensor.replay.ReplayOptions;
import io.crowsnest.sensor.replay.ReplayResult;
import io.crowsnest.sensor.replay.ReplayRunner;
import io.crowsnest.sensor.replay.ReplaySummary;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code crowsnest replay FILE...}: offline detection over pcap/pcapng files. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Run detection over pcap/pcapng capture files and write EVE JSON alerts.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:an input could not be read (truncated or corrupt capture, missing file)",
                "2:usage error, or rule errors with --strict"})
public final class ReplayCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Capture files (pcap or pcapng).")
    List<Path> files;

    @Option(names = "--rules", paramLabel = "FILE|DIR", description = "Rule file, or a directory of *.rules files, to load (repeatable); adds to the shipped rules.")
    List<Path> rules = new java.util.ArrayList<>();

    @Option(names = "--no-default-rules", description = "Do not load the shipped rules from signatures/.")
    boolean noDefaultRules;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("crowsnest-out");

    @Option(names = "--checksum", paramLabel = "auto|all|none",
            description = "Checksum validation: auto (like Suricata's capture-file default), all, none (default: ${DEFAULT-VALUE}).")
    String checksum = "auto";

    @Option(names = "--midstream", description = "Pick up TCP sessions without a handshake as established.")
    boolean midstream;

    @Option(names = "--set", paramLabel = "NAME=VALUE", description = "Override a rule variable, e.g. HOME_NET=[10.0.0.0/8] (repeatable).")
    Map<String, String> set = new java.util.LinkedHashMap<>();

    @Option(names = "--workers", paramLabel = "N", description = "Detection worker threads (default: cores - 1, at least 1).")
    Integer workers;

    @Option(names = "--strict", description = "Exit 2 when any rule fails to load.")
    boolean strict;

    @Option(names = "--threshold-file", paramLabel = "FILE", description = "threshold.config-style file: suppress, threshold, rate_filter (parsed, not applied).")
    Path thresholdFile;

    @Option(names = "--no-progress", description = "Never draw the progress bar.")
    boolean noProgress;

    @Option(names = "--eve-types", paramLabel = "TYPES", split = ",",
            description = "EVE record types to write: alert,http,dns,tls,ssh,redis,pgsql,mysql,ftp,anomaly,flow"
                    + " (default: alert).")
    List<String> eveTypes;

    @Option(names = "--no-app-layer", description = "Packet rules only: no TCP reassembly, no app-layer parsing.")
    boolean noAppLayer;

    @Option(names = "--identity", paramLabel = "FILE",
            description = "Name both ends of alerts (pod, namespace, container, image…) from an identity file written by `live --identity-out`.")
    Path identity;

    @Option(names = "--forward", paramLabel = "URL", description = "Forward alerts (repeatable): syslog+udp|syslog+tcp|syslog+tls|relp://HOST:PORT[?format=rfc5424|rfc3164|cef|leef], http(s)://HOST:PORT/PATH[?flavor=webhook|bulk|hec&token=T&ack=true], or kafka://HOST:PORT[,HOST:PORT]/TOPIC[?compression=none|gzip|lz4|zstd|snappy&linger_ms=N&tls=true&ca=FILE&sasl=plain|scram-sha-256|scram-sha-512&user=U&password=P]. Each target has an on-disk spool.")
    List<String> forward = new java.util.ArrayList<>();

    @Option(names = "--spool-dir", paramLabel = "DIR", description = "Where --forward spools live (default: OUT/spool).")
    Path spoolDir;

    @Option(names = "--spool-mb", paramLabel = "N", description = "Cap of each --forward spool; past it the oldest alerts are dropped and counted (default: ${DEFAULT-VALUE}).")
    long spoolMb = 256;

    @Option(names = "--eve-rotate-mb", paramLabel = "N", description = "Rotate eve.json when it reaches N MiB (default: never).")
    long eveRotateMb;

    @Option(names = "--eve-rotate-minutes", paramLabel = "N", description = "Rotate eve.json every N minutes (default: never).")
    long eveRotateMinutes;

    @Option(names = "--eve-compress", description = "gzip rotated eve.json files.")
    boolean eveCompress;

    @Option(names = "--metrics-address", paramLabel = "HOST:PORT",
            description = "Serve Prometheus /metrics, /healthz and /readyz here while replaying (default: not served).")
    String metricsAddress;

    @Option(names = "--metrics-linger", paramLabel = "SECONDS",
            description = "Keep serving the final metrics this long after the replay (default: ${DEFAULT-VALUE}).")
    long metricsLinger;

    @CommandLine.Mixin
    BehaviourFlags behaviour = new BehaviourFlags();

    @CommandLine.Mixin
    MpmFlags mpm = new MpmFlags();

    @CommandLine.Mixin
    DefragFlags defrag = new DefragFlags();

    @Override
    public Integer call() throws Exception {
        mpm.apply(spec);
        ReplayOptions o = new ReplayOptions();
        o.defrag = defrag.apply(spec, o.defrag);
        BehaviourOptions.apply(spec, o, behaviour.off, behaviour.baseline, behaviour.set);
        if (metricsAddress != null) {
            java.util.Optional<java.net.InetSocketAddress> a = io.crowsnest.sensor.config.CrowsnestConfig.parseAddress(metricsAddress);
            if (a == null || a.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--metrics-address must be HOST:PORT, got '" + metricsAddress + "'");
            }
            o.metricsAddress = new java.net.InetSocketAddress(a.get().getHostString(), a.get().getPort());
        }
        if (metricsLinger < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--metrics-linger must not be negative");
        }
        o.metricsLingerSeconds = metricsLinger;
        o.forward.addAll(forward);
        if (eveRotateMb < 0 || eveRotateMinutes < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--eve-rotate-mb and --eve-rotate-minutes must not be negative");
        }
        o.eveRotateMb = eveRotateMb;
        o.eveRotateMinutes = eveRotateMinutes;
        o.eveCompress = eveCompress;
        o.identityFile = identity;
        o.spoolDir = spoolDir;
        if (spoolMb < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--spool-mb must be at least 1");
        }
        o.spoolCapMb = spoolMb;
        o.files.addAll(files);
        try {
            io.crowsnest.sensor.rules.RuleCheck.expand(rules);
        } catch (java.io.IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rules: " + e.getMessage());
        }
        o.ruleFiles.addAll(rules);
        o.defaultRules = !noDefaultRules;
        o.outDir = out;
        o.checksum = parseChecksum(checksum);
        o.midstream = midstream;
        o.appLayer = !noAppLayer;
        if (eveTypes != null) {
            java.util.Set<String> known = java.util.Set.of("alert", "http", "dns", "tls", "ssh", "redis", "pgsql", "mysql", "ftp",
                    "anomaly", "flow");
            o.eveTypes.clear();
            o.eveTypes.add("alert");
            for (String t : eveTypes) {
                String v = t.trim().toLowerCase(java.util.Locale.ROOT);
                if (!known.contains(v)) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "unknown EVE type '" + t + "' (known: " + known + ")");
                }
                o.eveTypes.add(v);
            }
        }
        o.variables.putAll(set);
        if (workers != null) {
            if (workers < 1 || workers > 256) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--workers must be between 1 and 256, got " + workers);
            }
            o.workers = workers;
        }
        o.strict = strict;
        if (thresholdFile != null) {
            try {
                io.crowsnest.detection.threshold.ThresholdConfig.load(thresholdFile);
            } catch (java.io.IOException | io.crowsnest.detection.rules.RuleParseException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--threshold-file: " + e.getMessage());
            }
            o.thresholdFile = thresholdFile;
        }
        o.progress = !noProgress && System.console() != null;
        ReplayResult r = new ReplayRunner(o, System.err).run();
        for (String e : r.inputErrors) {
            System.err.println("crowsnest: error: " + e);
        }
        if (r.exitCode == ReplayResult.EXIT_USAGE) {
            if (r.usageError == null) {
                System.err.println("crowsnest: " + r.ruleErrors.size() + " rule(s) failed to load (--strict)");
            }
            return r.exitCode;
        }
        ReplaySummary.print(r, o, System.out);
        return r.exitCode;
    }

    private DecoderConfig.ChecksumMode parseChecksum(String v) {
        switch (v) {
            case "auto": return DecoderConfig.ChecksumMode.AUTO;
            case "all": return DecoderConfig.ChecksumMode.ALL;
            case "none": return DecoderConfig.ChecksumMode.NONE;
            default:
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--checksum must be auto, all or none, got '" + v + "'");
        }
    }
}
