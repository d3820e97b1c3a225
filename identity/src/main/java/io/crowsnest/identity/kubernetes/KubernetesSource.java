package io.crowsnest.identity.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Pods from the Kubernetes API, as {@link Listener} events in API order, from two informers (list + watch, re-listing
 * and re-watching with backoff by themselves after any error or disconnect):
 * <ul>
 *   <li><b>this node's pods</b> ({@code spec.nodeName=<node>} field selector): full facts, container statuses kept
 *       so the resolver can match them with /proc and Docker;</li>
 *   <li><b>every other pod</b> ({@code spec.nodeName!=<node>}), so that a peer on another node reached over the
 *       overlay is named too. Pods rather than EndpointSlices: slices list only the ready pods behind a Service
 *       (a debug pod or a Job that attacks has none) and carry no labels or owner, which would cost a GET per pod.
 *       Its informer cache keeps a slim copy of each pod ({@link SlimPodStore}: name, namespace, uid, labels,
 *       owner references, node, addresses), a few hundred bytes a pod.</li>
 * </ul>
 * Both selectors are also applied here: a server that ignores them (fabric8's mock does) must not make a remote pod
 * local. Owners are resolved ({@link OwnerResolver}) on this source's own thread, where the GETs may wait; nothing
 * here ever runs on the packet path. API errors are counted and each kind reported once ({@link KubeErrors}).
 */
public final class KubernetesSource implements AutoCloseable {

    /** Pod facts, called on the source's thread in the order the API gave them. */
    public interface Listener {
        /** The pod was added or changed; {@code local} when it runs on this node. */
        void upsert(KubePod pod, String owner, boolean local);

        /** The pod is gone (or its deletion was missed during a disconnect and found by a re-list). */
        void delete(KubePod pod);
    }

    private final KubernetesClient client;
    private final String node;
    private final boolean remotePods;
    private final KubeErrors errors;
    private final OwnerResolver owners;
    private final ExecutorService thread;
    private final List<SharedIndexInformer<Pod>> informers = new ArrayList<>();
    private final AtomicLong events = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param node       this node's name as the API knows it ({@code spec.nodeName})
     * @param remotePods also watch the pods of every other node
     * @param report     where each kind of API error is reported once (e.g. stderr)
     */
    public KubernetesSource(KubernetesClient client, String node, boolean remotePods, Consumer<String> report,
            LongSupplier clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.node = Objects.requireNonNull(node, "node");
        this.remotePods = remotePods;
        this.errors = new KubeErrors(String.valueOf(client.getMasterUrl()), report);
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kubernetes-source");
            t.setDaemon(true);
            return t;
        });
        this.owners = new OwnerResolver(this::fetchController, 4096, TimeUnit.MINUTES.toNanos(1), clock);
    }

    public String node() {
        return node;
    }

    public String server() {
        return String.valueOf(client.getMasterUrl());
    }

    /**
     * Starts the informers; the future completes once both have listed (or failed a first time: they keep retrying
     * in the background, and a source that cannot reach its API must not hold the sensor back).
     */
    public CompletableFuture<Void> start(Listener listener) {
        List<CompletableFuture<Void>> first = new ArrayList<>();
        first.add(inform(client.pods().inAnyNamespace().withField("spec.nodeName", node).runnableInformer(0),
                new SlimPodStore(true), true, listener, "watch pods on node " + node));
        if (remotePods) {
            first.add(inform(client.pods().inAnyNamespace().withoutField("spec.nodeName", node).runnableInformer(0),
                    new SlimPodStore(false), false, listener, "watch pods of other nodes"));
        }
        return CompletableFuture.allOf(first.toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Void> inform(SharedIndexInformer<Pod> informer, SlimPodStore store, boolean local,
            Listener listener, String what) {
        CompletableFuture<Void> first = new CompletableFuture<>();
        informer.itemStore(store);
        informer.removeNamespaceIndex(); // never looked up by namespace: one index less to keep
        informer.exceptionHandler((started, t) -> {
            errors.failed(what, t);
            first.complete(null);
            return !closed; // retry (with the client's backoff) until closed
        });
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
                submit(p, false);
            }

            @Override
            public void onUpdate(Pod old, Pod p) {
                submit(p, false);
            }

            @Override
            public void onDelete(Pod p, boolean finalStateUnknown) {
                submit(p, true);
            }

            private void submit(Pod p, boolean deleted) {
                if (p == null || p.getMetadata() == null || ours(p) != local) {
                    return;
                }
                KubePod kp = KubePod.from(p);
                execute(() -> {
                    events.incrementAndGet();
                    if (deleted) {
                        listener.delete(kp);
                    } else {
                        listener.upsert(kp, kp.holdsAddresses() ? owners.ownerOf(kp) : null, local);
                    }
                });
            }
        });
        informers.add(informer);
        informer.start().whenComplete((v, e) -> first.complete(null));
        return first;
    }

    /** The client-side half of the field selectors. */
    private boolean ours(Pod p) {
        return p.getSpec() != null && node.equals(p.getSpec().getNodeName());
    }

    private void execute(Runnable r) {
        if (!closed) {
            try {
                thread.execute(r);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }

    private KubePod.OwnerRef fetchController(String kind, String namespace, String name) throws Exception {
        HasMetadata o;
        try {
            o = "ReplicaSet".equals(kind) ? client.apps().replicaSets().inNamespace(namespace).withName(name).get()
                    : client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
        } catch (RuntimeException e) {
            errors.failed("get " + ("ReplicaSet".equals(kind) ? "apps replicasets" : "batch jobs"), e);
            throw e;
        }
        if (o == null) {
            throw new java.util.NoSuchElementException(kind + " " + namespace + "/" + name + " not found");
        }
        return KubePod.controllerOf(o.getMetadata().getOwnerReferences());
    }

    /** True when every informer is watching (listed and its watch open). */
    public boolean watching() {
        return !informers.isEmpty() && informers.stream().allMatch(SharedIndexInformer::isWatching);
    }

    /** Pod events handed to the listener. */
    public long events() {
        return events.get();
    }

    public KubeErrors errors() {
        return errors;
    }

    public OwnerResolver owners() {
        return owners;
    }

    /** Pods held in the informer caches (slim copies). */
    public int cachedPods() {
        return informers.stream().mapToInt(i -> i.getStore().list().size()).sum();
    }

    /** Stops the informers and the source's thread; the client is the caller's to close. */
    @Override
    public void close() {
        closed = true;
        for (SharedIndexInformer<Pod> i : informers) {
            i.stop();
        }
        thread.shutdownNow();
    }
}
