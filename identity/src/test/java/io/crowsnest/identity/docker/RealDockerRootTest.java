package io.crowsnest.identity.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.crowsnest.identity.IpKey;
import io.crowsnest.identity.Workload;
import io.crowsnest.identity.WorkloadResolver;
import io.crowsnest.identity.cgroup.CgroupInfo;
import io.crowsnest.identity.history.IdentityHistory;
import io.crowsnest.identity.history.Interval;
import io.crowsnest.identity.proc.Netns;
import io.crowsnest.identity.proc.NetnsScanner;
import io.crowsnest.identity.testutil.Root;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A real, isolated dockerd (Debian's docker.io): its own data root, exec root and socket under a temp dir, no
 * iptables/forwarding/masquerading, no default bridge, and a bridge network of our own ({@code cn-id-br0},
 * 10.252.0.0/24). The image is built FROM scratch with the static busybox. The system's dockerd is never touched.
 */
@Tag("root")
class RealDockerRootTest {

    static final String BRIDGE = "cn-id-br0";

    @Test
    void realDockerd() throws Exception {
        Root.require("RealDockerRootTest");
        if (Root.tryRun("dockerd", "--version").exit() != 0 || !Files.isExecutable(Path.of("/bin/busybox"))) {
            fail("needs Debian's docker.io and busybox-static: apt-get install -y docker.io busybox-static");
        }
        Root.tryRun("ip", "link", "del", BRIDGE); // a leftover from an interrupted run
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "cn-id-");
        Path sock = dir.resolve("docker.sock");
        String host = "unix://" + sock;
        Process dockerd = new ProcessBuilder("dockerd", "--iptables=false", "--ip-forward=false", "--ip-masq=false",
                "--bridge=none", "--data-root", dir.resolve("data").toString(), "--exec-root",
                dir.resolve("exec").toString(), "--host", host, "--pidfile", dir.resolve("pid").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("dockerd.log").toFile()).start();
        List<String> containers = new ArrayList<>();
        try {
            waitFor(() -> Files.exists(sock) && Root.tryRun("docker", "-H", host, "version").exit() == 0,
                    Duration.ofSeconds(60), () -> "dockerd did not come up: " + log(dir));
            Path ctx = Files.createDirectories(dir.resolve("ctx"));
            Files.copy(Path.of("/bin/busybox"), ctx.resolve("busybox"));
            Files.writeString(ctx.resolve("Dockerfile"),
                    "FROM scratch\nCOPY busybox /bin/busybox\nENTRYPOINT [\"/bin/busybox\"]\n");
            docker(host, "build", "-q", "-t", "cn-id-busybox:1", ctx.toString());
            docker(host, "network", "create", "--driver", "bridge", "--subnet", "10.252.0.0/24",
                    "-o", "com.docker.network.bridge.name=" + BRIDGE, "cn-id-net");

            try (DockerClient client = new DockerClient(sock);
                    WorkloadResolver r = WorkloadResolver.builder().docker(client).netnsScanner(new NetnsScanner())
                            .rescanInterval(Duration.ofMillis(500)).node("node-test")
                            .history(new IdentityHistory(TimeUnit.HOURS.toNanos(1), 100_000)).build()) {
                BlockingQueue<DockerEvent> seen = new LinkedBlockingQueue<>();
                try (DockerClient.Subscription s = client.containerEvents(seen::add, e -> { })) {
                    s.opened().get(10, TimeUnit.SECONDS);
                    r.start().get(30, TimeUnit.SECONDS);

                    // a plain container with labels, started after the resolver
                    String web = docker(host, "run", "-d", "--name", "cn-id-web", "--label", "app=web",
                            "--label", "tier=frontend", "--network", "cn-id-net", "cn-id-busybox:1", "sleep", "300").strip();
                    containers.add(web);
                    IpKey webIp = IpKey.parse(docker(host, "inspect", "-f",
                            "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", web));
                    long t0 = System.nanoTime();
                    waitFor(() -> r.resolve(webIp.hi(), webIp.lo(), WorkloadResolver.nowNanos()) != null
                            && "cn-id-web".equals(r.resolve(webIp.hi(), webIp.lo(), WorkloadResolver.nowNanos()).container()),
                            Duration.ofSeconds(15), () -> "web never resolved: " + r.history().intervals(webIp) + " " + r.lastError());
                    System.out.printf("real dockerd: docker run returned -> resolvable in %.1f ms%n", (System.nanoTime() - t0) / 1e6);
                    Workload w = r.resolve(webIp.hi(), webIp.lo(), WorkloadResolver.nowNanos());
                    assertEquals(Workload.Kind.CONTAINER, w.kind());
                    assertEquals(web, w.containerId());
                    assertEquals("cn-id-busybox:1", w.image());
                    assertEquals("web", w.labels().get("app"));
                    assertEquals("frontend", w.labels().get("tier"));
                    assertEquals("node-test", w.node());
                    DockerEvent start = poll(seen, "start", web);
                    assertTrue(start.timeNanos() > 0);
                    assertEquals("cn-id-web", start.attributes().get("name"));

                    // the host view agrees: the address's netns holds a process in docker's cgroup for that id
                    NetnsScanner.Scan scan = new NetnsScanner().scan();
                    Netns n = scan.byAddress().get(webIp);
                    assertNotNull(n, "scanner does not see " + webIp);
                    assertEquals(web, n.containers().get(0).containerId());
                    assertNotNull(n.iface("eth0").peerName(), "host veth of eth0: " + n.interfaces());
                    assertTrue(Files.exists(Path.of("/sys/class/net/" + n.iface("eth0").peerName() + "/brport")),
                            "eth0's peer should be a port of " + BRIDGE);

                    // a pod-shaped pair: a pause container and a sidecar sharing its network namespace
                    String uid = UUID.randomUUID().toString();
                    String parent = "/kubepods/besteffort/pod" + uid;
                    String pause = docker(host, "run", "-d", "--name", "k8s_POD_api-5f7c9_shop_" + uid + "_0",
                            "--cgroup-parent=" + parent, "--network", "cn-id-net",
                            "--label", "io.kubernetes.container.name=POD", "--label", "io.kubernetes.pod.name=api-5f7c9",
                            "--label", "io.kubernetes.pod.namespace=shop", "--label", "io.kubernetes.pod.uid=" + uid,
                            "--label", "app=api", "cn-id-busybox:1", "sleep", "300").strip();
                    containers.add(pause);
                    String app = docker(host, "run", "-d", "--name", "k8s_app_api-5f7c9_shop_" + uid + "_0",
                            "--cgroup-parent=" + parent, "--network", "container:" + pause,
                            "--label", "io.kubernetes.container.name=app", "--label", "io.kubernetes.pod.name=api-5f7c9",
                            "--label", "io.kubernetes.pod.namespace=shop", "--label", "io.kubernetes.pod.uid=" + uid,
                            "cn-id-busybox:1", "sleep", "300").strip();
                    containers.add(app);
                    IpKey podIp = IpKey.parse(docker(host, "inspect", "-f",
                            "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", pause));
                    waitFor(() -> { Workload p = r.resolve(podIp.hi(), podIp.lo(), WorkloadResolver.nowNanos());
                                return p != null && "api-5f7c9".equals(p.pod()); },
                            Duration.ofSeconds(15), () -> "pod never resolved: " + r.history().intervals(podIp));
                    Workload p = r.resolve(podIp.hi(), podIp.lo(), WorkloadResolver.nowNanos());
                    assertEquals(Workload.Kind.POD, p.kind());
                    assertEquals("shop", p.namespace());
                    assertEquals("api", p.labels().get("app"));
                    waitFor(() -> scanHas(podIp, app), Duration.ofSeconds(10), () -> "sidecar not in the pod's netns");
                    Netns pn = new NetnsScanner().scan().byAddress().get(podIp);
                    List<String> ids = pn.containers().stream().map(CgroupInfo::containerId).toList();
                    assertTrue(ids.contains(pause) && ids.contains(app), ids.toString());
                    assertEquals(uid, pn.podUid());

                    // delete the web container: the address is released, yet packets from before still name it
                    long before = WorkloadResolver.nowNanos();
                    Thread.sleep(5);
                    docker(host, "rm", "-f", web);
                    containers.remove(web);
                    DockerEvent die = poll(seen, "die", web);
                    waitFor(() -> r.resolve(webIp.hi(), webIp.lo(), WorkloadResolver.nowNanos()) == null,
                            Duration.ofSeconds(10), () -> "die not applied: " + r.history().intervals(webIp));
                    Workload gone = r.resolve(webIp.hi(), webIp.lo(), before);
                    assertNotNull(gone, "deleted container lost: " + r.history().intervals(webIp));
                    assertEquals("cn-id-web", gone.container());
                    Interval iv = r.history().intervals(webIp).get(0);
                    assertEquals(die.timeNanos(), iv.untilNanos());
                    assertNull(r.resolve(webIp.hi(), webIp.lo(), die.timeNanos()));
                }
            }
        } finally {
            for (String c : containers) {
                Root.tryRun("docker", "-H", host, "rm", "-f", c);
            }
            Root.tryRun("docker", "-H", host, "network", "rm", "cn-id-net");
            dockerd.destroy(); // SIGTERM: dockerd stops its containerd and cleans its mounts
            if (!dockerd.waitFor(30, TimeUnit.SECONDS)) {
                dockerd.destroyForcibly();
                dockerd.waitFor(10, TimeUnit.SECONDS);
            }
            Root.tryRun("ip", "link", "del", BRIDGE);
            for (String m : Files.readAllLines(Path.of("/proc/mounts"))) {
                String mp = m.split(" ")[1];
                if (mp.startsWith(dir.toString())) {
                    Root.tryRun("umount", "-l", mp);
                }
            }
            deleteTree(dir);
        }
    }

    private static boolean scanHas(IpKey ip, String id) {
        try {
            Netns n = new NetnsScanner().scan().byAddress().get(ip);
            return n != null && n.containers().stream().anyMatch(c -> id.equals(c.containerId()));
        } catch (IOException e) {
            return false;
        }
    }

    private static DockerEvent poll(BlockingQueue<DockerEvent> q, String action, String id) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < end) {
            DockerEvent e = q.poll(100, TimeUnit.MILLISECONDS);
            if (e != null && action.equals(e.action()) && id.equals(e.id())) {
                return e;
            }
        }
        throw new AssertionError("no " + action + " event for " + id);
    }

    private static String docker(String host, String... args) {
        List<String> cmd = new ArrayList<>(List.of("docker", "-H", host));
        cmd.addAll(List.of(args));
        if (args[0].equals("build")) {
            cmd.add(0, "DOCKER_BUILDKIT=0");
            cmd.add(0, "env");
        }
        String out = Root.run(cmd.toArray(String[]::new)).strip();
        // stderr is merged: "docker run" warns (IPv4 forwarding is off, on purpose) before printing the id
        return out.substring(out.lastIndexOf('\n') + 1);
    }

    private static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("dockerd.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static void waitFor(BooleanSupplier c, Duration d, java.util.function.Supplier<String> msg)
            throws InterruptedException {
        long end = System.nanoTime() + d.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError(msg.get());
            }
            Thread.sleep(50);
        }
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        } catch (IOException ignored) {
            // best effort; the temp dir name is unique
        }
    }
}
