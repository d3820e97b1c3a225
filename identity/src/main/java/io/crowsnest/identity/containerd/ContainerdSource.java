package io.crowsnest.identity.containerd;

import io.crowsnest.identity.IpKey;
import io.crowsnest.identity.Workload;
import io.crowsnest.identity.proc.NetnsScanner;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * containerd's running containers as address holders, read from its state directory ({@link TaskDirectory}) and
 * the host's {@code /proc} (addresses of each task's network namespace, {@link NetnsHolders}).
 *
 * <p>Change detection: a {@link WatchService} (inotify on Linux) on the task directory, each namespace directory
 * and each bundle directory reports task create (bundle and {@code init.pid} appear) and delete (bundle removed)
 * within milliseconds; {@link #watch} calls back on any of them, and the caller takes a {@link #snapshot}. The
 * caller also snapshots periodically, as the safety net for what no file event announces: a task whose process
 * exited but that containerd has not deleted yet, an address added to a namespace after its task started, an
 * overflowed event queue. A snapshot is a full, level-triggered listing, so a missed event only delays a change
 * until the next one. Watches are kept only on directories that exist and matter (bounded by the tasks).
 *
 * <p>{@link #snapshot} is for one thread (the resolver's); the watch thread only waits for events.
 */
public final class ContainerdSource implements AutoCloseable {

    /** A namespace's holder ({@link NetnsHolders.Holder}) with the addresses it has now. */
    public record Held(String key, Workload workload, List<IpKey> addresses, long startedNanos) {
    }

    /** @param problems bad bundles, each reported once; {@code truncated} bundles beyond the cap */
    public record Snapshot(List<Held> held, List<String> problems, int truncated) {
    }

    private final TaskDirectory tasks;
    private final NetnsScanner proc;
    private final Map<Path, WatchKey> watched = new HashMap<>(); // snapshot thread only
    private volatile WatchService watcher;
    private volatile Thread watchThread;

    /**
     * @param state containerd's state directory ({@code /run/containerd} by default)
     * @param proc  the host's /proc (through a {@link NetnsScanner} for its address parsing)
     */
    public ContainerdSource(Path state, NetnsScanner proc, Set<String> skippedNamespaces) {
        this.tasks = new TaskDirectory(state, proc.procRoot(), skippedNamespaces);
        this.proc = proc;
    }

    /** The usual source: {@code moby} (Docker's own containerd namespace) is left to the Docker API source. */
    public static ContainerdSource of(Path state) {
        return new ContainerdSource(state, new NetnsScanner(), Set.of("moby"));
    }

    public Path state() {
        return tasks.state();
    }

    /** Starts the watch thread; {@code changed} runs on it for every batch of file events (keep it short). */
    public synchronized void watch(Runnable changed) throws IOException {
        if (watcher != null) {
            throw new IllegalStateException("already watching");
        }
        WatchService ws = FileSystems.getDefault().newWatchService();
        watcher = ws;
        Path taskRoot = tasks.state().resolve(TaskDirectory.TASKS);
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    WatchKey k = ws.take();
                    boolean relevant = relevant(taskRoot, (Path) k.watchable(), k.pollEvents());
                    k.reset();
                    if (relevant) {
                        changed.run();
                    }
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                // closed
            }
        }, "containerd-watch");
        t.setDaemon(true);
        watchThread = t;
        t.start();
    }

    /**
     * Whether a batch of events can change what a listing says. In a bundle directory only {@code init.pid}
     * appearing or going does (runc renames it into place once the task exists); {@code exec} pid files, runc's
     * logs and the like are left alone, so exec probes do not cause listings. Anywhere else: any entry.
     */
    static boolean relevant(Path taskRoot, Path dir, List<WatchEvent<?>> events) {
        Path ns = dir.getParent();
        if (ns == null || !taskRoot.equals(ns.getParent())) {
            return true; // the state, task or namespace directory: tasks and namespaces come and go
        }
        for (WatchEvent<?> e : events) {
            if (e.kind() == StandardWatchEventKinds.OVERFLOW || "init.pid".equals(String.valueOf(e.context()))) {
                return true;
            }
        }
        return false;
    }

    /** Lists the running tasks and the addresses of their namespaces; registers watches on what it listed. */
    public Snapshot snapshot(String node) {
        TaskDirectory.Listing l = tasks.scan();
        List<String> problems = new ArrayList<>(l.problems());
        if (register(l.watch())) {
            l = tasks.scan(); // a file created before its directory was watched is in this second listing
            problems.addAll(l.problems());
            register(l.watch());
        }
        List<Held> out = new ArrayList<>();
        for (NetnsHolders.Holder h : NetnsHolders.of(l.running(), proc.ownNetnsInode(), node)) {
            List<IpKey> addresses;
            try {
                addresses = proc.addressesOf(h.pid());
            } catch (IOException e) {
                continue; // exited since the listing
            }
            if (!addresses.isEmpty()) {
                out.add(new Held(h.key(), h.workload(), addresses, h.startedNanos()));
            }
        }
        return new Snapshot(out, problems, l.truncated());
    }

    /** Watches the listed directories, drops the others; true when a directory was newly watched. */
    private boolean register(List<Path> dirs) {
        WatchService ws = watcher;
        if (ws == null) {
            return false;
        }
        Set<Path> want = new HashSet<>(dirs);
        watched.entrySet().removeIf(e -> {
            if (!want.contains(e.getKey()) || !e.getValue().isValid()) {
                e.getValue().cancel();
                return true;
            }
            return false;
        });
        boolean added = false;
        for (Path d : dirs) {
            if (!watched.containsKey(d)) {
                try {
                    // create (a rename into place counts) and delete: nothing here is rewritten in place
                    watched.put(d, d.register(ws, StandardWatchEventKinds.ENTRY_CREATE,
                            StandardWatchEventKinds.ENTRY_DELETE));
                    added = true;
                } catch (IOException | ClosedWatchServiceException e) {
                    // removed meanwhile, or closing: the next snapshot sees it
                }
            }
        }
        return added;
    }

    @Override
    public void close() {
        WatchService ws = watcher;
        if (ws != null) {
            try {
                ws.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        Thread t = watchThread;
        if (t != null) {
            t.interrupt();
        }
    }
}
