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
    }
}
