package io.crowsnest.identity.kubernetes;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A pod's owner as people name it: the controller at the top of the chain, e.g. {@code Deployment/shop} for a pod of
 * ReplicaSet {@code shop-5d8f}, {@code CronJob/backup} for a pod of Job {@code backup-2891}, {@code DaemonSet/x},
 * {@code StatefulSet/x} as they are.
 *
 * <p>Only ReplicaSets and Jobs are looked up (one GET each, by the object's own controller reference); the answers are
 * cached by the intermediate object's uid in an LRU of {@code capacity} entries, so a Deployment's pods cost one GET.
 * A lookup that fails (403 without the RBAC, 404 for a ReplicaSet already gone) is remembered for
 * {@code retryNanos}; meanwhile a ReplicaSet named {@code <deployment>-<pod-template-hash>} is named after its
 * Deployment by that convention (what the Deployment controller does), anything else by itself.
 *
 * <p>Not thread-safe: the Kubernetes source calls it from its one event thread, never from the packet path.
 */
public final class OwnerResolver {

    /** The controller reference of {@code kind} {@code namespace/name}; null when it has none. */
    @FunctionalInterface
    public interface Fetch {
        KubePod.OwnerRef controllerOf(String kind, String namespace, String name) throws Exception;
    }

    private record Cached(String owner, long failedAt) {
    }

    private final Fetch fetch;
    private final int capacity;
    private final long retryNanos;
    private final LongSupplier clock;
    private final Map<String, Cached> cache;
    private long fetches;
    private long failures;
    private Exception lastFailure;

    public OwnerResolver(Fetch fetch, int capacity, long retryNanos, LongSupplier clock) {
        this.fetch = fetch;
        this.capacity = capacity;
        this.retryNanos = retryNanos;
        this.clock = clock;
        this.cache = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Cached> e) {
                return size() > OwnerResolver.this.capacity;
            }
        };
    }

    /** "Kind/name" of the pod's top controller, or null for a bare pod. */
    public String ownerOf(KubePod p) {
        KubePod.OwnerRef c = p.controller();
        if (c == null) {
            return null;
        }
        if (!"ReplicaSet".equals(c.kind()) && !"Job".equals(c.kind())) {
            return c.kind() + "/" + c.name();
        }
        String key = c.kind() + "/" + p.namespace() + "/" + c.name() + "/" + c.uid();
        Cached hit = cache.get(key);
        long now = clock.getAsLong();
        if (hit != null && (hit.failedAt() == 0 || now - hit.failedAt() < retryNanos)) {
            return hit.owner();
        }
        String owner;
        long failedAt = 0;
        try {
            fetches++;
            KubePod.OwnerRef up = fetch.controllerOf(c.kind(), p.namespace(), c.name());
            owner = up == null ? c.kind() + "/" + c.name() : up.kind() + "/" + up.name();
        } catch (Exception e) {
            failures++;
            lastFailure = e;
            failedAt = Math.max(1, now);
            owner = byConvention(p, c);
        }
        cache.put(key, new Cached(owner, failedAt));
        return owner;
    }

    /** The Deployment controller names its ReplicaSets {@code <deployment>-<pod-template-hash>}. */
    static String byConvention(KubePod p, KubePod.OwnerRef c) {
        String hash = p.labels().get("pod-template-hash");
        if ("ReplicaSet".equals(c.kind()) && hash != null && c.name().endsWith("-" + hash)
                && c.name().length() > hash.length() + 1) {
            return "Deployment/" + c.name().substring(0, c.name().length() - hash.length() - 1);
        }
        return c.kind() + "/" + c.name();
    }

    public int cached() {
        return cache.size();
    }

    public long fetches() {
        return fetches;
    }

    public long failures() {
        return failures;
    }

    public Exception lastFailure() {
        return lastFailure;
    }
}
