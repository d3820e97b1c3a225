package io.crowsnest.identity;

import io.crowsnest.identity.cgroup.CgroupInfo;
import io.crowsnest.identity.containerd.ContainerdSource;
import io.crowsnest.identity.containerd.HeldIntervals;
import io.crowsnest.identity.docker.ContainerDetails;
import io.crowsnest.identity.docker.ContainerSummary;
import io.crowsnest.identity.docker.DockerClient;
import io.crowsnest.identity.docker.DockerEvent;
import io.crowsnest.identity.history.IdentityHistory;
import io.crowsnest.identity.history.Interval;
import io.crowsnest.identity.kubernetes.KubePod;
import io.crowsnest.identity.kubernetes.KubernetesSource;
import io.crowsnest.identity.kubernetes.PodIntervals;
import io.crowsnest.identity.proc.Netns;
import io.crowsnest.identity.proc.NetnsScanner;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One place the packet path asks "who held this address at that time". {@link #resolve} only reads the
 * {@link IdentityHistory} (lock-free); every source writes it from the resolver's own single thread:
 * <ul>
 *   <li>Docker Engine (optional): the {@code /events} stream ({@code start} → inspect → open the container's
 *       addresses; {@code die} → close them at the event's time), and a full list + inspect at start and whenever the
 *       stream reconnects. Containers gone from the list are closed at that time.</li>
 *   <li>{@code /proc} (optional, any runtime): every {@code rescanInterval} the network namespaces are scanned;
 *       addresses of namespaces whose processes sit in a container cgroup open a container/pod workload with the
 *       cgroup's facts (id, pod uid; names come from Docker/Kubernetes), the scanner's own namespace opens
 *       {@code host}. An address the scan opened and no longer sees is closed at the scan's time. Docker facts for
 *       the same container id replace the scan's in place ({@link IdentityHistory#upgrade}).</li>
 *   <li>containerd (optional, {@link ContainerdSource}): the tasks in its state directory, grouped by network
 *       namespace (a pod's sandbox and containers share one); file events (inotify) trigger a full listing, applied
 *       as a diff ({@link HeldIntervals}); listed again every {@code rescanInterval} as a safety net. Its facts
 *       replace the /proc scan's for the same pod or container in place.</li>
 *   <li>Kubernetes API (optional, {@link KubernetesSource}): this node's pods and, for peers across the overlay,
 *       every other pod; each pod's addresses are intervals from when it got them until it is deleted or finishes
 *       ({@link PodIntervals}). Precedence for a pod's address: Kubernetes for kind, namespace, pod, owner, labels,
 *       service account and node; Docker, containerd and /proc for container, container id and image when they
 *       know them. The /proc scan leaves an address that Kubernetes gives to the pod of that netns' pod uid.</li>
 * </ul>
 * Retention is applied on every rescan tick.
 */
public final class WorkloadResolver implements AutoCloseable {

    private final IdentityHistory history;
    private final String node;
    private final DockerClient docker;
    private final ContainerdSource containerd;
    private final NetnsScanner scanner;
    private final KubernetesSource kubernetes;
    private final PodIntervals pods; // worker thread; null without Kubernetes
    private final Duration rescanInterval;
    private final LongSupplier clock;
    private final java.util.function.Consumer<String> warnings;
    private final ScheduledExecutorService worker;
    private final Map<IpKey, Workload> scanned = new HashMap<>(); // addresses the scanner opened (worker thread)
    private final Map<String, List<IpKey>> dockerAddresses = new HashMap<>(); // container id → addresses (worker)
    private final HeldIntervals containerdIntervals; // worker thread
    private final AtomicBoolean containerdPending = new AtomicBoolean();
    private final AtomicLong containerdSyncs = new AtomicLong();
    private final AtomicLong containerdSyncNanos = new AtomicLong();
    private boolean containerdTruncatedReported; // worker
    private volatile DockerClient.Subscription events;
    private volatile boolean closed;
    private final AtomicLong dockerEvents = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private volatile Throwable lastError;

    private WorkloadResolver(Builder b) {
        this.history = Objects.requireNonNull(b.history, "history");
        this.node = b.node;
        this.docker = b.docker;
        this.containerd = b.containerd;
        this.containerdIntervals = new HeldIntervals(history, this::runtimeOpens);
        this.scanner = b.scanner;
        this.kubernetes = b.kubernetes;
        this.pods = b.kubernetes == null ? null : new PodIntervals(history, b.node, scanned::remove);
        this.rescanInterval = b.rescanInterval;
        this.clock = b.clock;
        this.warnings = b.warnings;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "workload-resolver");
            t.setDaemon(true);
            return t;
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private IdentityHistory history = new IdentityHistory(TimeUnit.HOURS.toNanos(1), 1_000_000);
        private String node;
        private DockerClient docker;
        private ContainerdSource containerd;
        private NetnsScanner scanner;
        private KubernetesSource kubernetes;
        private Duration rescanInterval = Duration.ofSeconds(5);
        private LongSupplier clock = WorkloadResolver::nowNanos;
        private java.util.function.Consumer<String> warnings = m -> { };

        public Builder history(IdentityHistory h) {
            this.history = h;
            return this;
        }

        /** The node name written into every workload this node sees (e.g. {@code spec.nodeName}). */
        public Builder node(String node) {
            this.node = node;
            return this;
        }

        public Builder docker(DockerClient docker) {
            this.docker = docker;
            return this;
        }

        /** containerd's tasks (watched and closed by the resolver). */
        public Builder containerd(ContainerdSource containerd) {
            this.containerd = containerd;
            return this;
        }

        public Builder netnsScanner(NetnsScanner scanner) {
            this.scanner = scanner;
            return this;
        }

        /** Pods from the Kubernetes API (started and closed by the resolver; the client stays the caller's). */
        public Builder kubernetes(KubernetesSource k) {
            this.kubernetes = k;
            return this;
        }

        public Builder rescanInterval(Duration d) {
            this.rescanInterval = d;
            return this;
        }

        /** Told of problems in a source's input that an operator should fix (a containerd spec that does not parse). */
        public Builder warnings(java.util.function.Consumer<String> warnings) {
            this.warnings = warnings;
            return this;
        }

        /** Epoch nanoseconds "now" (tests). */
        public Builder clock(LongSupplier clock) {
            this.clock = clock;
            return this;
        }

        public WorkloadResolver build() {
            return new WorkloadResolver(this);
        }
    }

    public static long nowNanos() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    // ---- the packet path -------------------------------------------------------------------------------------------

    /** The workload that held the address (decoder form: v4-mapped) at {@code epochNanos}, or null. Never blocks. */
    public Workload resolve(long addressHi, long addressLo, long epochNanos) {
        return history.lookup(addressHi, addressLo, epochNanos);
    }

    public IdentityHistory history() {
        return history;
    }

    // ---- lifecycle -------------------------------------------------------------------------------------------------

    /** Starts the sources in the background; returns a future completing after the first full refresh. */
    public CompletableFuture<Void> start() {
        CompletableFuture<Void> first = new CompletableFuture<>();
        worker.execute(() -> {
            if (docker != null) {
                subscribe(first);
            } else {
                first.complete(null);
            }
        });
        if (scanner != null) {
            worker.scheduleWithFixedDelay(this::rescan, 0, rescanInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
        if (containerd != null) {
            try {
                containerd.watch(this::containerdChanged);
            } catch (IOException | RuntimeException e) {
                failed(e); // no file events: the periodic listing still runs
            }
            worker.scheduleWithFixedDelay(this::syncContainerd, 0, rescanInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
        worker.scheduleWithFixedDelay(() -> history.expire(clock.getAsLong()), rescanInterval.toMillis(),
                rescanInterval.toMillis(), TimeUnit.MILLISECONDS);
        CompletableFuture<Void> kube = kubernetes == null ? CompletableFuture.completedFuture(null)
                : kubernetes.start(new KubernetesSource.Listener() {
                    @Override
                    public void upsert(KubePod pod, String owner, boolean local) {
                        worker.execute(() -> pods.upsert(pod, owner, clock.getAsLong()));
                    }

                    @Override
                    public void delete(KubePod pod) {
                        worker.execute(() -> pods.delete(pod, clock.getAsLong()));
                    }
                });
        CompletableFuture<Void> scanned = new CompletableFuture<>();
        worker.execute(() -> scanned.complete(null)); // after the first rescan (queued before)
        return CompletableFuture.allOf(first, scanned, kube);
    }

    /** Runs a full refresh (Docker list + /proc scan) on the resolver thread. */
    public CompletableFuture<Void> refresh() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        worker.execute(() -> {
            CompletableFuture<Void> d = docker == null ? CompletableFuture.completedFuture(null) : resyncDocker();
            rescan();
            syncContainerd();
            d.whenComplete((v, e) -> worker.execute(() -> done.complete(null)));
        });
        return done;
    }

    public long dockerEvents() {
        return dockerEvents.get();
    }

    /** containerd listings applied (events and periodic). */
    public long containerdSyncs() {
        return containerdSyncs.get();
    }

    /** Time spent listing containerd's tasks and applying them, in total (divide by {@link #containerdSyncs}). */
    public long containerdSyncNanos() {
        return containerdSyncNanos.get();
    }

    public long errors() {
        return errors.get();
    }

    public Throwable lastError() {
        return lastError;
    }

    /** The Kubernetes source, or null. */
    public KubernetesSource kubernetes() {
        return kubernetes;
    }

    @Override
    public void close() {
        closed = true;
        if (kubernetes != null) {
            kubernetes.close();
        }
        DockerClient.Subscription s = events;
        if (s != null) {
            s.close();
        }
        if (containerd != null) {
            containerd.close();
        }
        worker.shutdownNow();
    }

    // ---- Docker ----------------------------------------------------------------------------------------------------

    private void subscribe(CompletableFuture<Void> firstSync) {
        if (closed) {
            return;
        }
        DockerClient.Subscription s = docker.containerEvents(
                e -> worker.execute(() -> onDockerEvent(e)),
                end -> {
                    if (end != null) {
                        failed(end);
                    }
                    if (!closed) { // reconnect, then resync what we missed
                        worker.schedule(() -> subscribe(null), 1, TimeUnit.SECONDS);
                    }
                });
        events = s;
        // subscribe first, then list: an event between the two is not lost (applying both is idempotent)
        s.opened().whenComplete((v, e) -> worker.execute(() -> {
            if (e != null) {
                failed(e);
                if (firstSync != null) {
                    firstSync.complete(null);
                }
                return;
            }
            resyncDocker().whenComplete((x, y) -> {
                if (firstSync != null) {
                    firstSync.complete(null);
                }
            });
        }));
    }

    private CompletableFuture<Void> resyncDocker() {
        long now = clock.getAsLong();
        CompletableFuture<Void> done = new CompletableFuture<>();
        docker.listContainers().whenComplete((list, e) -> {
            if (e != null) {
                failed(e);
                done.complete(null);
                return;
            }
            CompletableFuture<?>[] all = list.stream().map(c -> docker.inspect(c.id())
                    .thenAcceptAsync(d -> applyStart(d, d.startedNanos() > 0 ? d.startedNanos() : now), worker)
                    .exceptionally(x -> {
                        failed(x);
                        return null;
                    })).toArray(CompletableFuture[]::new);
            CompletableFuture.allOf(all).whenCompleteAsync((v, x) -> {
                Set<String> live = new HashSet<>();
                for (ContainerSummary c : list) {
                    live.add(c.id());
                }
                for (String id : new HashSet<>(dockerAddresses.keySet())) {
                    if (!live.contains(id)) {
                        applyDie(id, now);
                    }
                }
                done.complete(null);
            }, worker);
        });
        return done;
    }

    private void onDockerEvent(DockerEvent e) {
        dockerEvents.incrementAndGet();
        long t = e.timeNanos() > 0 ? e.timeNanos() : clock.getAsLong();
        if ("die".equals(e.action())) {
            applyDie(e.id(), t);
        } else if ("start".equals(e.action())) {
            docker.inspect(e.id()).thenAcceptAsync(d -> applyStart(d, t), worker).exceptionally(x -> {
                failed(x);
                return null;
            });
        }
    }

    private void applyStart(ContainerDetails d, long from) {
        if (!d.running() || d.addresses().isEmpty()) {
            return; // sidecars sharing a netns have no addresses of their own: the sandbox's workload covers them
        }
        Workload w = d.toWorkload(node);
        for (IpKey a : d.addresses()) {
            runtimeOpens(a, w, from);
        }
        dockerAddresses.put(d.id(), d.addresses());
    }

    /**
     * A runtime (Docker, containerd) says {@code w} holds {@code a} from {@code from}. Kubernetes keeps naming a
     * pod's address (it takes the container facts); otherwise the runtime's facts replace the open interval in place
     * when it is the same holder ({@link IdentityHistory#upgrade}: what the /proc scan said of the same container or
     * pod), else they open a new one.
     */
    private void runtimeOpens(IpKey a, Workload w, long from) {
        if (pods == null || !pods.runtimeFacts(a, w, from)) {
            history.upgrade(a, w, from);
        }
        scanned.remove(a); // the /proc scan must not close what a runtime named
    }

    // ---- containerd ------------------------------------------------------------------------------------------------

    /** From the watch thread: one listing queued at a time (events come in bursts: bundle, spec, init.pid). */
    private void containerdChanged() {
        if (!closed && containerdPending.compareAndSet(false, true)) {
            try {
                worker.execute(() -> {
                    containerdPending.set(false);
                    syncContainerd();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }

    private void syncContainerd() {
        if (closed || containerd == null) {
            return;
        }
        long now = clock.getAsLong();
        long started = System.nanoTime();
        ContainerdSource.Snapshot snap;
        try {
            snap = containerd.snapshot(node);
        } catch (RuntimeException e) {
            failed(e);
            return;
        }
        containerdSyncs.incrementAndGet();
        for (String p : snap.problems()) {
            failed(new IOException("containerd task: " + p));
            warnings.accept("containerd task: " + p + " (the task is not named until it is fixed)");
        }
        if (snap.truncated() > 0 && !containerdTruncatedReported) {
            containerdTruncatedReported = true;
            warnings.accept("containerd: more than " + io.crowsnest.identity.containerd.TaskDirectory.MAX_TASKS
                    + " tasks in " + containerd.state() + ": " + snap.truncated() + " not read");
        }
        containerdIntervals.apply(snap.held(), now);
        containerdSyncNanos.addAndGet(System.nanoTime() - started);
    }

    private void applyDie(String id, long until) {
        dockerAddresses.remove(id);
        history.closeContainer(id, until);
    }

    // ---- /proc -----------------------------------------------------------------------------------------------------

    private void rescan() {
        if (closed || scanner == null) {
            return;
        }
        long now = clock.getAsLong();
        NetnsScanner.Scan scan;
        try {
            scan = scanner.scan();
        } catch (Exception e) {
            failed(e);
            return;
        }
        Map<IpKey, Workload> seen = new HashMap<>();
        for (Netns n : scan.namespaces()) {
            Workload w = fromNetns(n);
            if (w == null) {
                continue;
            }
            Set<String> ids = new HashSet<>();
            for (CgroupInfo c : n.containers()) {
                ids.add(c.containerId());
            }
            for (IpKey a : n.addresses()) {
                Interval cur = history.current(a);
                if (cur != null && !scanned.containsKey(a)) {
                    // held by a richer source: keep it if it is this namespace's container (or the host)
                    String held = cur.workload().containerId();
                    if ((held != null && ids.contains(held)) || (n.host() && cur.workload().kind() == Workload.Kind.HOST)
                            || (pods != null && n.podUid() != null && n.podUid().equals(pods.podUid(a)))) {
                        continue;
                    }
                }
                if (cur == null || !cur.workload().equals(w)) {
                    history.open(a, w, now);
                }
                seen.put(a, w);
            }
        }
        for (var e : scanned.entrySet()) {
            if (!seen.containsKey(e.getKey())) {
                history.close(e.getKey(), e.getValue(), now);
            }
        }
        scanned.clear();
        scanned.putAll(seen);
    }

    private Workload fromNetns(Netns n) {
        if (n.host()) {
            return Workload.host(node);
        }
        if (n.containers().isEmpty()) {
            return null; // a namespace of no container we know (e.g. a test's): nothing to say
        }
        CgroupInfo first = n.containers().get(0); // lowest pid: the sandbox/pause for pods
        String pod = n.podUid();
        Map<String, String> labels = null;
        if (pod != null) {
            labels = Map.of("io.kubernetes.pod.uid", pod);
        }
        return new Workload(pod != null ? Workload.Kind.POD : Workload.Kind.CONTAINER, null, null, null,
                first.containerId(), null, labels, node, null);
    }

    private void failed(Throwable e) {
        errors.incrementAndGet();
        lastError = e;
    }
}
