package io.crowsnest.sensor.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crowsnest.sensor.SharedData;
import io.crowsnest.sensor.replay.ReplayOptions;
import io.crowsnest.sensor.replay.ReplayResult;
import io.crowsnest.sensor.replay.ReplayRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's package, installed by bin/test) scrapes a replay every second: the replay
 * serves the live sensor's metric names (the capture as interface "replay"), and Prometheus ends up
 * with the packet total the replay reports, the ruleset hash and the behavioural alert counters.
 */
class ReplayMetricsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    String get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    double query(int promPort, String q) throws Exception {
        JsonNode r = JSON.readTree(get("http://127.0.0.1:" + promPort + "/api/v1/query?query=" + URLEncoder.encode(q, StandardCharsets.UTF_8)))
                .path("data").path("result");
        return r.size() == 0 ? -1 : Double.parseDouble(r.get(0).path("value").get(1).asText());
    }

    @Test
    void prometheusScrapesAReplay(@TempDir Path dir) throws Exception {
        int metricsPort = freePort(), promPort = freePort();
        Files.writeString(dir.resolve("prometheus.yml"), "global:\n  scrape_interval: 1s\n"
                + "scrape_configs:\n  - job_name: crowsnest-replay\n    static_configs:\n      - targets: ['127.0.0.1:" + metricsPort + "']\n");
        Process prom = new ProcessBuilder("prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + promPort)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            long end = System.currentTimeMillis() + 30_000;
            boolean ready = false;
            while (!ready && System.currentTimeMillis() < end) {
                try {
                    ready = get("http://127.0.0.1:" + promPort + "/-/ready").contains("Ready");
                } catch (java.io.IOException notYet) {
                    Thread.sleep(200);
                }
            }
            assertTrue(ready, () -> "prometheus did not come up: " + log(dir));

            ReplayOptions o = new ReplayOptions();
            for (int i = 0; i < 20; i++) {
                o.files.add(SharedData.projectRoot().resolve("pcaps/lab/behaviour/benign-learn.pcap"));
            }
            o.files.add(SharedData.projectRoot().resolve("pcaps/lab/port-scan.pcap"));
            o.outDir = dir.resolve("out");
            o.metricsAddress = new java.net.InetSocketAddress("127.0.0.1", metricsPort);
            o.metricsLingerSeconds = 4; // Prometheus scrapes the final totals
            ReplayResult r = new ReplayRunner(o, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run();
            assertEquals(0, r.exitCode);

            double packets = query(promPort, "max_over_time(crowsnest_interface_packets_total{interface=\"replay\"}[10m])");
            assertEquals((double) r.packets, packets, () -> "Prometheus saw " + packets + " of " + r.packets + " packets\n" + log(dir));
            assertTrue(query(promPort, "max_over_time(crowsnest_behaviour_alerts_total{detector=\"scan\"}[10m])") >= 2,
                    "the port scan's behavioural alerts are counted");
            assertTrue(query(promPort, "crowsnest_ruleset_info") == 1);
            double loaded = query(promPort, "crowsnest_ruleset_loaded_timestamp_seconds");
            assertTrue(loaded > 1.7e9, "ruleset load time: " + loaded);
            assertTrue(query(promPort, "count(up{job=\"crowsnest-replay\"} == 1)") >= 1);
        } finally {
            prom.destroy();
            if (!prom.waitFor(10, TimeUnit.SECONDS)) {
                prom.destroyForcibly();
            }
        }
    }

    static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("prometheus.log"));
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
