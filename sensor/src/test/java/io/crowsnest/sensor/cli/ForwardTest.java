package io.crowsnest.sensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.crowsnest.sensor.SharedData;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --forward}: alerts reach an HTTP collector, and what could not be delivered is delivered by the next run. */
class ForwardTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final CliRun cli = new CliRun();

    private static HttpServer collector(int port, List<Long> sids) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/hook", ex -> {
            JsonNode batch = JSON.readTree(ex.getRequestBody().readAllBytes());
            for (JsonNode eve : batch) {
                sids.add(eve.path("alert").path("signature_id").asLong());
            }
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
        return server;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void alertsReachAWebhookAndASpooledBacklogIsDeliveredByTheNextRun(@TempDir Path dir) throws Exception {
        Path demo = SharedData.projectRoot().resolve("pcaps/demo-container-attacks.pcap");
        int port = freePort();
        String url = "http://127.0.0.1:" + port + "/hook?flavor=webhook";
        List<Long> sids = new CopyOnWriteArrayList<>();

        // collector down: the run finishes, the 6 alerts stay in the spool
        assertEquals(0, cli.run("replay", demo.toString(), "--forward", url, "--out", dir.resolve("a").toString(),
                "--spool-dir", dir.resolve("spool").toString()), cli.err);
        assertTrue(sids.isEmpty());

        // collector up: a new run over the same spool delivers the backlog and its own alerts
        HttpServer server = collector(port, sids);
        try {
            assertEquals(0, cli.run("replay", demo.toString(), "--forward", url, "--out", dir.resolve("b").toString(),
                    "--spool-dir", dir.resolve("spool").toString()), cli.err);
            long deadline = System.currentTimeMillis() + 20_000;
            while (sids.size() < 12 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
        } finally {
            server.stop(0);
        }
        assertEquals(12, sids.size(), "6 spooled by the first run + 6 of the second: " + sids);
        assertEquals(4, sids.stream().filter(s -> s == 9100001L).count());
    }

    @Test
    void badForwardUrlsAreUsageErrors(@TempDir Path dir) {
        Path demo = SharedData.projectRoot().resolve("pcaps/demo-container-attacks.pcap");
        assertEquals(2, cli.run("replay", demo.toString(), "--forward", "ftp://127.0.0.1:21", "--out", dir.toString()));
        assertTrue(cli.err.contains("scheme must be"), cli.err);
        assertEquals(2, cli.run("replay", demo.toString(), "--forward", "syslog+tcp://127.0.0.1:514?format=xml", "--out", dir.toString()));
        assertTrue(cli.err.contains("format must be"), cli.err);
        assertEquals(2, cli.run("replay", demo.toString(), "--forward", "http://127.0.0.1:9/x?flavour=hec", "--out", dir.toString()));
        assertTrue(cli.err.contains("unknown parameter 'flavour'"), cli.err);
        assertEquals(2, cli.run("replay", demo.toString(), "--forward", "kafka://127.0.0.1:9092", "--out", dir.toString()));
        assertTrue(cli.err.contains("--forward kafka://127.0.0.1:9092: needs a topic"), cli.err);
        assertEquals(2, cli.run("replay", demo.toString(), "--forward", "kafka://127.0.0.1:9092,k2:9092/alerts?compresion=lz4",
                "--out", dir.toString()));
        assertTrue(cli.err.contains("unknown parameter 'compresion'"), cli.err);
        assertEquals(2, cli.run("replay", demo.toString(), "--forward", "kafka://127.0.0.1:9092/alerts?tls=true&ca=/no/such/ca.pem",
                "--out", dir.toString()));
        assertTrue(cli.err.contains("cannot read the CA file /no/such/ca.pem"), cli.err);
    }

    @Test
    void alertsSpooledByASensorKilledWithSigkillWhileTheCollectorIsDownAreDeliveredAfterRestart(@TempDir Path dir)
            throws Exception {
        Path demo = SharedData.projectRoot().resolve("pcaps/demo-container-attacks.pcap");
        int port = freePort();
        String url = "http://127.0.0.1:" + port + "/hook?flavor=webhook";
        Path spool = dir.resolve("spool");
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Process sensor = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                "io.crowsnest.sensor.cli.CrowsnestCli", "replay", demo.toString(), "--forward", url,
                "--spool-dir", spool.toString(), "--out", dir.resolve("a").toString(), "--no-progress")
                .redirectErrorStream(true).redirectOutput(dir.resolve("a.log").toFile()).start();
        // the replay is done in well under a second, then waits for the (down) collector: once
        // the six alerts are in eve.json they are in the spool too (same writer thread, next call)
        Path eve = dir.resolve("a/eve.json");
        long deadline = System.currentTimeMillis() + 30_000;
        while ((!Files.exists(eve) || Files.readAllLines(eve).size() < 6) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(6, Files.readAllLines(eve).size(), Files.readString(dir.resolve("a.log")));
        Thread.sleep(300);
        sensor.destroyForcibly(); // SIGKILL: no close, no drain, no ack written on the way out
        assertTrue(sensor.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(sensor.exitValue() != 0, "the sensor was killed, not finished");

        List<Long> sids = new CopyOnWriteArrayList<>();
        HttpServer server = collector(port, sids);
        try {
            // a run over a capture with no alerts: everything delivered comes from the spool
            Path quiet = SharedData.externalPcap("normal/zeek-http-get.pcap");
            assertEquals(0, cli.run("replay", quiet.toString(), "--forward", url, "--spool-dir", spool.toString(),
                    "--out", dir.resolve("b").toString()), cli.err);
            long until = System.currentTimeMillis() + 20_000;
            while (sids.size() < 6 && System.currentTimeMillis() < until) {
                Thread.sleep(50);
            }
        } finally {
            server.stop(0);
        }
        assertEquals(6, sids.size(), "the six alerts spooled before the SIGKILL: " + sids);
        assertEquals(2, sids.stream().filter(s -> s == 9100001L).count());
    }
}
