package io.crowsnest.identity.testutil;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * An isolated containerd from {@code pcaps/lab/containerd.sh} (its own root, state and socket under
 * {@code /tmp/cn-ctd-*}, bridge {@code cn-ctdbr0}, namespaces {@code cn-ctd-a}/{@code cn-ctd-b}); {@link #close}
 * takes everything down again, also after a failed start.
 */
public final class ContainerdLab implements AutoCloseable {

    public static final String IMAGE = "docker.io/cn-ctd/busybox:1";
    public final Path dir;
    public final Path state;
    public final String socket;
    private final Path script;

    private ContainerdLab(Path script, Path dir) {
        this.script = script;
        this.dir = dir;
        this.state = dir.resolve("state");
        this.socket = dir.resolve("containerd.sock").toString();
    }

    public static ContainerdLab up() throws IOException {
        Path script = projectRoot().resolve("pcaps/lab/containerd.sh");
        Root.tryRun("ip", "netns", "del", "cn-ctd-a"); // leftovers of an interrupted run
        Root.tryRun("ip", "netns", "del", "cn-ctd-b");
        Root.tryRun("ip", "link", "del", "cn-ctdbr0");
        ContainerdLab lab = new ContainerdLab(script, Files.createTempDirectory(Path.of("/tmp"), "cn-ctd-"));
        Root.Result r = Root.tryRun("bash", script.toString(), "up", lab.dir.toString());
        if (r.exit() != 0) {
            lab.close();
            fail("pcaps/lab/containerd.sh up failed (" + r.exit() + "): " + r.output());
        }
        return lab;
    }

    /** {@code ctr -a SOCKET -n NAMESPACE ARGS...}; fails with its output when it exits non-zero. */
    public String ctr(String namespace, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ctr", "-a", socket, "-n", namespace));
        cmd.addAll(List.of(args));
        return Root.run(cmd.toArray(String[]::new)).strip();
    }

    /** The pid of a running task. */
    public int pid(String namespace, String id) {
        for (String line : ctr(namespace, "tasks", "ls").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[0].equals(id)) {
                return Integer.parseInt(f[1]);
            }
        }
        throw new AssertionError("no task " + namespace + "/" + id);
    }

    @Override
    public void close() {
        Root.Result r = Root.tryRun("bash", script.toString(), "down", dir.toString());
        if (r.exit() != 0) {
            System.err.println("pcaps/lab/containerd.sh down: " + r.output());
        }
    }

    static Path projectRoot() {
        String prop = System.getProperty("crowsnest.root");
        Path p = prop != null ? Paths.get(prop) : Paths.get(System.getProperty("user.dir"));
        for (p = p.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("pcaps/lab/containerd.sh"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find pcaps/lab/containerd.sh above " + System.getProperty("user.dir"));
    }
}
