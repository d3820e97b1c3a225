package io.crowsnest.sensor.cli;

import io.crowsnest.decoders.DecoderConfig;
import io.crowsnest.sensor.live.LiveOptions;
import io.crowsnest.sensor.live.LiveRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code crowsnest live}: capture on the node's container bridges and overlays. */
@Command(name = "live", mixinStandardHelpOptions = true,
        description = "Capture live on container bridges and overlays (needs CAP_NET_RAW and CAP_NET_ADMIN).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped by SIGTERM/SIGINT (or --duration), every alert flushed",
                "1:capture could not start (missing capability, no libpcap)", "2:usage error"})
public final class LiveCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--interfaces", paramLabel = "auto|NAME,...", description = "Interfaces to capture (default: ${DEFAULT-VALUE}: every bridge and VXLAN/Geneve overlay).")
    String interfaces = "auto";

    @Option(names = "--exclude", paramLabel = "GLOB,...", description = "Interface name globs never to capture.")
    String exclude = "";

    @Option(names = "--rules", paramLabel = "FILE|DIR", description = "Rule file, or a directory of *.rules files, to load (repeatable); adds to the shipped rules.")
    List<Path> rules = new java.util.ArrayList<>();

    @Option(names = "--no-default-rules", description = "Do not load the shipped rules from signatures/.")
    boolean noDefaultRules;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory for eve.json and stats.json (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("crowsnest-out");

    @Option(names = "--bpf", paramLabel = "EXPR", description = "BPF filter applied on every interface (ANDed with the overlay de-duplication filter).")
    String bpf;

    @Option(names = "--snaplen", paramLabel = "N", description = "Bytes kept per packet (default: ${DEFAULT-VALUE}).")
    int snaplen = 65_535;

    @Option(names = "--buffer-mb", paramLabel = "N", description = "Kernel capture buffer per interface, MiB (default: ${DEFAULT-VALUE}).")
    int bufferMb = 64;

    @Option(names = "--set", paramLabel = "NAME=VALUE", description = "Override a rule variable (repeatable).")
    Map<String, String> set = new java.util.LinkedHashMap<>();

    @Option(names = "--workers", paramLabel = "N", description = "Detection worker threads (default: cores - 1, at least 1).")
    Integer workers;

    @Option(names = "--checksum", paramLabel = "all|none", description = "Validate checksums (default: ${DEFAULT-VALUE}; captures on bridges see offloaded checksums).")
    String checksum = "none";

    @Option(names = "--stats-interval", paramLabel = "SECONDS", description = "Stats line and stats.json period (default: ${DEFAULT-VALUE}).")
    int statsInterval = 10;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop by itself after this many seconds.")
    Integer duration;

    @Option(names = "--metrics-address", paramLabel = "HOST:PORT|none",
            description = "Serve /metrics (Prometheus), /healthz and /readyz here (default: ${DEFAULT-VALUE}).")
    String metricsAddress = "0.0.0.0:9464";

    @Option(names = "--no-identity", description = "Do not name pods/containers in alerts (no Docker API, no /proc scan).")
    boolean noIdentity;

    @Option(names = "--docker-socket", paramLabel = "PATH", description = "Docker Engine API socket (default: ${DEFAULT-VALUE}; skipped when absent).")
    Path dockerSocket = Path.of("/var/run/docker.sock");

    @Option(names = "--containerd-state", paramLabel = "DIR|none",
            description = "containerd's state directory: its running tasks name pods and containers (default: /run/containerd; skipped when absent; none: off).")
    String containerdState;

    @Option(names = "--identity-out", paramLabel = "FILE", description = "Append address→workload intervals to FILE (JSON lines) for `replay --identity`.")
    Path identityOut;

    @Option(names = "--node", paramLabel = "NAME",
            description = "This node's name in workloads and in Kubernetes (spec.nodeName; default: $NODE_NAME, else the host name).")
    String node;

    @Option(names = "--kubernetes", paramLabel = "auto|on|off",
            description = "Name pods from the Kubernetes API (default: auto: when in a cluster or given --kubeconfig; on: also ~/.kube/config).")
    String kubernetes;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "kubeconfig for the Kubernetes API (default: the pod's ServiceAccount).")
    Path kubeconfig;

    @Option(names = "--no-kubernetes-remote-pods",
            description = "Watch only this node's pods (peers on other nodes are then named by address only).")
    boolean noKubernetesRemotePods;

    @Option(names = "--pcap-out", paramLabel = "DIR", description = "Also write every captured packet to a rolling ring of pcap files in DIR.")
    Path pcapOut;

    @Option(names = "--pcap-out-size", paramLabel = "MB", description = "Size of one --pcap-out file (default: ${DEFAULT-VALUE}).")
    int pcapOutSize = 100;

    @Option(names = "--pcap-out-files", paramLabel = "N", description = "Files kept in the --pcap-out ring; the oldest are deleted (default: ${DEFAULT-VALUE}).")
    int pcapOutFiles = 10;

    @Option(names = "--forward", paramLabel = "URL", description = "Forward alerts (repeatable): syslog+udp|syslog+tcp|syslog+tls|relp://HOST:PORT[?format=rfc5424|rfc3164|cef|leef], http(s)://HOST:PORT/PATH[?flavor=webhook|bulk|hec&token=T&ack=true], or kafka://HOST:PORT[,HOST:PORT]/TOPIC[?compression=none|gzip|lz4|zstd|snappy&linger_ms=N&tls=true&ca=FILE&sasl=plain|scram-sha-256|scram-sha-512&user=U&password=P]. Each target has an on-disk spool.")
    List<String> forward = new java.util.ArrayList<>();

    @Option(names = "--spool-dir", paramLabel = "DIR", description = "Where --forward spools live (default: OUT/spool).")
    Path spoolDir;

    @Option(names = "--spool-mb", paramLabel = "N", description = "Cap of each --forward spool; past it the oldest alerts are dropped and counted (default: ${DEFAULT-VALUE}).")
    long spoolMb = 256;

    @Option(names = "--config", paramLabel = "FILE",
            description = "crowsnest.yaml to read (default: /etc/crowsnest/crowsnest.yaml when it exists); flags override it.")
    Path config;

    @Option(names = "--admin-address", paramLabel = "HOST:PORT|none",
            description = "Serve POST /reload (crowsnest reload) here (default: 127.0.0.1:9465).")
    String adminAddress;

    @Option(names = "--eve-rotate-mb", paramLabel = "N", description = "Rotate eve.json when it reaches N MiB (default: never).")
    long eveRotateMb;

    @Option(names = "--eve-rotate-minutes", paramLabel = "N", description = "Rotate eve.json every N minutes (default: never).")
    long eveRotateMinutes;

    @Option(names = "--eve-compress", description = "gzip rotated eve.json files.")
    boolean eveCompress;

    @CommandLine.Mixin
    BehaviourFlags behaviour = new BehaviourFlags();

    @CommandLine.Mixin
    MpmFlags mpm = new MpmFlags();

    @CommandLine.Mixin
    DefragFlags defrag = new DefragFlags();

    @Override
    public Integer call() throws Exception {
        mpm.apply(spec);
        LiveOptions o = new LiveOptions();
        Path cfg = config != null ? config
                : java.nio.file.Files.exists(io.crowsnest.sensor.config.CrowsnestConfig.DEFAULT_PATH)
                ? io.crowsnest.sensor.config.CrowsnestConfig.DEFAULT_PATH : null;
        if (cfg != null) {
            try {
                io.crowsnest.sensor.config.CrowsnestConfig.load(cfg).applyTo(o);
            } catch (io.crowsnest.sensor.config.ConfigException e) {
                e.errors().forEach(x -> spec.commandLine().getErr().println("crowsnest: " + x));
                return 2;
            }
            o.configFile = cfg;
        }
        CommandLine.ParseResult pr = spec.commandLine().getParseResult();
        java.util.function.Predicate<String> given = pr::hasMatchedOption;
        o.defrag = defrag.apply(spec, o.defrag);
        if (given.test("--forward")) {
            o.forward.clear();
            o.forward.addAll(forward);
        if (eveRotateMb < 0 || eveRotateMinutes < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--eve-rotate-mb and --eve-rotate-minutes must not be negative");
        }
        o.eveRotateMb = eveRotateMb;
        o.eveRotateMinutes = eveRotateMinutes;
        o.eveCompress = eveCompress;
        }
        if (given.test("--spool-dir")) {
            o.spoolDir = spoolDir;
        }
        if (given.test("--spool-mb")) {
            if (spoolMb < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--spool-mb must be at least 1");
            }
            o.spoolCapMb = spoolMb;
        }
        if (given.test("--interfaces")) {
            o.interfaces = interfaces;
        }
        if (given.test("--exclude")) {
            o.exclude = exclude;
        }
        if (given.test("--rules")) {
            // --rules replaces the file's rules.files (the DaemonSet passes the same file both ways)
            try {
                io.crowsnest.sensor.rules.RuleCheck.expand(rules);
            } catch (java.io.IOException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--rules: " + e.getMessage());
            }
            o.ruleFiles.clear();
            o.ruleFiles.addAll(rules);
        }
        if (noDefaultRules) {
            o.defaultRules = false;
        }
        if (given.test("--out")) {
            o.outDir = out;
        }
        if (given.test("--bpf")) {
            o.bpf = bpf;
        }
        if (given.test("--snaplen")) {
            if (snaplen < 64 || snaplen > 262_144) {
                throw usage("--snaplen must be between 64 and 262144, got " + snaplen);
            }
            o.snaplen = snaplen;
        }
        if (given.test("--buffer-mb")) {
            if (bufferMb < 1 || bufferMb > 2048) {
                throw usage("--buffer-mb must be between 1 and 2048, got " + bufferMb);
            }
            o.bufferMb = bufferMb;
        }
        o.variables.putAll(set);
        if (workers != null) {
            if (workers < 1 || workers > 256) {
                throw usage("--workers must be between 1 and 256, got " + workers);
            }
            o.workers = workers;
        }
        if (given.test("--checksum")) {
            switch (checksum) {
                case "all": o.checksum = DecoderConfig.ChecksumMode.ALL; break;
                case "none": o.checksum = DecoderConfig.ChecksumMode.NONE; break;
                default: throw usage("--checksum must be all or none, got '" + checksum + "'");
            }
        }
        if (given.test("--stats-interval")) {
            if (statsInterval < 1) {
                throw usage("--stats-interval must be at least 1 second");
            }
            o.statsInterval = Duration.ofSeconds(statsInterval);
        }
        if (duration != null) {
            if (duration < 1) {
                throw usage("--duration must be at least 1 second");
            }
            o.duration = Duration.ofSeconds(duration);
        }
        if (pcapOut != null) {
            if (pcapOutSize < 1 || pcapOutFiles < 1) {
                throw usage("--pcap-out-size and --pcap-out-files must be at least 1");
            }
            o.pcapOutDir = pcapOut;
            o.pcapOutFileMb = pcapOutSize;
            o.pcapOutFiles = pcapOutFiles;
        }
        if (given.test("--metrics-address")) {
            java.util.Optional<java.net.InetSocketAddress> a = io.crowsnest.sensor.config.CrowsnestConfig.parseAddress(metricsAddress);
            if (a == null) {
                throw usage("--metrics-address must be HOST:PORT or none, got '" + metricsAddress + "'");
            }
            o.metricsAddress = a.map(x -> new java.net.InetSocketAddress(x.getHostString(), x.getPort())).orElse(null);
        }
        if (adminAddress != null) {
            java.util.Optional<java.net.InetSocketAddress> a = io.crowsnest.sensor.config.CrowsnestConfig.parseAddress(adminAddress);
            if (a == null) {
                throw usage("--admin-address must be HOST:PORT or none, got '" + adminAddress + "'");
            }
            o.adminAddress = a.map(x -> new java.net.InetSocketAddress(x.getHostString(), x.getPort())).orElse(null);
        }
        o.behaviour = !behaviour.off;
        o.behaviourConfig = BehaviourOptions.config(spec, behaviour.set);
        o.baseline = BehaviourOptions.baseline(spec, behaviour.baseline);
        o.identity = !noIdentity;
        o.dockerSocket = dockerSocket;
        if (containerdState != null) {
            if (containerdState.isBlank()) {
                throw usage("--containerd-state must be a directory or none");
            }
            o.containerdState = "none".equals(containerdState) ? null : Path.of(containerdState);
        }
        o.identityOut = identityOut;
        if (node != null) {
            o.node = node;
        }
        if (kubernetes != null) {
            o.kubernetes = io.crowsnest.identity.kubernetes.KubeConnect.Mode.parse(kubernetes);
            if (o.kubernetes == null) {
                throw usage("--kubernetes must be auto, on or off, got '" + kubernetes + "'");
            }
        }
        if (kubeconfig != null) {
            if (!java.nio.file.Files.isReadable(kubeconfig)) {
                throw usage("--kubeconfig " + kubeconfig + ": not a readable file");
            }
            o.kubeconfig = kubeconfig;
        }
        if (noKubernetesRemotePods) {
            o.kubernetesRemotePods = false;
        }
        LiveRunner runner = new LiveRunner(o, System.out, System.err);
        // SIGTERM/SIGINT end the capture and the run returns normally (exit 0 after every alert
        // is flushed) instead of the JVM's default 143/130 from its shutdown sequence.
        Signal.handle(new Signal("TERM"), s -> runner.requestStop());
        Signal.handle(new Signal("INT"), s -> runner.requestStop());
        // SIGHUP: reopen eve.json (logrotate) and reload the rules in the background (the old set
        // runs until the new one is ready).
        Signal.handle(new Signal("HUP"), s -> {
            runner.reopenLogs(); // logrotate moved eve.json
            runner.requestReload();
        });
        return runner.run();
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
