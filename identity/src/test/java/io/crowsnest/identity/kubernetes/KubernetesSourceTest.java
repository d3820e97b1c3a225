package io.crowsnest.identity.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.identity.IpKey;
import io.crowsnest.identity.Workload;
import io.crowsnest.identity.WorkloadResolver;
import io.crowsnest.identity.history.IdentityHistory;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes source against fabric8's kubernetes-server-mock in CRUD mode (no API server installs here). The mock
 * ignores field selectors: the node filtering these tests see is the source's own, client-side.
 */
class KubernetesSourceTest {

    private static final String NODE = "node-a";
    private final MockKube kube = new MockKube();
    private final List<String> reports = Collections.synchronizedList(new ArrayList<>());
    private KubernetesClient client;
    private WorkloadResolver resolver;

    @AfterEach
    void tearDown() {
        if (resolver != null) {
            resolver.close();
        }
        if (client != null) {
            client.close();
        }
        try {
            kube.close();
        } catch (IllegalStateException e) {
            // the mock web server sometimes times out closing a watch connection the client just dropped
            // (seen once in CI, after the test's assertions had passed): cleanup, not behaviour under test
            System.err.println("KubernetesSourceTest: " + e.getMessage() + " (" + e.getCause() + ")");
        }
    }

    private WorkloadResolver start(boolean remote) {
        client = kube.sourceClient();
        KubernetesSource source = new KubernetesSource(client, NODE, remote, reports::add, WorkloadResolver::nowNanos);
        resolver = WorkloadResolver.builder().history(new IdentityHistory(TimeUnit.HOURS.toNanos(1), 10_000))
                .node(NODE).kubernetes(source).rescanInterval(Duration.ofMillis(200)).build();
        resolver.start();
        return resolver;
    }

    private Workload now(String ip) {
        IpKey k = IpKey.parse(ip);
        return resolver.resolve(k.hi(), k.lo(), WorkloadResolver.nowNanos());
    }

    private Workload at(String ip, long t) {
        IpKey k = IpKey.parse(ip);
        return resolver.resolve(k.hi(), k.lo(), t);
    }

    private void await(String what, BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what + "; reports " + reports + (resolver == null ? ""
                        : "; events " + resolver.kubernetes().events() + ", last error " + resolver.kubernetes().errors().last()));
            }
            Thread.sleep(10);
        }
    }

    private Pod create(Pod p) {
        return kube.admin.pods().inNamespace(p.getMetadata().getNamespace()).resource(p).create();
    }

    @Test
    void namesThisNodesPodsAndOtherNodesPodsWithTheirOwners() throws Exception {
        Instant t0 = Instant.now().minusSeconds(60);
        // Deployment shop <- ReplicaSet shop-5d8f <- pod (on this node)
        var rsOwner = MockKube.controller("Deployment", "shop");
        var rs = kube.admin.apps().replicaSets().inNamespace("shop").resource(new ReplicaSetBuilder().withNewMetadata()
                .withName("shop-5d8f").withNamespace("shop").withOwnerReferences(rsOwner).endMetadata().build()).create();
        var rsRef = MockKube.controller("ReplicaSet", "shop-5d8f");
        rsRef.setUid(rs.getMetadata().getUid());
        create(MockKube.pod("shop", "shop-5d8f-x2k9p", NODE, "10.244.1.10", Map.of("app", "shop", "pod-template-hash", "5d8f"),
                rsRef, t0));
        // DaemonSet pod on this node
        create(MockKube.pod("kube-system", "agent-7hq2", NODE, "10.244.1.11", Map.of("app", "agent"),
                MockKube.controller("DaemonSet", "agent"), t0));
        // CronJob backup <- Job backup-2891 <- pod, on another node (reached over the overlay)
        kube.admin.batch().v1().jobs().inNamespace("ops").resource(new JobBuilder().withNewMetadata().withName("backup-2891")
                .withNamespace("ops").withOwnerReferences(MockKube.controller("CronJob", "backup")).endMetadata().build()).create();
        create(MockKube.pod("ops", "backup-2891-q7", "node-b", "10.244.2.20", Map.of("job", "backup"),
                MockKube.controller("Job", "backup-2891"), t0));
        // StatefulSet pod on another node; a bare pod
        create(MockKube.pod("db", "pg-0", "node-b", "10.244.2.21", Map.of("app", "pg"), MockKube.controller("StatefulSet", "pg"), t0));
        create(MockKube.pod("default", "debug", "node-c", "10.244.3.5", Map.of(), null, t0));
        // host-network pods: never claim the node's address for a pod
        create(new PodBuilder(MockKube.pod("kube-system", "proxy-b", "node-b", "192.168.56.12", Map.of(), null, t0))
                .editSpec().withHostNetwork(true).endSpec().build());
        create(new PodBuilder(MockKube.pod("kube-system", "proxy-a", NODE, "192.168.56.11", Map.of(), null, t0))
                .editSpec().withHostNetwork(true).endSpec().build());

        start(true);
        await("every pod", () -> now("10.244.1.10") != null && now("10.244.1.11") != null && now("10.244.2.20") != null
                && now("10.244.2.21") != null && now("10.244.3.5") != null && now("192.168.56.12") != null);

        Workload shop = now("10.244.1.10");
        assertEquals(Workload.Kind.POD, shop.kind());
        assertEquals("shop", shop.namespace());
        assertEquals("shop-5d8f-x2k9p", shop.pod());
        assertEquals("Deployment/shop", shop.owner());
        assertEquals("shop", shop.labels().get("app"));
        assertEquals(NODE, shop.node());
        assertEquals("shop-sa", shop.serviceAccount());
        assertEquals("main", shop.container());
        assertEquals("registry.local/shop:1", shop.image());
        assertEquals("DaemonSet/agent", now("10.244.1.11").owner());
        Workload backup = now("10.244.2.20");
        assertEquals("CronJob/backup", backup.owner());
        assertEquals("node-b", backup.node(), "a remote pod is named with its own node");
        assertEquals("StatefulSet/pg", now("10.244.2.21").owner());
        assertNull(now("10.244.3.5").owner(), "a bare pod has no owner");
        assertEquals(Workload.host("node-b"), now("192.168.56.12"), "a host-network pod's address is its node's");
        assertNull(now("192.168.56.11"), "this node's own address is left to /proc");
        // the pod's own start time opens the interval: a packet from before the sensor listed it is named too
        assertEquals("shop-5d8f-x2k9p", at("10.244.1.10", t0.plusSeconds(1).getEpochSecond() * 1_000_000_000L).pod());
        assertEquals(2, resolver.kubernetes().owners().fetches(), "one GET for the ReplicaSet, one for the Job");
        assertTrue(reports.isEmpty(), reports.toString());
    }

    @Test
    void withoutTheRemoteWatchOnlyThisNodesPodsAreNamed() throws Exception {
        create(MockKube.pod("shop", "web-1", NODE, "10.244.1.10", Map.of(), null, Instant.now()));
        create(MockKube.pod("shop", "web-2", "node-b", "10.244.2.10", Map.of(), null, Instant.now()));
        start(false);
        await("the local pod", () -> now("10.244.1.10") != null);
        Thread.sleep(300);
        assertNull(now("10.244.2.10"), "the mock ignores the field selector: the source filters by node itself");
    }

    @Test
    void anAddressReusedAfterADeleteNamesEachPodAtItsOwnTime() throws Exception {
        start(true);
        Pod old = create(MockKube.pod("shop", "cart-old", NODE, "10.244.1.30", Map.of("app", "cart"), null, Instant.now()));
        await("the first pod", () -> now("10.244.1.30") != null);
        long whileOld = WorkloadResolver.nowNanos();
        Thread.sleep(20);
        kube.admin.pods().inNamespace("shop").withName("cart-old").delete();
        await("the delete", () -> now("10.244.1.30") == null);
        Thread.sleep(20);
        create(MockKube.pod("shop", "cart-new", NODE, "10.244.1.30", Map.of("app", "cart"), null,
                Instant.ofEpochSecond(0, whileOld))); // even a start time from before the delete: not earlier than it
        await("the second pod", () -> now("10.244.1.30") != null);
        assertEquals("cart-old", at("10.244.1.30", whileOld).pod(), "the old timestamp names the deleted pod");
        assertEquals("cart-new", now("10.244.1.30").pod());
        assertEquals(2, resolver.history().intervals(IpKey.parse("10.244.1.30")).size());
        assertTrue(old.getMetadata().getUid() != null);
    }

    @Test
    void aFinishedPodReleasesItsAddressAndALabelChangeStartsANewInterval() throws Exception {
        start(true);
        Pod p = create(MockKube.pod("ops", "once", "node-b", "10.244.2.40", Map.of("v", "1"), null, Instant.now()));
        await("the pod", () -> now("10.244.2.40") != null);
        long v1 = WorkloadResolver.nowNanos();
        Thread.sleep(20);
        p = kube.admin.pods().inNamespace("ops").resource(new PodBuilder(p).editMetadata().addToLabels("v", "2").endMetadata()
                .build()).update();
        await("the relabel", () -> "2".equals(now("10.244.2.40").labels().get("v")));
        assertEquals("1", at("10.244.2.40", v1).labels().get("v"), "as the pod was at the packet's time");
        kube.admin.pods().inNamespace("ops").resource(new PodBuilder(p).editStatus().withPhase("Succeeded").endStatus()
                .build()).update();
        await("the end", () -> now("10.244.2.40") == null);
    }

    @Test
    void watchesReconnectAfterTheApiServerRestarts() throws Exception {
        start(true);
        create(MockKube.pod("shop", "before", NODE, "10.244.1.50", Map.of(), null, Instant.now()));
        await("a pod before the restart", () -> now("10.244.1.50") != null);
        kube.restart();
        create(MockKube.pod("shop", "after", "node-b", "10.244.2.50", Map.of(), null, Instant.now()));
        create(MockKube.pod("shop", "after-local", NODE, "10.244.1.51", Map.of(), null, Instant.now()));
        await("pods created after the restart", () -> now("10.244.2.50") != null && now("10.244.1.51") != null);
        assertEquals("before", now("10.244.1.50").pod(), "a pod that lived through the restart keeps its name");
        assertEquals(1, resolver.history().intervals(IpKey.parse("10.244.1.50")).size(), "and its one interval");
    }

    @Test
    void aForbiddenApiIsReportedOnceWithTheRbacAndRetried() throws Exception {
        create(MockKube.pod("shop", "web", NODE, "10.244.1.60", Map.of(), null, Instant.now()));
        kube.dispatcher.forbid = true;
        start(true);
        await("two failures of each watch", () -> resolver.kubernetes().errors().count() >= 4);
        assertEquals(2, reports.size(), "one report per watch, not one per retry: " + reports);
        String r = reports.get(0);
        assertTrue(r.contains(client.getMasterUrl().toString().replaceAll("/$", "")), r);
        assertTrue(r.contains("403 forbidden"), r);
        assertTrue(r.contains("cannot list resource \"pods\""), r);
        assertTrue(r.contains(KubeErrors.RBAC), r);
        assertNull(now("10.244.1.60"));
        kube.dispatcher.forbid = false; // RBAC fixed: the retries get through
        await("the pod once allowed", () -> now("10.244.1.60") != null);
        assertEquals(2, reports.size(), reports.toString());
    }

    @Test
    void measuresEventToCacheLatency() throws Exception {
        start(true);
        await("watching", () -> resolver.kubernetes().watching());
        int n = 50;
        long[] lat = new long[n];
        for (int i = 0; i < n; i++) {
            String ip = "10.244." + (i % 2 == 0 ? 1 : 2) + "." + (100 + i);
            long t = System.nanoTime();
            create(MockKube.pod("bench", "p-" + i, i % 2 == 0 ? NODE : "node-b", ip, Map.of("i", "" + i), null, Instant.now()));
            await(ip, () -> now(ip) != null);
            lat[i] = System.nanoTime() - t;
        }
        java.util.Arrays.sort(lat);
        System.out.printf("kubernetes event-to-cache latency (create call to lookup, mock API, %d pods): p50 %.1f ms,"
                + " p90 %.1f ms, max %.1f ms%n", n, lat[n / 2] / 1e6, lat[n * 9 / 10] / 1e6, lat[n - 1] / 1e6);
        assertTrue(lat[n / 2] < TimeUnit.SECONDS.toNanos(2), "p50 " + lat[n / 2]);
    }
}
