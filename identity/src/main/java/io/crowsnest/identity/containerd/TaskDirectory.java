package io.crowsnest.identity.containerd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Lists the running tasks of a containerd from what it writes on the host, without talking to it: the runc v2 shim
 * keeps one bundle per task in {@code <state>/io.containerd.runtime.v2.task/<namespace>/<id>/} ({@code config.json},
 * the OCI spec, and {@code init.pid}, the container's first process) from task create until task delete.
 *
 * <p>Why files and not containerd's API: the API is gRPC (a protobuf and HTTP/2 stack in the sensor for one
 * listing), and the CRI's names are in the spec anyway, as annotations. The price is that a task that exited but
 * was not deleted still has its bundle: a task counts as running only while its {@code init.pid} process exists
 * and is still that task's (its {@code /proc/<pid>/cgroup} names the task id or the spec's cgroup path, so a
 * recycled pid is not taken for the container).
 *
 * <p>Bounded: specs are parsed once per bundle and file modification time; the cache holds only bundles that
 * still exist, and at most {@link #MAX_TASKS} bundles are read per scan (the rest are counted, reported once).
 * Not thread-safe: one caller (the resolver's thread).
 */
public final class TaskDirectory {

    /** The runc v2 shim's directory under containerd's state directory. */
    public static final String TASKS = "io.containerd.runtime.v2.task";
    public static final int MAX_TASKS = 65_536;

    private record Cached(FileTime modified, OciBundle bundle) {
    }

    /**
     * One scan.
     *
     * @param running   the tasks whose init process is alive, in namespace then id order
     * @param watch     directories worth watching for the next change: the state directory while the task
     *                  directory does not exist, else the task directory, each namespace and each bundle
     * @param problems  bundles that could not be read, each reported once per version of the file
     * @param truncated bundles not read because of {@link #MAX_TASKS}
     */
    public record Listing(List<ContainerdTask> running, List<Path> watch, List<String> problems, int truncated) {
    }

    private final Path state;
    private final Path tasks;
    private final Path proc;
    private final Set<String> skippedNamespaces;
    private final Map<Path, Cached> specs = new HashMap<>();
    private final Map<Path, FileTime> reported = new HashMap<>(); // bad specs already reported, by version

    /**
     * @param state             containerd's state directory ({@code /run/containerd}, or its {@code state =})
     * @param procRoot          the host's {@code /proc}
     * @param skippedNamespaces containerd namespaces left to other sources (e.g. {@code moby}: Docker's containers,
     *                          whose specs carry no names; the Docker API source names them)
     */
    public TaskDirectory(Path state, Path procRoot, Set<String> skippedNamespaces) {
        this.state = state;
        this.tasks = state.resolve(TASKS);
        this.proc = procRoot;
        this.skippedNamespaces = Set.copyOf(skippedNamespaces);
    }

    public Path state() {
        return state;
    }

    public Listing scan() {
        List<ContainerdTask> running = new ArrayList<>();
        List<Path> watch = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        int read = 0;
        int truncated = 0;
        if (!Files.isDirectory(tasks)) {
            if (Files.isDirectory(state)) {
                watch.add(state); // containerd has not run a task yet: wait for the task directory
            }
            specs.clear();
            return new Listing(running, watch, problems, 0);
        }
        watch.add(tasks);
        for (Path ns : sortedDirs(tasks)) {
            String namespace = ns.getFileName().toString();
            if (skippedNamespaces.contains(namespace)) {
                continue;
            }
            watch.add(ns);
            for (Path bundle : sortedDirs(ns)) {
                if (read >= MAX_TASKS) {
                    truncated++;
                    continue;
                }
                read++;
                seen.add(bundle);
                watch.add(bundle);
                ContainerdTask t = task(namespace, bundle, problems);
                if (t != null) {
                    running.add(t);
                }
            }
        }
        specs.keySet().retainAll(seen);
        reported.keySet().retainAll(seen);
        return new Listing(running, watch, problems, truncated);
    }

    private ContainerdTask task(String namespace, Path bundle, List<String> problems) {
        Path pidFile = bundle.resolve("init.pid");
        Path config = bundle.resolve("config.json");
        int pid;
        FileTime created;
        try {
            created = Files.getLastModifiedTime(pidFile);
            pid = Integer.parseInt(Files.readString(pidFile, StandardCharsets.US_ASCII).strip());
        } catch (NoSuchFileException e) {
            return null; // being created (the shim writes init.pid once runc created the container) or deleted
        } catch (IOException | NumberFormatException e) {
            return null; // half-written: the next event or scan reads it again
        }
        OciBundle spec;
        try {
            FileTime modified = Files.getLastModifiedTime(config);
            Cached c = specs.get(bundle);
            if (c == null || !c.modified().equals(modified)) {
                try {
                    c = new Cached(modified, OciBundle.parse(namespace, bundle.getFileName().toString(),
                            Files.readAllBytes(config), config.toString()));
                } catch (IOException bad) {
                    if (!modified.equals(reported.put(bundle, modified))) {
                        problems.add(bad.getMessage());
                    }
                    return null;
                }
                specs.put(bundle, c);
            }
            spec = c.bundle();
        } catch (IOException e) {
            return null; // no config.json (yet, or any more)
        }
        if (!runs(pid, spec)) {
            return null;
        }
        long inode = netnsInode(pid);
        return inode <= 0 ? null : new ContainerdTask(spec, pid, inode, created.to(TimeUnit.NANOSECONDS));
    }

    /** The pid exists and is in the task's cgroup (not a recycled pid of an exited task). */
    private boolean runs(int pid, OciBundle spec) {
        String cgroup;
        try {
            cgroup = Files.readString(proc.resolve(pid + "/cgroup"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return false;
        }
        if (spec.cgroupsPath().isEmpty() || cgroup.contains(spec.id())) {
            return true;
        }
        String p = spec.cgroupsPath();
        int colon = p.lastIndexOf(':'); // systemd form "slice:prefix:name": the scope is prefix-name.scope
        return cgroup.contains(colon >= 0 ? p.substring(colon + 1) : p);
    }

    private long netnsInode(int pid) {
        try {
            String link = Files.readSymbolicLink(proc.resolve(pid + "/ns/net")).toString();
            int a = link.indexOf('[');
            int b = link.indexOf(']');
            return link.startsWith("net:") && a > 0 && b > a ? Long.parseLong(link.substring(a + 1, b)) : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static List<Path> sortedDirs(Path dir) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (Files.isDirectory(p)) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            return out; // removed while listing
        }
        out.sort(null);
        return out;
    }
}
