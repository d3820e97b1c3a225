package io.crowsnest.sensor.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.crowsnest.decoders.DecoderConfig;
import io.crowsnest.decoders.defrag.DefragConfig;
import io.crowsnest.decoders.defrag.DefragPolicy;
import io.crowsnest.decoders.defrag.HostPolicies;
import io.crowsnest.sensor.SharedData;
import io.crowsnest.sensor.cli.CrowsnestCli;
import io.crowsnest.sensor.live.LiveOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** crowsnest.yaml: golden error messages for broken files, and the shipped example. */
class ConfigFileTest {
    private static List<String> errors(String yaml) {
        ConfigException e = assertThrows(ConfigException.class, () -> CrowsnestConfig.parse(yaml, "crowsnest.yaml", null));
        return e.errors().stream().map(ConfigError::toString).collect(Collectors.toList());
    }

    @Test
    void unknownKeyNamesTheSectionAndTheAllowedKeys() {
        assertEquals(List.of("crowsnest.yaml:7:5: unknown key 'workerz' under 'pipeline' (allowed: workers, ring_size)"),
                errors("capture:\n  snaplen: 1500\n\n# the pipeline\n\npipeline:\n    workerz: 4\n"));
    }

    @Test
    void goldenMessages() {
        assertEquals(List.of("crowsnest.yaml:3:12: bad value 'lots' for capture.snaplen: an integer 64..262144"),
                errors("capture:\n  interfaces: auto\n  snaplen: lots\n"));
        assertEquals(List.of("crowsnest.yaml:1:1: unknown key 'captures' (allowed: capture, pipeline, limits, defrag, rules, outputs, metrics, identity)"),
                errors("captures:\n  snaplen: 100\n"));
        assertEquals(List.of("crowsnest.yaml:2:14: bad value '1000' for pipeline.ring_size: a power of two 64..1048576",
                        "crowsnest.yaml:4:18: bad value 'maybe' for rules.default_rules: true or false",
                        "crowsnest.yaml:6:5: bad value a mapping for rules.files: a list of rule file paths"),
                errors("pipeline:\n  ring_size: 1000\nrules:\n  default_rules: maybe\n  files:\n    a: b\n"));
        assertEquals(List.of("crowsnest.yaml:2:13: bad value 'sometimes' for capture.checksum: one of all, none",
                        "crowsnest.yaml:3:3: unknown key 'snaplenn' under 'capture' (allowed: interfaces, exclude, bpf, snaplen, buffer_mb, checksum)"),
                errors("capture:\n  checksum: sometimes\n  snaplenn: 9\n"));
        assertEquals(List.of("crowsnest.yaml:2:12: bad value 'localhost' for metrics.address: HOST:PORT or none"),
                errors("metrics:\n  address: localhost\n"));
        assertEquals(List.of("crowsnest.yaml:4:7: bad value 'ftp://x:21' for outputs.forward: a list of URLs: "
                        + "syslog+udp|syslog+tcp|syslog+tls|relp://HOST:PORT[?...], http(s)://HOST[:PORT]/PATH[?...]"
                        + " or kafka://HOST:PORT[,HOST:PORT]/TOPIC[?...]"),
                errors("outputs:\n  forward:\n    - syslog+tcp://127.0.0.1:514\n    - ftp://x:21\n"));
        assertEquals(List.of("crowsnest.yaml:3:7: bad value 'kafka://k1:9092' for outputs.forward: a list of URLs: "
                        + "syslog+udp|syslog+tcp|syslog+tls|relp://HOST:PORT[?...], http(s)://HOST[:PORT]/PATH[?...]"
                        + " or kafka://HOST:PORT[,HOST:PORT]/TOPIC[?...]"),
                errors("outputs:\n  forward:\n    - kafka://k1:9092\n"));
        assertEquals(List.of("crowsnest.yaml:3:5: unknown key 'directory' under 'outputs.eve' (allowed: dir)"),
                errors("outputs:\n  eve:\n    directory: /tmp\n"));
        assertEquals(List.of("crowsnest.yaml:3:3: duplicate key 'snaplen'"), errors("capture:\n  snaplen: 100\n  snaplen: 200\n"));
        assertEquals(List.of("crowsnest.yaml:1:1: bad value 'hello' at top level: a mapping with the keys capture, pipeline, limits, defrag, rules, outputs, metrics, identity"),
                errors("hello\n"));
    }

    @Test
    void syntaxErrorHasAPosition() {
        List<String> e = errors("capture:\n  snaplen: [1, 2\n");
        assertEquals(1, e.size());
        assertTrue(e.get(0).startsWith("crowsnest.yaml:"), e.get(0));
        assertTrue(e.get(0).contains("YAML syntax error"), e.get(0));
    }

    @Test
    void emptyFileIsAllDefaults() throws Exception {
        LiveOptions o = new LiveOptions();
        CrowsnestConfig.parse("# nothing\n", "crowsnest.yaml", null).applyTo(o);
        assertEquals(65_535, o.snaplen);
        assertEquals("auto", o.interfaces);
    }

    /** The example the packaging ships (ConfigMap and Helm values) loads and maps to the documented defaults. */
    @Test
    void shippedExampleLoadsWithTheDefaults() throws Exception {
        Path root = SharedData.projectRoot();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        JsonNode cm = yaml.readTree(root.resolve("deploy/kubernetes/configmap-config.yaml").toFile());
        String text = cm.path("data").path("crowsnest.yaml").asText();
        JsonNode values = yaml.readTree(root.resolve("deploy/helm/crowsnest/values.yaml").toFile());
        assertEquals(text.strip(), values.path("config").asText().strip(), "Helm values.yaml config differs from the ConfigMap");

        CrowsnestConfig c = CrowsnestConfig.parse(text, "crowsnest.yaml", Path.of("/etc/crowsnest"));
        LiveOptions o = new LiveOptions();
        LiveOptions defaults = new LiveOptions();
        c.applyTo(o);
        assertEquals("auto", o.interfaces);
        assertEquals("", o.exclude);
        assertNull(o.bpf);
        assertEquals(65_535, o.snaplen);
        assertEquals(64, o.bufferMb);
        assertEquals(DecoderConfig.ChecksumMode.NONE, o.checksum);
        assertEquals(defaults.workers, o.workers);
        assertEquals(8192, o.ringSize);
        assertEquals(65_536, o.maxFlowsPerWorker);
        assertEquals(1 << 20, o.streamDepth);
        assertEquals(64L << 20, o.streamMemcap);
        assertTrue(o.defaultRules);
        assertEquals(List.of(Path.of("/etc/crowsnest/rules/local.rules")), o.ruleFiles);
        assertEquals(Map.of("HOME_NET", "[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]", "EXTERNAL_NET", "!$HOME_NET"), o.variables);
        assertEquals(Path.of("/var/lib/crowsnest"), o.outDir);
        assertEquals(Duration.ofSeconds(10), o.statsInterval);
        assertEquals(List.of(), o.forward);
        assertNull(o.spoolDir);
        assertEquals(256, o.spoolCapMb);
        assertEquals(new InetSocketAddress("0.0.0.0", 9464), o.metricsAddress);
        assertEquals(new InetSocketAddress("127.0.0.1", 9465), o.adminAddress);
        // the example only states defaults: every value equals what live uses without a file
        assertEquals(defaults.snaplen, o.snaplen);
        assertEquals(defaults.ringSize, o.ringSize);
        assertEquals(defaults.metricsAddress, o.metricsAddress);
        assertEquals(defaults.adminAddress, o.adminAddress);
        assertNull(o.node);
        assertEquals(io.crowsnest.identity.kubernetes.KubeConnect.Mode.AUTO, o.kubernetes);
        assertNull(o.kubeconfig);
        assertTrue(o.kubernetesRemotePods);
        assertEquals(defaults.kubernetes, o.kubernetes);
        assertEquals(defaults.kubernetesRemotePods, o.kubernetesRemotePods);
        assertEquals(Path.of("/run/containerd"), o.containerdState);
        assertEquals(DefragConfig.defaults(), o.defrag);
        assertEquals(defaults.defrag, o.defrag);
        assertEquals(defaults.containerdState, o.containerdState);
    }

    @Test
    void identityKeys(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("crowsnest.yaml");
        Files.writeString(f, "identity:\n  node: node-7\n  kubernetes: off\n  kubeconfig: kube/config\n"
                + "  kubernetes_remote_pods: false\n  containerd_state: state/containerd\n");
        LiveOptions o = new LiveOptions();
        CrowsnestConfig.load(f).applyTo(o);
        assertEquals("node-7", o.node);
        assertEquals(io.crowsnest.identity.kubernetes.KubeConnect.Mode.OFF, o.kubernetes, "YAML 1.1's off is the word here");
        assertEquals(dir.toAbsolutePath().resolve("kube/config"), o.kubeconfig);
        assertFalse(o.kubernetesRemotePods);
        assertEquals(dir.toAbsolutePath().resolve("state/containerd"), o.containerdState);
        o = new LiveOptions();
        CrowsnestConfig.parse("identity:\n  containerd_state: none\n", "crowsnest.yaml", null).applyTo(o);
        assertNull(o.containerdState, "none: off");
        o = new LiveOptions();
        CrowsnestConfig.parse("identity:\n  kubernetes: on\n", "crowsnest.yaml", null).applyTo(o);
        assertEquals(io.crowsnest.identity.kubernetes.KubeConnect.Mode.ON, o.kubernetes);
        assertEquals(List.of("crowsnest.yaml:3:15: bad value 'sometimes' for identity.kubernetes: one of auto, on, off",
                        "crowsnest.yaml:4:3: unknown key 'kubeconfigs' under 'identity' (allowed: node, kubernetes, kubeconfig, kubernetes_remote_pods, containerd_state)",
                        "crowsnest.yaml:5:27: bad value 'maybe' for identity.kubernetes_remote_pods: true or false",
                        "crowsnest.yaml:6:21: bad value a list for identity.containerd_state: containerd's state directory, or none"),
                errors("# identity\nidentity:\n  kubernetes: sometimes\n  kubeconfigs: x\n  kubernetes_remote_pods: maybe\n"
                        + "  containerd_state: []\n"));
    }

    @Test
    void valuesMapAndRelativePathsResolveAgainstTheFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("crowsnest.yaml");
        Files.writeString(f, "capture:\n  interfaces: [cni0, flannel.1]\n  exclude: ['veth*']\n  bpf: not port 22\n"
                + "pipeline:\n  workers: 3\nrules:\n  files: [local.rules]\n  vars:\n    HOME_NET: '[10.0.0.0/8]'\n"
                + "outputs:\n  forward: [relp://127.0.0.1:2514, 'kafka://k1:9092,k2:9092/ids-alerts?compression=zstd']\n  spool:\n    dir: spool\n    cap_mb: 5\nmetrics:\n  address: none\n");
        LiveOptions o = new LiveOptions();
        CrowsnestConfig.load(f).applyTo(o);
        assertEquals("cni0,flannel.1", o.interfaces);
        assertEquals("veth*", o.exclude);
        assertEquals("not port 22", o.bpf);
        assertEquals(3, o.workers);
        assertEquals(List.of(dir.toAbsolutePath().resolve("local.rules")), o.ruleFiles);
        assertEquals("[10.0.0.0/8]", o.variables.get("HOME_NET"));
        // kafka: several bootstrap brokers, which java.net.URI cannot hold as a host
        assertEquals(List.of("relp://127.0.0.1:2514", "kafka://k1:9092,k2:9092/ids-alerts?compression=zstd"), o.forward);
        assertEquals(dir.toAbsolutePath().resolve("spool"), o.spoolDir);
        assertEquals(5, o.spoolCapMb);
        assertNull(o.metricsAddress);
    }

    @Test
    void configCheckCommand(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("good.yaml");
        Files.writeString(good, "pipeline:\n  workers: 2\n");
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "pipeline:\n  workerz: 2\n  ring_size: 3\n");
        String[] r = run("config", "check", good.toString());
        assertEquals("0", r[0]);
        assertEquals(good + ": ok\n", r[1]);
        r = run("config", "check", bad.toString());
        assertEquals("1", r[0]);
        assertEquals(bad + ":2:3: unknown key 'workerz' under 'pipeline' (allowed: workers, ring_size)\n"
                + bad + ":3:14: bad value '3' for pipeline.ring_size: a power of two 64..1048576\n", r[2]);
        assertEquals("1", run("config", "check", dir.resolve("missing.yaml").toString())[0]);
        assertEquals("2", run("config", "check")[0]);
    }

    /** Flags override the file; without a file live keeps its defaults. */
    @Test
    void liveRejectsABrokenConfigWithExit2(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "capture:\n  snaplen: lots\n");
        String[] r = run("live", "--config", bad.toString(), "--duration", "1");
        assertEquals("2", r[0]);
        assertEquals("crowsnest: " + bad + ":2:12: bad value 'lots' for capture.snaplen: an integer 64..262144\n", r[2]);
    }

    private static String[] run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = CrowsnestCli.execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new String[] {String.valueOf(code), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void defragSection() throws Exception {
        CrowsnestConfig c = CrowsnestConfig.parse("defrag:\n  policy: windows\n  memcap_mb: 8\n  timeout: 30\n"
                + "  max_fragments: 64\n  trackers: 1000\n  host_os_policy:\n    old-linux: [10.0.0.0/8, \"fd00::/8\"]\n"
                + "    macos:\n      - 192.168.1.0/24\n      - 2001:db8::/32\n    last: 10.1.0.0/16\n    bsd: []\n",
                "crowsnest.yaml", null);
        LiveOptions o = new LiveOptions();
        c.applyTo(o);
        HostPolicies expected = new HostPolicies.Builder()
                .add("10.0.0.0/8", DefragPolicy.LINUX).add("fd00::/8", DefragPolicy.LINUX)
                .add("192.168.1.0/24", DefragPolicy.FIRST).add("2001:db8::/32", DefragPolicy.FIRST)
                .add("10.1.0.0/16", DefragPolicy.LAST).build();
        assertEquals(new DefragConfig(8L << 20, 30, 64, 1000, DefragPolicy.WINDOWS, expected), o.defrag);
    }

    @Test
    void defragErrorsNameFileKeyAndWhatIsAllowed() {
        String names = "bsd, bsd-right, first, hpux10, hpux11, irix, last, linux, macos, old-linux, old-solaris, solaris,"
                + " vista, windows, windows2k3";
        assertEquals(List.of("crowsnest.yaml:2:11: bad value 'beos' for defrag.policy: one of " + names),
                errors("defrag:\n  policy: beos\n"));
        assertEquals(List.of("crowsnest.yaml:2:11: bad value 'Linux' for defrag.policy: one of " + names),
                errors("defrag:\n  policy: Linux\n"));
        assertEquals(List.of("crowsnest.yaml:3:5: unknown key 'beos' under 'defrag.host_os_policy' (allowed: " + names + ")"),
                errors("defrag:\n  host_os_policy:\n    beos: [10.0.0.0/8]\n"));
        assertEquals(List.of("crowsnest.yaml:3:25: bad value '10.0.0.0/33' for defrag.host_os_policy.linux: "
                        + "bad prefix length in '10.0.0.0/33' (0..32)",
                        "crowsnest.yaml:4:10: bad value 'somehost' for defrag.host_os_policy.bsd: "
                        + "not an IPv4 or IPv6 address or CIDR block: 'somehost'"),
                errors("defrag:\n  host_os_policy:\n    linux: [10.0.0.0/8, 10.0.0.0/33]\n    bsd: somehost\n"));
        assertEquals(List.of("crowsnest.yaml:4:13: bad value '10.0.0.0/8' for defrag.host_os_policy.vista: "
                        + "the block is already listed under linux"),
                errors("defrag:\n  host_os_policy:\n    linux: [10.0.0.0/8]\n    vista: [10.0.0.0/8]\n"));
        assertEquals(List.of("crowsnest.yaml:2:14: bad value '0' for defrag.memcap_mb: an integer 1..65536"),
                errors("defrag:\n  memcap_mb: 0\n"));
        assertEquals(List.of("crowsnest.yaml:2:3: unknown key 'policies' under 'defrag' (allowed: policy, host_os_policy,"
                        + " memcap_mb, timeout, max_fragments, trackers)"),
                errors("defrag:\n  policies: bsd\n"));
    }

    @Test
    void defragFlagsRefuseBadNamesWithExit2() {
        String[] r = run("replay", "--defrag-policy", "beos", "--no-progress", "x.pcap");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--defrag-policy: unknown policy 'beos' (one of bsd, bsd-right,"), r[2]);
        r = run("replay", "--host-os-policy", "linux=10.0.0.0/40", "--no-progress", "x.pcap");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--host-os-policy: bad prefix length in '10.0.0.0/40' (0..32)"), r[2]);
        r = run("replay", "--host-os-policy", "beos=10.0.0.0/8", "--no-progress", "x.pcap");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--host-os-policy: 'beos=10.0.0.0/8' is not NAME=CIDR[,CIDR…] with NAME one of bsd,"), r[2]);
    }
}
