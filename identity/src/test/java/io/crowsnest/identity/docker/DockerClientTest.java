package io.crowsnest.identity.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.identity.IpKey;
import io.crowsnest.identity.Workload;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class DockerClientTest {

    public static final String WEB = "8dfafdbc3a40e5b1a1b9d4b2bf2a3c1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b";
    public static final String PAUSE = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";

    @TempDir
    Path tmp;
    FakeDockerApi api;
    DockerClient client;

    public static String recorded(String name) throws IOException {
        try (InputStream in = DockerClientTest.class.getResourceAsStream("/docker/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    public static FakeDockerApi fake(Path socket) throws Exception {
        return new FakeDockerApi(socket)
                .respond("/containers/json", recorded("containers.json"))
                .respond("/containers/" + WEB + "/json", recorded("inspect-web.json"))
                .respond("/containers/" + PAUSE + "/json", recorded("inspect-pause.json"));
    }

    @BeforeEach
    void start() throws Exception {
        api = fake(tmp.resolve("docker.sock"));
        client = new DockerClient(api.socket);
    }

    @AfterEach
    void stop() {
        client.close();
        api.close();
    }

    @Test
    void listContainers() throws Exception {
        List<ContainerSummary> l = client.listContainers().get(5, TimeUnit.SECONDS);
        assertEquals(2, l.size());
        assertEquals(WEB, l.get(0).id());
        assertEquals(List.of("shop-web"), l.get(0).names());
        assertEquals("nginx:1.27", l.get(0).image());
        assertEquals(Map.of("app", "web", "tier", "frontend"), l.get(0).labels());
        assertEquals("running", l.get(1).state());
        assertEquals("/containers/json", api.requests.get(0));
    }

    @Test
    void inspectPlainContainer() throws Exception {
        ContainerDetails d = client.inspect(WEB).get(5, TimeUnit.SECONDS);
        assertEquals("shop-web", d.name());
        assertEquals("nginx:1.27", d.image());
        assertEquals(41234, d.pid());
        assertTrue(d.running());
        assertEquals(List.of(IpKey.parse("172.17.0.2")), d.addresses());
        assertEquals(java.time.Instant.parse("2024-11-23T18:20:00.523456789Z").getEpochSecond()
                * 1_000_000_000L + 523456789, d.startedNanos());
        assertEquals(0, d.finishedNanos());
        Workload w = d.toWorkload("node-a");
        assertEquals(Workload.Kind.CONTAINER, w.kind());
        assertEquals("shop-web", w.container());
        assertEquals(WEB, w.containerId());
        assertEquals("node-a", w.node());
        assertNull(w.pod());
    }

    @Test
    void inspectPodSandbox() throws Exception {
        ContainerDetails d = client.inspect(PAUSE).get(5, TimeUnit.SECONDS);
        assertTrue(d.isPodSandbox());
        assertEquals("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", d.podUid());
        assertEquals(List.of(IpKey.parse("172.17.0.3"), IpKey.parse("fd00:dead:beef::3")), d.addresses());
        Workload w = d.toWorkload(null);
        assertEquals(Workload.Kind.POD, w.kind());
        assertEquals("shop", w.namespace());
        assertEquals("checkout-7d9f8b6c5-x2x4q", w.pod());
        assertNull(w.container());
        assertEquals("registry.k8s.io/pause:3.9", w.image());
        assertEquals(Map.of("app", "checkout", "pod-template-hash", "7d9f8b6c5",
                "annotation.kubernetes.io/config.seen", "2024-11-23T18:20:01.000000000Z"), w.labels());
    }

    @Test
    void inspectUnknownIs404() {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> client.inspect("nope").get(5, TimeUnit.SECONDS));
        DockerClient.DockerApiException d = assertInstanceOf(DockerClient.DockerApiException.class, e.getCause());
        assertEquals(404, d.status());
        assertTrue(d.getMessage().contains("No such container"), d.getMessage());
    }

    @Test
    void eventsStreamSplitAcrossChunks() throws Exception {
        BlockingQueue<DockerEvent> q = new LinkedBlockingQueue<>();
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        try (DockerClient.Subscription s = client.containerEvents(q::add, ended::complete)) {
            s.opened().get(5, TimeUnit.SECONDS);
            String uri = api.requests.get(api.requests.size() - 1);
            assertTrue(uri.startsWith("/events?filters="), uri);
            assertTrue(java.net.URLDecoder.decode(uri, StandardCharsets.UTF_8).contains("\"type\":[\"container\"]"), uri);
            String[] lines = recorded("events.jsonl").split("\n");
            // a line split over two chunks, then the rest of it and the next line in one chunk
            api.sendEventChunk(lines[0].substring(0, 50));
            api.sendEventChunk(lines[0].substring(50) + "\n" + lines[1] + "\n");
            DockerEvent start = q.poll(5, TimeUnit.SECONDS);
            DockerEvent die = q.poll(5, TimeUnit.SECONDS);
            assertEquals("start", start.action());
            assertEquals("container", start.type());
            assertEquals(WEB, start.id());
            assertEquals("shop-web", start.attributes().get("name"));
            assertEquals(1732386000523456789L, start.timeNanos());
            assertEquals("die", die.action());
            assertEquals("137", die.attributes().get("exitCode"));
            api.endEventStreams();
            assertNull(ended.get(5, TimeUnit.SECONDS)); // the daemon closed it: no error
        }
    }

    @Test
    void closingTheSubscriptionDoesNotReportAnEnd() throws Exception {
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        DockerClient.Subscription s = client.containerEvents(e -> { }, ended::complete);
        s.opened().get(5, TimeUnit.SECONDS);
        s.close();
        for (int i = 0; i < 100 && api.openEventStreams() > 0; i++) {
            Thread.sleep(10);
        }
        assertEquals(0, api.openEventStreams());
        assertTrue(!ended.isDone());
    }

    @Test
    void noDaemon() {
        try (DockerClient c = new DockerClient(tmp.resolve("absent.sock"))) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> c.listContainers().get(5, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("absent.sock"), e.getCause().getMessage());
        }
    }
}
