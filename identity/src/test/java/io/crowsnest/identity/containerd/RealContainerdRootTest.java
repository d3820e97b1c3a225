package io.crowsnest.identity.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.crowsnest.identity.IpKey;
import io.crowsnest.identity.Workload;
import io.crowsnest.identity.WorkloadResolver;
import io.crowsnest.identity.history.IdentityHistory;
import io.crowsnest.identity.proc.NetnsScanner;
import io.crowsnest.identity.testutil.ContainerdLab;
import io.crowsnest.identity.testutil.Root;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A real containerd (Debian's 1.6, isolated by {@code pcaps/lab/containerd.sh}: own root, state and socket, CRI
 * plugin off) running a FROM-scratch busybox image with runc. A pod is built the way containerd's CRI builds one - a
 * sandbox, then an app container and a sidecar in the sandbox's network namespace, with the CRI's annotations and a
 * kubelet cgroupfs-style cgroup - next to a plain {@code ctr} container, and the resolver (containerd source and
 * the /proc scan together, as {@code live} runs them) must name them from containerd's own files, follow the
 * changes through file events, and keep a deleted container's name for packets from before its deletion.
 */
@Tag("root")
class RealContainerdRootTest {

    static final IpKey POD_IP = IpKey.parse("10.231.0.10");
    static final IpKey CLIENT_IP = IpKey.parse("10.231.0.20");

    @Test
    void realContainerd() throws Exception {
        Root.require("RealContainerdRootTest");
        if (Root.tryRun("containerd", "--version").exit() != 0 || !Files.isExecutable(Path.of("/bin/busybox"))) {
            fail("needs Debian's containerd and busybox-static: apt-get install -y containerd busybox-static");
        }
        Random rnd = new Random();
        String uid = UUID.randomUUID().toString();
        String sandbox = hexId(rnd);
        String app = hexId(rnd);
        String sidecar = hexId(rnd);
        try (ContainerdLab lab = ContainerdLab.up();
                WorkloadResolver r = WorkloadResolver.builder().containerd(ContainerdSource.of(lab.state))
                        .netnsScanner(new NetnsScanner()).rescanInterval(Duration.ofSeconds(1)).node("node-test")
                        .history(new IdentityHistory(TimeUnit.HOURS.toNanos(1), 100_000)).build()) {
            r.start().get(30, TimeUnit.SECONDS);
            List<String> latencies = new ArrayList<>();

            // the pod's sandbox, as the CRI starts it: the pod's network namespace, its cgroup, its annotations
            FirstSeen seen = new FirstSeen(r, POD_IP, x -> x != null && sandbox.equals(x.containerId()));
            criRun(lab, uid, sandbox, sandbox, "sandbox", null, null, "network:/var/run/netns/cn-ctd-a", "sleep", "3600");
            latencies.add(String.format("sandbox %.1f ms", (seen.await("the sandbox") - created(lab, "k8s.io", sandbox)) / 1e6));
            Workload w = r.resolve(POD_IP.hi(), POD_IP.lo(), WorkloadResolver.nowNanos());
            assertEquals(new Workload(Workload.Kind.POD, "shop", "web-5d8f", null, sandbox, null,
                    Map.of("io.kubernetes.pod.uid", uid), "node-test", null), w);

            // its one app container: the address now names it, with its image
            seen = new FirstSeen(r, POD_IP, x -> x != null && "web".equals(x.container()));
            criRun(lab, uid, sandbox, app, "container", "web", "docker.io/shop/web:2.1", "network:/var/run/netns/cn-ctd-a",
                    "httpd", "-f", "-p", "8080", "-h", "/www");
            latencies.add(String.format("app container %.1f ms", (seen.await("the app container") - created(lab, "k8s.io", app)) / 1e6));
            w = r.resolve(POD_IP.hi(), POD_IP.lo(), WorkloadResolver.nowNanos());
            long whileApp = WorkloadResolver.nowNanos();
            assertEquals(app, w.containerId());
            assertEquals("docker.io/shop/web:2.1", w.image());
            assertEquals("shop", w.namespace());
            assertEquals(uid, w.labels().get("io.kubernetes.pod.uid"));

            // a sidecar joining the sandbox's namespace through /proc: the same pod, no single container any more
            int sandboxPid = lab.pid("k8s.io", sandbox);
            criRun(lab, uid, sandbox, sidecar, "container", "envoy", "docker.io/envoyproxy/envoy:v1.31",
                    "network:/proc/" + sandboxPid + "/ns/net", "sleep", "3600");
            w = await(r, POD_IP, x -> x != null && x.container() == null && sandbox.equals(x.containerId()), "the sidecar");
            assertEquals("web-5d8f", w.pod());
            assertEquals("web", r.resolve(POD_IP.hi(), POD_IP.lo(), whileApp).container(), "as it was before the sidecar");

            // a plain ctr container in its own containerd namespace
            seen = new FirstSeen(r, CLIENT_IP, x -> x != null && "cn-ctd-client".equals(x.container()));
            lab.ctr("cn-ctd", "run", "-d", "--with-ns", "network:/var/run/netns/cn-ctd-b", ContainerdLab.IMAGE,
                    "cn-ctd-client", "/bin/busybox", "sleep", "3600");
            latencies.add(String.format("ctr container %.1f ms",
                    (seen.await("the ctr container") - created(lab, "cn-ctd", "cn-ctd-client")) / 1e6));
            Workload client = r.resolve(CLIENT_IP.hi(), CLIENT_IP.lo(), WorkloadResolver.nowNanos());
            assertEquals(new Workload(Workload.Kind.CONTAINER, null, null, "cn-ctd-client", "cn-ctd-client", null,
                    Map.of("containerd.namespace", "cn-ctd"), "node-test", null), client);

            // the /proc scan sees the pod's cgroups too, and leaves containerd's facts alone
            r.refresh().get(10, TimeUnit.SECONDS);
            assertEquals(w, r.resolve(POD_IP.hi(), POD_IP.lo(), WorkloadResolver.nowNanos()));

            // delete the client (kill, delete the task, remove the container): gone now, named before
            seen = new FirstSeen(r, CLIENT_IP, x -> x == null);
            long before = WorkloadResolver.nowNanos();
            lab.ctr("cn-ctd", "tasks", "delete", "-f", "cn-ctd-client");
            latencies.add(String.format("task delete (from the ctr call, which kills first) %.1f ms",
                    (seen.await("the client's delete") - before) / 1e6));
            lab.ctr("cn-ctd", "containers", "delete", "cn-ctd-client");
            assertEquals(client, r.resolve(CLIENT_IP.hi(), CLIENT_IP.lo(), before), "deleted container lost: "
                    + r.history().intervals(CLIENT_IP));

            // the sidecar is killed but its task not deleted: no file event; the periodic listing sees its pid gone
            lab.ctr("k8s.io", "tasks", "kill", "-s", "SIGKILL", sidecar);
            w = await(r, POD_IP, x -> x != null && "web".equals(x.container()), "the killed sidecar (no file event)");
            assertEquals(app, w.containerId());

            // the whole pod goes
            long podBefore = WorkloadResolver.nowNanos();
            for (String id : List.of(sidecar, app, sandbox)) {
                lab.ctr("k8s.io", "tasks", "delete", "-f", id);
                lab.ctr("k8s.io", "containers", "delete", id);
            }
            await(r, POD_IP, x -> x == null, "the pod's delete");
            Workload gone = r.resolve(POD_IP.hi(), POD_IP.lo(), podBefore);
            assertNotNull(gone, r.history().intervals(POD_IP).toString());
            assertEquals("web-5d8f", gone.pod());
            assertNull(r.resolve(POD_IP.hi(), POD_IP.lo(), WorkloadResolver.nowNanos()));
            assertEquals(0, r.errors(), () -> "resolver errors: " + r.lastError());
            // init.pid's mtime is when runc wrote its pid file; the file appears when runc renames it into place a few
            // ms later (more under load), so these include runc's own step; a listing is what the resolver adds
            System.out.printf("real containerd: task created (init.pid written) -> resolvable in: %s; %d listings, %.2f ms each%n",
                    String.join(", ", latencies), r.containerdSyncs(), r.containerdSyncNanos() / 1e6 / r.containerdSyncs());
        }
    }

    /** A task as containerd's CRI creates it (the same annotations, a cgroupfs-driver kubepods cgroup). */
    private static void criRun(ContainerdLab lab, String uid, String sandbox, String id, String type, String name,
            String image, String netns, String... cmd) {
        List<String> a = new ArrayList<>(List.of("run", "-d", "--with-ns", netns,
                "--cgroup", "/cn-ctd/kubepods/besteffort/pod" + uid + "/" + id,
                "--annotation", "io.kubernetes.cri.container-type=" + type,
                "--annotation", "io.kubernetes.cri.sandbox-id=" + sandbox,
                "--annotation", "io.kubernetes.cri.sandbox-name=web-5d8f",
                "--annotation", "io.kubernetes.cri.sandbox-namespace=shop",
                "--annotation", "io.kubernetes.cri.sandbox-uid=" + uid));
        if (name != null) {
            a.addAll(List.of("--annotation", "io.kubernetes.cri.container-name=" + name,
                    "--annotation", "io.kubernetes.cri.image-name=" + image));
        }
        a.addAll(List.of(ContainerdLab.IMAGE, id, "/bin/busybox"));
        a.addAll(List.of(cmd));
        lab.ctr("k8s.io", a.toArray(String[]::new));
    }

    /** When the shim wrote the task's init.pid (the task was created), epoch nanoseconds. */
    private static long created(ContainerdLab lab, String namespace, String id) throws java.io.IOException {
        return Files.getLastModifiedTime(lab.state.resolve(TaskDirectory.TASKS).resolve(namespace).resolve(id).resolve("init.pid"))
                .to(TimeUnit.NANOSECONDS);
    }

    /** Polls the resolver from a thread of its own (every 20 µs), recording when a condition first holds. */
    private static final class FirstSeen {
        private final Thread poller;
        private volatile long at;

        FirstSeen(WorkloadResolver r, IpKey ip, java.util.function.Predicate<Workload> ok) {
            poller = new Thread(() -> {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (System.nanoTime() < end) {
                    if (ok.test(r.resolve(ip.hi(), ip.lo(), WorkloadResolver.nowNanos()))) {
                        at = WorkloadResolver.nowNanos();
                        return;
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(20_000);
                }
            }, "first-seen");
            poller.start();
        }

        /** The wall-clock time the condition first held. */
        long await(String what) throws InterruptedException {
            poller.join();
            if (at == 0) {
                throw new AssertionError(what + ": not seen within 15 s");
            }
            return at;
        }
    }

    static String hexId(Random rnd) {
        byte[] b = new byte[32];
        rnd.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static Workload await(WorkloadResolver r, IpKey ip, java.util.function.Predicate<Workload> ok, String what)
            throws InterruptedException {
        waitFor(() -> ok.test(r.resolve(ip.hi(), ip.lo(), WorkloadResolver.nowNanos())), Duration.ofSeconds(15),
                () -> what + ": " + r.history().intervals(ip) + "; last error " + r.lastError());
        return r.resolve(ip.hi(), ip.lo(), WorkloadResolver.nowNanos());
    }

    private static void waitFor(BooleanSupplier c, Duration d, Supplier<String> msg) throws InterruptedException {
        long end = System.nanoTime() + d.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError(msg.get());
            }
            Thread.sleep(1);
        }
    }
}
