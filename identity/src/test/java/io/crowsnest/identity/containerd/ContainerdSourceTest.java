package io.crowsnest.identity.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.identity.IpKey;
import io.crowsnest.identity.Workload;
import io.crowsnest.identity.WorkloadResolver;
import io.crowsnest.identity.history.IdentityHistory;
import io.crowsnest.identity.proc.NetnsScanner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * containerd's state directory and the host's /proc as files: bundles with the specs containerd 1.6's CRI plugin and
 * {@code ctr} write, processes with their cgroup, network namespace and addresses. The real thing runs in
 * {@code RealContainerdRootTest}.
 */
class ContainerdSourceTest {

    static final long S = 1_000_000_000L;
    static final long T0 = 1_795_000_000L * S;
    static final String SANDBOX = "5b".repeat(32);
    static final String APP = "a1".repeat(32);
    static final String SIDECAR = "c2".repeat(32);
    static final String UID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    static final IpKey POD_IP = IpKey.parse("10.244.1.9");
    static final IpKey WEB_IP = IpKey.parse("10.231.0.20");

    @TempDir
    Path tmp;
    Path state;
    Path proc;

    @BeforeEach
    void host() throws IOException {
        state = tmp.resolve("state");
        proc = tmp.resolve("proc");
        Files.createDirectories(proc.resolve("self/ns"));
        Files.createSymbolicLink(proc.resolve("self/ns/net"), Paths.get("net:[100]"));
        process(1, 100, "0::/init.scope\n", "192.168.56.10");
    }

    @Test
    void aSpecKeepsTheCriAnnotationsAndItsCgroup() throws IOException {
        OciBundle b = OciBundle.parse("k8s.io", APP, spec(criContainer("web", "docker.io/shop/web:2.1"),
                "/kubepods/besteffort/pod" + UID + "/" + APP).getBytes(StandardCharsets.UTF_8), "config.json");
        assertTrue(b.isCri());
        assertEquals(SANDBOX, b.sandboxId());
        assertEquals("web", b.annotation(OciBundle.CONTAINER_NAME));
        assertEquals("docker.io/shop/web:2.1", b.annotation(OciBundle.IMAGE_NAME));
        assertEquals("/kubepods/besteffort/pod" + UID + "/" + APP, b.cgroupsPath());
        assertNull(b.annotation("io.kubernetes.cri.sandbox-log-directory"), "only the naming annotations are kept");
        OciBundle plain = OciBundle.parse("default", "web", "{\"ociVersion\":\"1.0.2\"}".getBytes(StandardCharsets.UTF_8), "x");
        assertTrue(!plain.isCri() && plain.sandboxId() == null && plain.cgroupsPath().isEmpty());

        IOException e = assertThrows(IOException.class, () -> OciBundle.parse("default", "web",
                "{\"ociVersion\":\n  nope}".getBytes(StandardCharsets.UTF_8), "/run/containerd/x/config.json"));
        assertTrue(e.getMessage().startsWith("/run/containerd/x/config.json:2:3: not an OCI runtime spec: "), e.getMessage());
        e = assertThrows(IOException.class, () -> OciBundle.parse("default", "web", "[]".getBytes(StandardCharsets.UTF_8), "f"));
        assertEquals("f: not an OCI runtime spec: expected a JSON object", e.getMessage());
    }

    @Test
    void tasksAreGroupedByNetworkNamespace() throws IOException {
        podWithApp();
        task("k8s.io", SIDECAR, 202, 200, criContainer("envoy", "docker.io/envoyproxy/envoy:v1.31"), T0 + 3 * S);
        task("cn", "web", 300, 300, "{}", T0 + 4 * S);
        process(300, 300, "0::/cn/web\n", WEB_IP.toString());
        task("cn", "web-sidecar", 301, 300, "{}", T0 + 5 * S); // ctr run --with-ns network:... of web's namespace
        process(301, 300, "0::/cn/web-sidecar\n", WEB_IP.toString());
        task("moby", "d0".repeat(32), 400, 400, "{}", T0); // Docker's: the Docker API names it
        process(400, 400, "0::/system.slice/docker-" + "d0".repeat(32) + ".scope\n", "172.17.0.2");
        task("cn", "exited", 999, 999, "{}", T0); // exited, not deleted yet: no process
        task("cn", "recycled", 500, 500, "{}", T0); // its pid now belongs to someone else
        process(500, 500, "0::/user.slice/session-1.scope\n", "10.0.0.5");
        task("cn", "hostnet", 600, 100, "{}", T0); // host network: /proc names the host
        process(600, 100, "0::/cn/hostnet\n", "192.168.56.10");
        Files.createDirectories(state.resolve("io.containerd.runtime.v2.task/cn/creating")); // no init.pid yet

        ContainerdSource src = new ContainerdSource(state, new NetnsScanner(proc), Set.of("moby"));
        ContainerdSource.Snapshot s = src.snapshot("node-a");
        assertEquals(List.of(), s.problems());
        assertEquals(2, s.held().size(), s.held().toString());
        ContainerdSource.Held pod = s.held().stream().filter(h -> h.key().equals("cri/" + SANDBOX)).findFirst().orElseThrow();
        assertEquals(List.of(POD_IP), pod.addresses());
        assertEquals(new Workload(Workload.Kind.POD, "shop", "web-5d8f", null, SANDBOX, null,
                Map.of("io.kubernetes.pod.uid", UID), "node-a", null), pod.workload(),
                "two containers share the address: which one sent a packet is unknown");
        assertEquals(T0, pod.startedNanos());
        ContainerdSource.Held web = s.held().stream().filter(h -> h.key().equals("cn/web")).findFirst().orElseThrow();
        assertEquals(new Workload(Workload.Kind.CONTAINER, null, null, "web", "web", null,
                Map.of("containerd.namespace", "cn"), "node-a", null), web.workload(), "the first task owns the namespace");
        assertEquals(List.of(WEB_IP), web.addresses());
    }

    @Test
    void oneAppContainerNamesThePodsAddressAndANerdctlNameIsUsed() throws IOException {
        podWithApp();
        task("default", "f3".repeat(32), 300, 300, "{\"nerdctl/name\":\"shop-db\"}", T0);
        process(300, 300, "0::/default/" + "f3".repeat(32) + "\n", "10.4.0.7");
        ContainerdSource.Snapshot s = new ContainerdSource(state, new NetnsScanner(proc), Set.of()).snapshot(null);
        Workload pod = s.held().stream().filter(h -> h.key().equals("cri/" + SANDBOX)).findFirst().orElseThrow().workload();
        assertEquals("web", pod.container());
        assertEquals(APP, pod.containerId());
        assertEquals("docker.io/shop/web:2.1", pod.image());
        Workload db = s.held().stream().filter(h -> h.key().startsWith("default/")).findFirst().orElseThrow().workload();
        assertEquals("shop-db", db.container());
        assertEquals("f3".repeat(32), db.containerId());
    }

    @Test
    void theResolverFollowsStartsSidecarsAndDeletesAndKeepsTheDeadNamed() throws Exception {
        podWithApp();
        long[] now = {T0 + 10 * S};
        try (WorkloadResolver r = WorkloadResolver.builder().node("node-a").clock(() -> now[0])
                .containerd(new ContainerdSource(state, new NetnsScanner(proc), Set.of("moby")))
                .rescanInterval(Duration.ofHours(1)).history(new IdentityHistory(TimeUnit.DAYS.toNanos(1), 1000)).build()) {
            r.start().get(10, TimeUnit.SECONDS);
            Workload w = r.resolve(POD_IP.hi(), POD_IP.lo(), T0 + S);
            assertNotNull(w, "the pod from its sandbox's start; errors: " + r.lastError());
            assertEquals("web", w.container());
            assertNull(r.resolve(POD_IP.hi(), POD_IP.lo(), T0 - 1));

            // a sidecar joins: from now on the address names the pod, not one of its containers
            now[0] = T0 + 12 * S; // (its file events may apply it before the refresh does)
            task("k8s.io", SIDECAR, 202, 200, criContainer("envoy", "docker.io/envoyproxy/envoy:v1.31"), T0 + 11 * S);
            r.refresh().get(10, TimeUnit.SECONDS);
            assertNotNull(r.resolve(POD_IP.hi(), POD_IP.lo(), T0 + 12 * S), () -> r.history().intervals(POD_IP).toString());
            assertNull(r.resolve(POD_IP.hi(), POD_IP.lo(), T0 + 12 * S).container());
            assertEquals("web-5d8f", r.resolve(POD_IP.hi(), POD_IP.lo(), T0 + 12 * S).pod());
            assertEquals("web", r.resolve(POD_IP.hi(), POD_IP.lo(), T0 + 12 * S - 1).container(), "as it was before");

            // the pod is deleted (bundles and processes gone): closed now, still named before
            now[0] = T0 + 20 * S;
            deleteTree(state.resolve("io.containerd.runtime.v2.task/k8s.io"));
            for (int pid : new int[] {200, 201, 202}) {
                deleteTree(proc.resolve(Integer.toString(pid)));
            }
            r.refresh().get(10, TimeUnit.SECONDS);
            assertNull(r.resolve(POD_IP.hi(), POD_IP.lo(), T0 + 20 * S));
            assertEquals("web-5d8f", r.resolve(POD_IP.hi(), POD_IP.lo(), T0 + 20 * S - 1).pod());
            assertEquals(SANDBOX, r.resolve(POD_IP.hi(), POD_IP.lo(), T0 + 15 * S).containerId());
            assertEquals(APP, r.resolve(POD_IP.hi(), POD_IP.lo(), T0 + 5 * S).containerId());
            assertEquals(0, r.errors(), String.valueOf(r.lastError()));
        }
    }

    @Test
    void withoutTheSandboxUidAnnotationThePodUidComesFromItsCgroup() throws IOException {
        // containerd before 1.7 writes no io.kubernetes.cri.sandbox-uid; the systemd cgroup driver's path carries it
        Path b = Files.createDirectories(state.resolve("io.containerd.runtime.v2.task/k8s.io").resolve(SANDBOX));
        Files.writeString(b.resolve("config.json"), spec(criSandbox().replace(",\"io.kubernetes.cri.sandbox-uid\":\"" + UID + "\"", ""),
                "kubepods-besteffort-pod" + UID.replace('-', '_') + ".slice:cri-containerd:" + SANDBOX));
        Files.writeString(b.resolve("init.pid"), "200");
        process(200, 200, "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + UID.replace('-', '_')
                + ".slice/cri-containerd-" + SANDBOX + ".scope\n", POD_IP.toString());
        Workload w = new ContainerdSource(state, new NetnsScanner(proc), Set.of()).snapshot(null).held().get(0).workload();
        assertEquals("web-5d8f", w.pod());
        assertEquals(UID, w.labels().get("io.kubernetes.pod.uid"));
    }

    @Test
    void aBadSpecIsReportedOnceWithItsPath() throws Exception {
        task("cn", "broken", 300, 300, "{}", T0);
        process(300, 300, "0::/cn/broken\n", "10.231.0.30");
        Path config = state.resolve("io.containerd.runtime.v2.task/cn/broken/config.json");
        Files.writeString(config, "{\"annotations\": {");
        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (WorkloadResolver r = WorkloadResolver.builder().clock(() -> T0).warnings(warnings::add)
                .containerd(new ContainerdSource(state, new NetnsScanner(proc), Set.of()))
                .rescanInterval(Duration.ofHours(1)).build()) {
            r.start().get(10, TimeUnit.SECONDS);
            r.refresh().get(10, TimeUnit.SECONDS);
            assertEquals(1, r.errors());
            assertTrue(r.lastError().getMessage().startsWith("containerd task: " + config + ":1:"), r.lastError().getMessage());
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).endsWith("(the task is not named until it is fixed)"), warnings.get(0));
            // fixed: named at the next listing
            Files.writeString(config, spec("{}", "/cn/broken"));
            Files.setLastModifiedTime(config, FileTime.fromMillis(System.currentTimeMillis() + 1000));
            r.refresh().get(10, TimeUnit.SECONDS);
            IpKey ip = IpKey.parse("10.231.0.30");
            assertEquals("broken", r.resolve(ip.hi(), ip.lo(), T0).container());
        }
    }

    @Test
    void fileEventsApplyATaskWithoutWaitingForTheRescan() throws Exception {
        Files.createDirectories(state); // containerd runs, no task yet
        try (WorkloadResolver r = WorkloadResolver.builder().node("node-a").clock(WorkloadResolver::nowNanos)
                .containerd(new ContainerdSource(state, new NetnsScanner(proc), Set.of()))
                .rescanInterval(Duration.ofHours(1)).build()) {
            r.start().get(10, TimeUnit.SECONDS);
            long before = r.containerdSyncs();
            process(300, 300, "0::/cn/web\n", WEB_IP.toString());
            long t = System.nanoTime();
            task("cn", "web", 300, 300, "{}", WorkloadResolver.nowNanos());
            waitFor(() -> r.resolve(WEB_IP.hi(), WEB_IP.lo(), WorkloadResolver.nowNanos()) != null, "the task from its events");
            System.out.printf("containerd source: task files written -> resolvable in %.1f ms (fake state dir)%n",
                    (System.nanoTime() - t) / 1e6);
            assertTrue(r.containerdSyncs() > before);
            deleteTree(state.resolve("io.containerd.runtime.v2.task/cn/web"));
            waitFor(() -> r.resolve(WEB_IP.hi(), WEB_IP.lo(), WorkloadResolver.nowNanos()) == null, "the delete from its event");
            assertEquals("web", r.history().intervals(WEB_IP).get(0).workload().container());
        }
    }

    @Test
    void onlyTaskLevelEventsCauseAListing() {
        Path root = Path.of("/run/containerd/io.containerd.runtime.v2.task");
        Path bundle = root.resolve("k8s.io").resolve(APP);
        assertTrue(ContainerdSource.relevant(root, bundle, List.of(event("init.pid"))));
        assertTrue(!ContainerdSource.relevant(root, bundle, List.of(event("log.json"), event("e7f1.pid"))),
                "an exec's pid file or runc's log: no listing");
        assertTrue(ContainerdSource.relevant(root, root.resolve("k8s.io"), List.of(event(APP))));
        assertTrue(ContainerdSource.relevant(root, root, List.of(event("default"))));
        assertTrue(ContainerdSource.relevant(root, root.getParent(), List.of(event("io.containerd.runtime.v2.task"))));
    }

    private static java.nio.file.WatchEvent<Path> event(String name) {
        return new java.nio.file.WatchEvent<>() {
            public Kind<Path> kind() {
                return java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
            }

            public int count() {
                return 1;
            }

            public Path context() {
                return Path.of(name);
            }
        };
    }

    // ---- fixtures ------------------------------------------------------------------------------------------------

    /** A CRI pod: sandbox (pid 200) and one app container (pid 201) in network namespace 200. */
    private void podWithApp() throws IOException {
        String parent = "/kubepods/besteffort/pod" + UID + "/";
        task("k8s.io", SANDBOX, 200, 200, criSandbox(), T0);
        task("k8s.io", APP, 201, 200, criContainer("web", "docker.io/shop/web:2.1"), T0 + 2 * S);
        process(200, 200, "0::" + parent + SANDBOX + "\n", POD_IP.toString());
        process(201, 200, "0::" + parent + APP + "\n", POD_IP.toString());
        process(202, 200, "0::" + parent + SIDECAR + "\n", POD_IP.toString());
    }

    static String criSandbox() {
        return "{\"io.kubernetes.cri.container-type\":\"sandbox\",\"io.kubernetes.cri.sandbox-id\":\"" + SANDBOX + "\","
                + "\"io.kubernetes.cri.sandbox-log-directory\":\"/var/log/pods/shop_web-5d8f_" + UID + "\","
                + "\"io.kubernetes.cri.sandbox-name\":\"web-5d8f\",\"io.kubernetes.cri.sandbox-namespace\":\"shop\","
                + "\"io.kubernetes.cri.sandbox-uid\":\"" + UID + "\"}";
    }

    static String criContainer(String name, String image) {
        return "{\"io.kubernetes.cri.container-name\":\"" + name + "\",\"io.kubernetes.cri.container-type\":\"container\","
                + "\"io.kubernetes.cri.image-name\":\"" + image + "\",\"io.kubernetes.cri.sandbox-id\":\"" + SANDBOX + "\","
                + "\"io.kubernetes.cri.sandbox-name\":\"web-5d8f\",\"io.kubernetes.cri.sandbox-namespace\":\"shop\","
                + "\"io.kubernetes.cri.sandbox-uid\":\"" + UID + "\"}";
    }

    static String spec(String annotations, String cgroupsPath) {
        return "{\"ociVersion\":\"1.0.2-dev\",\"process\":{\"args\":[\"/pause\"]},\"annotations\":" + annotations
                + ",\"linux\":{\"cgroupsPath\":\"" + cgroupsPath + "\",\"namespaces\":[{\"type\":\"pid\"},"
                + "{\"type\":\"network\",\"path\":\"/var/run/netns/cni-1\"}]}}";
    }

    /** A bundle as the runc v2 shim leaves it: the spec, then init.pid (its mtime: the task's start). */
    private void task(String ns, String id, int pid, long netns, String annotations, long startedNanos) throws IOException {
        Path b = Files.createDirectories(state.resolve("io.containerd.runtime.v2.task").resolve(ns).resolve(id));
        String cgroup = ns.equals("k8s.io") ? "/kubepods/besteffort/pod" + UID + "/" + id : "/" + ns + "/" + id;
        Files.writeString(b.resolve("config.json"), spec(annotations, cgroup));
        Path pidFile = b.resolve("init.pid");
        Files.writeString(pidFile, Integer.toString(pid));
        Files.setLastModifiedTime(pidFile, FileTime.from(startedNanos / 1000, TimeUnit.MICROSECONDS));
    }

    private void process(int pid, long netns, String cgroup, String addr) throws IOException {
        Path d = proc.resolve(Integer.toString(pid));
        Files.createDirectories(d.resolve("ns"));
        Files.createDirectories(d.resolve("net"));
        Path link = d.resolve("ns/net");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, Paths.get("net:[" + netns + "]"));
        Files.writeString(d.resolve("cgroup"), cgroup);
        Files.writeString(d.resolve("net/fib_trie"), "Local:\n  +-- 0.0.0.0/0 3 0 5\n     |-- " + addr
                + "\n        /32 host LOCAL\n     |-- 127.0.0.1\n        /32 host LOCAL\n");
    }

    static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
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
            Thread.sleep(1);
        }
    }
}
