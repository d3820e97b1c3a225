package io.crowsnest.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.identity.docker.DockerClient;
import io.crowsnest.identity.docker.DockerClientTest;
import io.crowsnest.identity.docker.FakeDockerApi;
import io.crowsnest.identity.history.IdentityHistory;
import io.crowsnest.identity.proc.NetnsScanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkloadResolverTest {

    static final long S = 1_000_000_000L;
    static final String WEB = DockerClientTest.WEB;
    static final String OTHER = "ab".repeat(32);
    static final long STARTED = 1732386000_523456789L; // inspect-web.json StartedAt
    static final long DIED = 1732386300_000000042L; // events.jsonl die timeNano
    static final long NOW = 1732386400L * S;
    static final IpKey WEB_IP = IpKey.parse("172.17.0.2");

    @TempDir
    Path tmp;

    @Test
    void dockerEventsKeepHistoryAndDeadContainersStillResolve() throws Exception {
        try (FakeDockerApi api = DockerClientTest.fake(tmp.resolve("d.sock"));
                DockerClient client = new DockerClient(api.socket);
                WorkloadResolver r = WorkloadResolver.builder().docker(client).node("node-a").clock(() -> NOW)
                        .history(new IdentityHistory(TimeUnit.DAYS.toNanos(1), 1000)).build()) {
            r.start().get(10, TimeUnit.SECONDS);
            Workload web = r.resolve(WEB_IP.hi(), WEB_IP.lo(), STARTED + S);
            assertNotNull(web, "listed container not resolved; errors: " + r.lastError());
            assertEquals("shop-web", web.container());
            assertEquals("nginx:1.27", web.image());
            assertEquals("node-a", web.node());
            assertNull(r.resolve(WEB_IP.hi(), WEB_IP.lo(), STARTED - 1)); // before it started
            Workload pod = r.resolve(0, 0xAC110003L, STARTED + S); // bare IPv4 form works too
            assertEquals("checkout-7d9f8b6c5-x2x4q", pod.pod());
            assertEquals("shop", pod.namespace());
            assertEquals(pod, r.resolve(IpKey.parse("fd00:dead:beef::3").hi(), IpKey.parse("fd00:dead:beef::3").lo(), NOW));

            // die: the container is gone, but packets from before its death still name it
            String die = DockerClientTest.recorded("events.jsonl").split("\n")[1];
            long sent = System.nanoTime();
            api.sendEventChunk(die + "\n");
            waitFor(() -> r.resolve(WEB_IP.hi(), WEB_IP.lo(), DIED) == null, "die applied");
            System.out.printf("WorkloadResolver: docker die event to cache in %.2f ms (fake API)%n",
                    (System.nanoTime() - sent) / 1e6);
            assertEquals("shop-web", r.resolve(WEB_IP.hi(), WEB_IP.lo(), DIED - 1).container());

            // a new container starts on the reused address
            api.respond("/containers/" + OTHER + "/json", DockerClientTest.recorded("inspect-web.json")
                    .replace(WEB, OTHER).replace("/shop-web", "/shop-web-2")
                    .replace("2024-11-23T18:20:00.523456789Z", "2024-11-23T18:25:10Z"));
            long startAt = 1732386310L * S;
            sent = System.nanoTime();
            api.sendEventChunk("{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"" + OTHER
                    + "\",\"Attributes\":{\"name\":\"shop-web-2\"}},\"timeNano\":" + startAt + "}\n");
            waitFor(() -> r.resolve(WEB_IP.hi(), WEB_IP.lo(), startAt) != null, "start applied");
            System.out.printf("WorkloadResolver: docker start event to cache (incl. inspect) in %.2f ms (fake API)%n",
                    (System.nanoTime() - sent) / 1e6);
            assertEquals("shop-web-2", r.resolve(WEB_IP.hi(), WEB_IP.lo(), startAt).container());
            assertEquals("shop-web", r.resolve(WEB_IP.hi(), WEB_IP.lo(), DIED - 1).container());
            assertNull(r.resolve(WEB_IP.hi(), WEB_IP.lo(), DIED + 1)); // the gap between the two
            assertEquals(2, r.dockerEvents());
        }
    }

    @Test
    void procScanFillsInWhatDockerDoesNotKnow() throws Exception {
        Path proc = tmp.resolve("proc");
        Files.createDirectories(proc.resolve("self/ns"));
        Files.createSymbolicLink(proc.resolve("self/ns/net"), Paths.get("net:[100]"));
        fakePid(proc, 1, 100, "0::/init.scope\n", "172.17.0.1");
        fakePid(proc, 200, 200, "0::/system.slice/docker-" + WEB + ".scope\n", "172.17.0.2");
        String uid = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
        fakePid(proc, 300, 300, "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
                + uid.replace('-', '_') + ".slice/cri-containerd-" + OTHER + ".scope\n", "10.244.1.9");

        long[] now = {NOW};
        try (FakeDockerApi api = DockerClientTest.fake(tmp.resolve("d.sock"));
                DockerClient client = new DockerClient(api.socket);
                WorkloadResolver r = WorkloadResolver.builder().docker(client).netnsScanner(new NetnsScanner(proc))
                        .rescanInterval(Duration.ofMillis(50)).node("node-a").clock(() -> now[0])
                        .history(new IdentityHistory(TimeUnit.DAYS.toNanos(1), 1000)).build()) {
            r.start().get(10, TimeUnit.SECONDS);
            r.refresh().get(10, TimeUnit.SECONDS);
            assertEquals(Workload.Kind.HOST, r.resolve(0, 0xAC110001L, NOW).kind());
            assertEquals("shop-web", r.resolve(WEB_IP.hi(), WEB_IP.lo(), NOW).container()); // Docker's facts win
            IpKey podIp = IpKey.parse("10.244.1.9");
            Workload cri = r.resolve(podIp.hi(), podIp.lo(), NOW);
            assertEquals(Workload.Kind.POD, cri.kind());
            assertEquals(OTHER, cri.containerId());
            assertEquals(uid, cri.labels().get("io.kubernetes.pod.uid"));

            // the CRI pod's namespace goes away: closed at the next scan's time
            deleteTree(proc.resolve("300"));
            now[0] = NOW + 10 * S;
            r.refresh().get(10, TimeUnit.SECONDS);
            assertNull(r.resolve(podIp.hi(), podIp.lo(), NOW + 10 * S));
            assertEquals(OTHER, r.resolve(podIp.hi(), podIp.lo(), NOW + 10 * S - 1).containerId());
        }
    }

    @Test
    void resolveNeverBlocksWhileTheSourcesAreDown() throws Exception {
        try (DockerClient client = new DockerClient(tmp.resolve("absent.sock"));
                WorkloadResolver r = WorkloadResolver.builder().docker(client).build()) {
            r.start().get(10, TimeUnit.SECONDS);
            assertNull(r.resolve(0, 0xAC110002L, NOW));
            assertTrue(r.errors() > 0);
        }
    }

    static void fakePid(Path proc, int pid, long netns, String cgroup, String addr) throws IOException {
        Path d = proc.resolve(Integer.toString(pid));
        Files.createDirectories(d.resolve("ns"));
        Files.createDirectories(d.resolve("net"));
        Files.createSymbolicLink(d.resolve("ns/net"), Paths.get("net:[" + netns + "]"));
        Files.writeString(d.resolve("cgroup"), cgroup);
        Files.writeString(d.resolve("net/dev"), "Inter-|\n face |\n    lo: 0 0\n  eth0: 0 0\n");
        Files.writeString(d.resolve("net/fib_trie"), "Local:\n  +-- 0.0.0.0/0 3 0 5\n     |-- " + addr
                + "\n        /32 host LOCAL\n     |-- 127.0.0.1\n        /32 host LOCAL\n");
    }

    static void deleteTree(Path p) throws IOException {
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }

    static void waitFor(BooleanSupplier c, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(0, 200_000);
        }
    }
}
