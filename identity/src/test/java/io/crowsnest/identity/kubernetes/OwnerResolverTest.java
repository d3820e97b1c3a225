package io.crowsnest.identity.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OwnerResolverTest {

    private static KubePod pod(String kind, String name, Map<String, String> labels) {
        return new KubePod("u-" + name, "shop", "p", "node-a", false, "Running", List.of(), labels, null,
                kind == null ? null : new KubePod.OwnerRef(kind, name, "uid-" + name), 0, List.of());
    }

    @Test
    void replicaSetsAndJobsAreFollowedOnceThenCached() {
        AtomicLong calls = new AtomicLong();
        OwnerResolver r = new OwnerResolver((kind, ns, name) -> {
            calls.incrementAndGet();
            return kind.equals("ReplicaSet") ? new KubePod.OwnerRef("Deployment", "shop", "d1")
                    : new KubePod.OwnerRef("CronJob", "backup", "c1");
        }, 100, 1_000, () -> 0);
        assertEquals("Deployment/shop", r.ownerOf(pod("ReplicaSet", "shop-5d8f", Map.of())));
        assertEquals("Deployment/shop", r.ownerOf(pod("ReplicaSet", "shop-5d8f", Map.of())));
        assertEquals("CronJob/backup", r.ownerOf(pod("Job", "backup-2891", Map.of())));
        assertEquals(2, calls.get(), "one GET per ReplicaSet/Job");
        assertEquals("DaemonSet/agent", r.ownerOf(pod("DaemonSet", "agent", Map.of())));
        assertEquals("StatefulSet/pg", r.ownerOf(pod("StatefulSet", "pg", Map.of())));
        assertNull(r.ownerOf(pod(null, null, Map.of())));
        assertEquals(2, calls.get(), "other kinds need no GET");
    }

    @Test
    void aStandaloneReplicaSetOrJobNamesItself() {
        OwnerResolver r = new OwnerResolver((kind, ns, name) -> null, 100, 1_000, () -> 0);
        assertEquals("ReplicaSet/solo", r.ownerOf(pod("ReplicaSet", "solo", Map.of())));
        assertEquals("Job/once", r.ownerOf(pod("Job", "once", Map.of())));
    }

    @Test
    void aFailedLookupFallsBackToTheDeploymentNamingConventionAndIsRetriedLater() {
        AtomicLong now = new AtomicLong(1);
        AtomicLong calls = new AtomicLong();
        OwnerResolver r = new OwnerResolver((kind, ns, name) -> {
            calls.incrementAndGet();
            throw new IllegalStateException("403");
        }, 100, 1_000, now::get);
        assertEquals("Deployment/shop", r.ownerOf(pod("ReplicaSet", "shop-5d8f", Map.of("pod-template-hash", "5d8f"))));
        assertEquals("ReplicaSet/odd-name", r.ownerOf(pod("ReplicaSet", "odd-name", Map.of("pod-template-hash", "5d8f"))));
        assertEquals("Job/backup-2891", r.ownerOf(pod("Job", "backup-2891", Map.of())));
        r.ownerOf(pod("ReplicaSet", "shop-5d8f", Map.of("pod-template-hash", "5d8f")));
        assertEquals(3, calls.get(), "a failure is remembered");
        now.addAndGet(2_000);
        r.ownerOf(pod("ReplicaSet", "shop-5d8f", Map.of("pod-template-hash", "5d8f")));
        assertEquals(4, calls.get(), "and retried after retryNanos");
    }

    @Test
    void theCacheIsBounded() {
        OwnerResolver r = new OwnerResolver((kind, ns, name) -> null, 10, 1_000, () -> 0);
        for (int i = 0; i < 100; i++) {
            r.ownerOf(pod("ReplicaSet", "rs-" + i, Map.of()));
        }
        assertEquals(10, r.cached());
    }
}
