package io.crowsnest.sensor.live;

import io.crowsnest.decoders.DecoderConfig;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything {@code crowsnest live} can be told, with the documented defaults. */
public final class LiveOptions {
    /** "auto" or a comma-separated list of interface names. */
    public String interfaces = "auto";
    /** Comma-separated globs of interface names never to capture. */
    public String exclude = "";
    public final List<Path> ruleFiles = new ArrayList<>();
    public boolean defaultRules = true;
    public Path outDir = Paths.get("crowsnest-out");
    public String bpf;
    public int snaplen = 65_535;
    public int bufferMb = 64;
    public final Map<String, String> variables = new LinkedHashMap<>();
    public int workers = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    /**
     * Live captures on bridges and veths see packets before the NIC computes checksums
     * (CHECKSUM_PARTIAL offload), so validating them would discard good traffic: off by default.
     */
    public DecoderConfig.ChecksumMode checksum = DecoderConfig.ChecksumMode.NONE;
    public Duration statsInterval = Duration.ofSeconds(10);
    /** Stop by itself after this long (null: run until SIGTERM/SIGINT). */
    public Duration duration;
    /** Write every captured packet to a bounded ring of pcap files here (null: off). */
    public Path pcapOutDir;
    public long pcapOutFileMb = 100;
    public int pcapOutFiles = 10;
    /** Where /metrics, /healthz and /readyz are served (null: not served). */
    public java.net.InetSocketAddress metricsAddress = new java.net.InetSocketAddress("0.0.0.0", 9464);
    public int ringSize = 8192;
    public int slotCapacity = 65_536 + 256;
    public int maxFlowsPerWorker = 65_536;
    /** TCP reassembly depth per direction, bytes. */
    public int streamDepth = 1 << 20;
    /** TCP reassembly memory cap per worker, bytes. */
    public long streamMemcap = 64L << 20;
    /** IP defragmentation limits and overlap policies, per capture (decoding) thread. */
    public io.crowsnest.decoders.defrag.DefragConfig defrag = io.crowsnest.decoders.defrag.DefragConfig.defaults();
    /** Where POST /reload is served (loopback only by default; null: not served). */
    public java.net.InetSocketAddress adminAddress = new java.net.InetSocketAddress("127.0.0.1", 9465);
    /** --forward targets (syslog/RELP/HTTP URLs), each with an on-disk spool. */
    public final List<String> forward = new ArrayList<>();
    /** Where the forwarding spools live (null: OUT/spool). */
    public Path spoolDir;
    public long spoolCapMb = 256;
    /** The crowsnest.yaml these options were read from (null: flags only). */
    public Path configFile;
    /** Resolve addresses to pods/containers (Docker API + /proc); off with --no-identity. */
    public boolean identity = true;
    /** Docker Engine API socket; used when it exists. */
    public Path dockerSocket = Paths.get("/var/run/docker.sock");
    /** containerd's state directory (its tasks' OCI bundles); used when it exists; null: off. */
    public Path containerdState = Paths.get("/run/containerd");
    /** Append every identity interval to this file (replay takes it with --identity). */
    public Path identityOut;
    /** This node's name in workloads and its Kubernetes spec.nodeName (default: $NODE_NAME, else the host name). */
    public String node;
    /** Kubernetes API source: auto (in-cluster or with a kubeconfig), on, off. */
    public io.crowsnest.identity.kubernetes.KubeConnect.Mode kubernetes = io.crowsnest.identity.kubernetes.KubeConnect.Mode.AUTO;
    /** kubeconfig for the Kubernetes API (null: in-cluster credentials). */
    public Path kubeconfig;
    /** Also watch the pods of other nodes, to name peers across the overlay. */
    public boolean kubernetesRemotePods = true;
    /** Rotate eve.json past this many MiB / this many minutes (0: never); gzip rotated files. */
    public long eveRotateMb;
    public long eveRotateMinutes;
    public boolean eveCompress;

    /** Run the behavioural detectors (off with --no-behaviour). */
    public boolean behaviour = true;
    public io.crowsnest.behaviour.profile.Profile baseline;
    public io.crowsnest.behaviour.BehaviourConfig behaviourConfig = io.crowsnest.behaviour.BehaviourConfig.defaults();
    /** Extra observers of the record stream (the profile learner of `baseline learn --live`). */
    public final List<io.crowsnest.behaviour.Observer> observers = new ArrayList<>();

    /** The eve.json of a run, rotating as configured. */
    public io.crowsnest.outputs.eve.EveFile eveFile() throws java.io.IOException {
        return new io.crowsnest.outputs.eve.EveFile(outDir.resolve("eve.json"), eveRotateMb << 20,
                eveRotateMinutes * 60_000L, eveCompress, System::currentTimeMillis);
    }
}
