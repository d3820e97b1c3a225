package io.crowsnest.sensor.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crowsnest.sensor.SharedData;
import io.crowsnest.sensor.replay.ReplayOptions;
import io.crowsnest.sensor.replay.ReplayResult;
import io.crowsnest.sensor.replay.ReplayRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node deployment, for real: the lab's two-node container network (network namespaces,
 * bridges, veth pods, a flannel-style VXLAN on UDP 8472), a sensor started as
 * {@code crowsnest live --interfaces auto} inside node A, and real programs in the pods.
 * Asserts alerts with the right inner addresses for same-node and cross-node traffic, each
 * packet seen once, the same alerts as a replay of a tcpdump recording of that traffic, a bridge
 * created later picked up within 5 s, and a prompt clean exit on SIGTERM during a flood.
 */
@Tag("root")
class LiveLabTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path lab;

    @BeforeAll
    static void labUp() throws Exception {
        assertRoot();
        lab = SharedData.projectRoot().resolve("pcaps/lab");
        sh(120, lab.resolve("lab.sh").toString(), "up");
    }

    @AfterAll
    static void labDown() throws Exception {
        if (lab != null) {
            sh(60, lab.resolve("lab.sh").toString(), "down");
        }
    }

    static void assertRoot() throws Exception {
        Process p = new ProcessBuilder("id", "-u").start();
        String uid = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!"0".equals(uid)) {
            fail("LiveLabTest needs root (network namespaces, raw capture): run bin/test as root, as CI does");
        }
    }

    static String sh(int timeoutSeconds, String... cmd) throws Exception {
        return sh(Map.of(), timeoutSeconds, cmd);
    }

    static String sh(Map<String, String> env, int timeoutSeconds, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", cmd) + " did not finish in " + timeoutSeconds + " s");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + " failed:\n" + text);
        return text;
    }

    /** A sensor process in node A's network namespace. */
    static final class Sensor implements AutoCloseable {
        final Process process;
        final Path err;
        final Path out;

        Sensor(Path dir) throws IOException {
            String java = ProcessHandle.current().info().command().orElse("java");
            out = dir.resolve("sensor.out");
            err = dir.resolve("sensor.err");
            process = new ProcessBuilder("ip", "netns", "exec", "cn-nodeA", java, "-cp", System.getProperty("java.class.path"),
                    "io.crowsnest.sensor.cli.CrowsnestCli", "live", "--interfaces", "auto", "--stats-interval", "1",
                    "--out", dir.resolve("out").toString(), "--pcap-out", dir.resolve("ring").toString())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        }

        String stderr() throws IOException {
            return Files.exists(err) ? Files.readString(err) : "";
        }

        void awaitStderr(String text, long timeoutMillis) throws Exception {
            long end = System.currentTimeMillis() + timeoutMillis;
            while (System.currentTimeMillis() < end) {
                if (stderr().contains(text)) {
                    return;
                }
                if (!process.isAlive()) {
                    fail("sensor exited early (" + process.exitValue() + "):\n" + stderr());
                }
                Thread.sleep(100);
            }
            fail("sensor did not print '" + text + "' within " + timeoutMillis + " ms:\n" + stderr());
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    /** A real Prometheus server in node A's namespace scraping the sensor's /metrics every second. */
    static final class Prometheus implements AutoCloseable {
        final Process process;
        final Path dir;

        Prometheus(Path dir) throws IOException {
            this.dir = dir;
            Files.createDirectories(dir.resolve("data"));
            Files.writeString(dir.resolve("prometheus.yml"), "global:\n  scrape_interval: 1s\n"
                    + "scrape_configs:\n  - job_name: crowsnest\n    static_configs:\n      - targets: ['127.0.0.1:9464']\n");
            process = new ProcessBuilder("ip", "netns", "exec", "cn-nodeA", "prometheus",
                    "--config.file=" + dir.resolve("prometheus.yml"), "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:9490")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        }

        String log() throws IOException {
            return Files.readString(dir.resolve("prometheus.log"));
        }

        /** Waits until Prometheus' query API returns a value above {@code min} for the selector. */
        boolean awaitSample(String selector, double min, long timeoutMillis) throws Exception {
            long end = System.currentTimeMillis() + timeoutMillis;
            String q = java.net.URLEncoder.encode(selector, StandardCharsets.UTF_8);
            while (System.currentTimeMillis() < end) {
                Process c = new ProcessBuilder("ip", "netns", "exec", "cn-nodeA", "curl", "-s",
                        "http://127.0.0.1:9490/api/v1/query?query=" + q).redirectErrorStream(true).start();
                String body = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                c.waitFor(10, TimeUnit.SECONDS);
                if (body.startsWith("{")) {
                    JsonNode result = JSON.readTree(body).path("data").path("result");
                    if (result.size() > 0 && Double.parseDouble(result.get(0).path("value").get(1).asText()) > min) {
                        System.out.println("prometheus: " + selector + " = " + result.get(0).path("value").get(1).asText());
                        return true;
                    }
                }
                Thread.sleep(500);
            }
            return false;
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    static List<JsonNode> alerts(Path eve) throws IOException {
        List<JsonNode> list = new ArrayList<>();
        if (Files.exists(eve)) {
            for (String line : Files.readAllLines(eve)) {
                JsonNode n = JSON.readTree(line);
                if ("alert".equals(n.path("event_type").asText())) {
                    list.add(n);
                }
            }
        }
        return list;
    }

    static Map<String, Long> keyed(List<JsonNode> alerts) {
        Map<String, Long> m = new TreeMap<>();
        for (JsonNode a : alerts) {
            String k = a.path("alert").path("signature_id").asLong() + " " + a.path("src_ip").asText() + " -> "
                    + a.path("dest_ip").asText() + ":" + a.path("dest_port").asInt();
            m.merge(k, 1L, Long::sum);
        }
        return m;
    }

    static List<JsonNode> replay(Path pcap, Path out) throws IOException {
        ReplayOptions o = new ReplayOptions();
        o.files.add(pcap);
        o.outDir = out;
        ReplayResult r = new ReplayRunner(o, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run();
        assertEquals(0, r.exitCode);
        return alerts(out.resolve("eve.json"));
    }

    @Test
    void scenariosAlertOnceWithInnerAddressesLikeAReplayAndSigtermExitsCleanly(@TempDir Path dir) throws Exception {
        Path recordings = dir.resolve("recordings");
        try (Sensor sensor = new Sensor(dir); Prometheus prometheus = new Prometheus(dir.resolve("prometheus"))) {
            sensor.awaitStderr("capturing on cn-br0, cn-vx0", 20_000);
            // health and readiness for the DaemonSet's probes
            assertEquals("ok", sh(10, "ip", "netns", "exec", "cn-nodeA", "curl", "-sf", "http://127.0.0.1:9464/healthz").trim());
            assertEquals("ready", sh(10, "ip", "netns", "exec", "cn-nodeA", "curl", "-sf", "http://127.0.0.1:9464/readyz").trim());
            Map<String, String> env = Map.of("CN_LAB_OUT", recordings.toString());
            // every lab scenario, with real programs in the pods
            sh(env, 600, lab.resolve("scenario.sh").toString(), "all");

            // a bridge that appears later (a new container network) is captured within 5 s
            sh(30, "ip", "netns", "exec", "cn-nodeA", "ip", "link", "add", "cn-br9", "type", "bridge");
            long created = System.nanoTime();
            try {
                sh(30, "ip", "netns", "exec", "cn-nodeA", "ip", "link", "set", "cn-br9", "up");
                sensor.awaitStderr("capturing on cn-br9", 5_000);
                assertTrue(System.nanoTime() - created < 5_000_000_000L);
            } finally {
                sh(30, "ip", "netns", "exec", "cn-nodeA", "ip", "link", "del", "cn-br9");
            }

            // the Prometheus endpoint counts what the bridge captured
            String metrics = sh(10, "ip", "netns", "exec", "cn-nodeA", "curl", "-sf", "http://127.0.0.1:9464/metrics");
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("(?m)^crowsnest_interface_packets_total\\{interface=\"cn-br0\"\\} ([0-9.E]+)$").matcher(metrics);
            assertTrue(m.find(), metrics);
            assertTrue(Double.parseDouble(m.group(1)) > 100, "cn-br0 packets: " + m.group(1));
            assertTrue(metrics.contains("crowsnest_alerts_total "), metrics);
            assertTrue(metrics.contains("crowsnest_interface_drops_total{interface=\"cn-br0\",reason=\"kernel\"}"), metrics);
            // promtool (Prometheus' own linter) accepts the exposition
            Path scraped = dir.resolve("metrics.txt");
            Files.writeString(scraped, metrics);
            sh(30, "sh", "-c", "promtool check metrics < " + scraped);
            // and a real Prometheus, scraping the sensor every second, has the bridge's packet counter
            assertTrue(prometheus.awaitSample("crowsnest_interface_packets_total{interface=\"cn-br0\"}", 100, 30_000),
                    "Prometheus did not scrape the packet counter: " + prometheus.log());

            // SIGTERM during a flood: ping flood between two pods on the bridge, then TERM
            Process flood = new ProcessBuilder("ip", "netns", "exec", "cn-a-client", "ping", "-f", "-q", "-w", "20",
                    "10.244.1.10").redirectErrorStream(true).start();
            try {
                Thread.sleep(2_000);
                long term = System.nanoTime();
                sensor.process.destroy(); // SIGTERM
                assertTrue(sensor.process.waitFor(2, TimeUnit.SECONDS), "sensor must exit within 2 s of SIGTERM during a flood");
                long tookMillis = (System.nanoTime() - term) / 1_000_000;
                assertEquals(0, sensor.process.exitValue(), sensor.stderr());
                System.out.println("live: exited " + tookMillis + " ms after SIGTERM during a ping flood");
            } finally {
                flood.destroyForcibly();
            }
        }

        List<JsonNode> live = alerts(dir.resolve("out/eve.json"));
        Map<String, Long> got = keyed(live);
        System.out.println("live alerts: " + got);
        assertEquals(1L, got.get("9100001 10.244.1.20 -> 10.244.1.10:8080"), "same-node Log4Shell, once: " + got);
        assertEquals(1L, got.get("9100001 10.244.2.10 -> 10.244.1.10:8080"), "cross-node Log4Shell over VXLAN, once: " + got);
        assertEquals(1L, got.get("9100101 10.244.1.20 -> 10.244.1.13:2375"), "Docker API create, once: " + got);

        // every scenario raised what its expected.json says the shipped rules raise
        Map<Long, Long> bySid = new TreeMap<>();
        for (JsonNode a : live) {
            bySid.merge(a.path("alert").path("signature_id").asLong(), 1L, Long::sum);
        }
        Map<Long, Long> expected = new TreeMap<>();
        for (String scenario : List.of("log4shell", "reverse-shell", "port-scan", "redis-bruteforce", "docker-api",
                "dns-tunnel", "benign")) {
            for (JsonNode a : JSON.readTree(lab.resolve(scenario + ".expected.json").toFile()).path("alerts")) {
                expected.merge(a.path("sid").asLong(), a.path("count").asLong(), Long::sum);
            }
        }
        assertEquals(expected, bySid, "live alerts by sid over all scenarios");

        // the same traffic, recorded by tcpdump on the bridge and replayed, raises the same alerts
        Map<String, Long> replayed = new TreeMap<>();
        for (String scenario : List.of("log4shell", "reverse-shell", "port-scan", "redis-bruteforce", "docker-api",
                "dns-tunnel", "benign")) {
            keyed(replay(recordings.resolve(scenario + ".pcap"), dir.resolve("replay-" + scenario)))
                    .forEach((k, v) -> replayed.merge(k, v, Long::sum));
        }
        assertEquals(replayed, got);

        // the evidence ring: every captured packet, replayable, raising the same alerts
        Path ringFile = dir.resolve("ring/capture-000001.pcap");
        assertTrue(Files.size(ringFile) > 10_000, "--pcap-out wrote " + Files.size(ringFile) + " bytes");
        Map<String, Long> fromRing = keyed(replay(ringFile, dir.resolve("ring-replay")));
        assertEquals(got, fromRing, "replaying the --pcap-out ring gives the live alerts");

        JsonNode stats = JSON.readTree(dir.resolve("out/stats.json").toFile());
        assertTrue(stats.path("final").asBoolean());
        JsonNode bridge = null;
        for (JsonNode i : stats.path("interfaces")) {
            if ("cn-br0".equals(i.path("name").asText())) {
                bridge = i;
            }
        }
        assertTrue(bridge != null && bridge.path("received").asLong() > 100, stats.toString());
        System.out.println("live stats: " + stats);
    }

    @Test
    void behaviouralAlertsArriveWhileTheSensorRunsAndAProfileIsLearnedLive(@TempDir Path dir) throws Exception {
        Path eve = dir.resolve("out/eve.json");
        try (Sensor sensor = new Sensor(dir)) {
            sensor.awaitStderr("capturing on cn-br0", 20_000);
            sh(120, "ip", "netns", "exec", "cn-a-client", "nmap", "-sS", "-n", "-Pn", "-p", "1-60", "-T4", "--max-retries", "0",
                    "10.244.1.10");
            long done = System.nanoTime();
            // no packet follows the scan: the probes' flows end on the sensor's clock tick, and the
            // alert is written while the sensor keeps running
            JsonNode scan = null;
            while (scan == null && System.nanoTime() - done < 60_000_000_000L) {
                for (JsonNode a : alerts(eve)) {
                    if (a.path("alert").path("signature_id").asLong() == 9203001 && "10.244.1.20".equals(a.path("src_ip").asText())) {
                        scan = a;
                    }
                }
                Thread.sleep(250);
            }
            assertTrue(scan != null, "no live vertical-scan alert within 60 s:\n" + sensor.stderr());
            assertTrue(sensor.process.isAlive());
            assertEquals("scan", scan.path("alert").path("behaviour").path("detector").asText());
            assertTrue(scan.path("alert").path("behaviour").path("observed").asInt() >= 20, scan.toString());
            System.out.printf("live: scan alert %.1f s after the scan ended%n", (System.nanoTime() - done) / 1e9);
        }

        // baseline learn --live: a real HTTP server in a pod, a client calling it, learned for 8 s
        Path profile = dir.resolve("profile.yaml");
        Process web = new ProcessBuilder("ip", "netns", "exec", "cn-a-web", "python3", "-m", "http.server", "8000",
                "--bind", "10.244.1.10", "--directory", dir.toString()).redirectErrorStream(true).start();
        try {
            String java = ProcessHandle.current().info().command().orElse("java");
            Process learn = new ProcessBuilder("ip", "netns", "exec", "cn-nodeA", java, "-cp", System.getProperty("java.class.path"),
                    "io.crowsnest.sensor.cli.CrowsnestCli", "baseline", "learn", "--live", "--interfaces", "cn-br0", "--for", "8s",
                    "--out", profile.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("learn.log").toFile()).start();
            Thread.sleep(3_000);
            for (int i = 0; i < 5; i++) {
                sh(10, "ip", "netns", "exec", "cn-a-client", "curl", "-s", "-o", "/dev/null", "http://10.244.1.10:8000/");
            }
            assertTrue(learn.waitFor(60, TimeUnit.SECONDS), "baseline learn --live --for 8s did not end");
            String log = Files.readString(dir.resolve("learn.log"));
            assertEquals(0, learn.exitValue(), log);
            io.crowsnest.behaviour.profile.Profile p = io.crowsnest.behaviour.profile.Profile.read(profile);
            io.crowsnest.behaviour.profile.WorkloadProfile client = p.workload("10.244.1.20");
            assertTrue(client != null && client.talksTo.contains("10.244.1.10 tcp/8000"), Files.readString(profile));
            assertTrue(p.workload("10.244.1.10").endpoints.containsKey("GET /"), Files.readString(profile));
        } finally {
            web.destroyForcibly();
        }
    }

    @Test
    void reloadDuringAFloodLosesNothingAndTheNewRuleAlertsAtOnce(@TempDir Path dir) throws Exception {
        Path rules = dir.resolve("local.rules");
        // v1 matches nothing in the flood; v2 adds a rule for its payload (one alert per source)
        Files.writeString(rules, "alert icmp any any -> any any (msg:\"lab: v1 marker\"; itype:8; content:\"CNV1MARK\"; sid:7100001;)\n");
        String java = ProcessHandle.current().info().command().orElse("java");
        Path err = dir.resolve("sensor.err");
        Process sensor = new ProcessBuilder("ip", "netns", "exec", "cn-nodeA", java, "-cp", System.getProperty("java.class.path"),
                "io.crowsnest.sensor.cli.CrowsnestCli", "live", "--interfaces", "cn-br0", "--stats-interval", "1", "--no-default-rules",
                "--no-behaviour", "--rules", rules.toString(), "--out", dir.resolve("out").toString(), "--metrics-address", "none")
                .redirectOutput(dir.resolve("sensor.out").toFile()).redirectError(err.toFile()).start();
        Process flood = null, second = null;
        try {
            long end = System.currentTimeMillis() + 20_000;
            while (!Files.readString(err).contains("capturing on cn-br0") && System.currentTimeMillis() < end) {
                assertTrue(sensor.isAlive(), () -> "sensor exited: " + read(err));
                Thread.sleep(100);
            }
            // "CNFLOOD2" repeated in every echo request, a steady 1k requests/s (+ replies): a load the sensor
            // takes without loss on 2 shared cores, so any drop would be the reload's (an unthrottled ping -f, or
            // -i 0.0001, reaches ~105-110 kpps here, past the capture's known limit, issue 6)
            flood = new ProcessBuilder("ip", "netns", "exec", "cn-a-client", "ping", "-i", "0.001", "-q", "-w", "25", "-s", "64",
                    "-p", "434e464c4f4f4432", "10.244.1.10").redirectErrorStream(true).start();
            Thread.sleep(3_000);
            Files.writeString(rules, Files.readString(rules) + "alert icmp any any -> any any (msg:\"lab: v2 flood payload\"; itype:8;"
                    + " content:\"CNFLOOD2\"; threshold: type limit, track by_src, count 1, seconds 3600; sid:7100002;)\n");
            String reloaded = sh(60, "ip", "netns", "exec", "cn-nodeA", java, "-cp", System.getProperty("java.class.path"),
                    "io.crowsnest.sensor.cli.CrowsnestCli", "reload");
            long done = System.nanoTime();
            assertTrue(reloaded.contains("reloaded ruleset"), reloaded);
            Path eve = dir.resolve("out/eve.json");
            long seen = -1;
            while (System.nanoTime() - done < 5_000_000_000L) {
                if (read(eve).contains("\"signature_id\":7100002")) {
                    seen = System.nanoTime();
                    break;
                }
                Thread.sleep(20);
            }
            assertTrue(seen > 0, "no alert from the new rule:\n" + read(err));
            double after = (seen - done) / 1e9;
            System.out.printf("live reload under a ping flood: %s; first alert of the new rule written %.2f s after the reload returned%n",
                    reloaded.strip(), after);
            assertTrue(after <= 1.0, "the new rule's first alert came " + after + " s after the reload");

            // a rule file with nothing loadable (a bad edit): refused, the running set goes on (a new source
            // still alerts under v2). A file with some bad rules loads the good ones and names the bad, like Suricata.
            Files.writeString(rules, "alert icmp any any -> any any (msg:\"broken\"; content:\"x; sid:7100003;)\n");
            Process bad = new ProcessBuilder("ip", "netns", "exec", "cn-nodeA", java, "-cp", System.getProperty("java.class.path"),
                    "io.crowsnest.sensor.cli.CrowsnestCli", "reload").redirectErrorStream(true).start();
            String badOut = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(bad.waitFor(60, TimeUnit.SECONDS));
            assertEquals(1, bad.exitValue(), badOut);
            assertTrue(badOut.contains("still running"), badOut);
            second = new ProcessBuilder("ip", "netns", "exec", "cn-b-client", "ping", "-c", "3", "-i", "0.2", "-p",
                    "434e464c4f4f4432", "10.244.1.10").redirectErrorStream(true).start();
            assertTrue(second.waitFor(20, TimeUnit.SECONDS));
            end = System.currentTimeMillis() + 5_000;
            while (System.currentTimeMillis() < end && !read(eve).contains("\"src_ip\":\"10.244.2.10\"")) {
                Thread.sleep(50);
            }
            assertTrue(read(eve).contains("\"src_ip\":\"10.244.2.10\""), "the old set stopped alerting after a refused reload");
            flood.waitFor(30, TimeUnit.SECONDS);
        } finally {
            if (flood != null) {
                flood.destroyForcibly();
            }
            sensor.destroy();
            assertTrue(sensor.waitFor(10, TimeUnit.SECONDS));
        }
        assertEquals(0, sensor.exitValue(), read(err));
        JsonNode stats = JSON.readTree(dir.resolve("out/stats.json").toFile());
        for (JsonNode i : stats.path("interfaces")) {
            if ("cn-br0".equals(i.path("name").asText())) {
                System.out.println("live reload under a flood, cn-br0: " + i);
                assertTrue(i.path("received").asLong() > 20_000, i.toString());
                assertEquals(0, i.path("ring_drops").asLong(), "no packet lost to the ring during the reload: " + i);
                assertEquals(0, i.path("kernel_drops").asLong(), "no packet lost in the kernel during the reload: " + i);
            }
        }
    }

    static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void withoutCaptureCapabilitiesItFailsAtOnceNamingThem(@TempDir Path dir) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder("setpriv", "--bounding-set=-net_raw,-net_admin", "--inh-caps=-net_raw,-net_admin",
                java, "-cp", System.getProperty("java.class.path"), "io.crowsnest.sensor.cli.CrowsnestCli", "live",
                "--out", dir.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "must fail at once");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("CAP_NET_RAW") && out.contains("CAP_NET_ADMIN"), out);
        assertTrue(!out.contains("\tat "), "no stack trace: " + out);
    }
}
