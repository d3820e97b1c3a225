package io.crowsnest.identity.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.identity.IpKey;
import io.crowsnest.identity.Workload;
import io.crowsnest.identity.history.IdentityHistory;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pod facts to intervals, and the precedence between Kubernetes and the node's runtime sources. */
class PodIntervalsTest {
    private static final IpKey IP = IpKey.parse("10.244.1.10");
    private final IdentityHistory h = new IdentityHistory(Long.MAX_VALUE, 1000);
    private final Set<IpKey> claimed = new HashSet<>();
    private final PodIntervals pods = new PodIntervals(h, "node-a", claimed::add);

    private static KubePod pod(String uid, String name, String node, String phase, long start, List<KubePod.Container> cs,
            Map<String, String> labels) {
        return new KubePod(uid, "shop", name, node, false, phase, List.of(IP), labels, "shop-sa", null, start, cs);
    }

    @Test
    void kubernetesNamesThePodTheRuntimeKeepsItsContainerFacts() {
        // /proc saw the pod first: its sandbox container id and the pod uid label, no names
        Workload proc = new Workload(Workload.Kind.POD, null, null, null, "sandbox0123", null,
                Map.of("io.kubernetes.pod.uid", "u1"), "node-a", null);
        h.open(IP, proc, 100);
        pods.upsert(pod("u1", "web", "node-a", "Running", 50, List.of(new KubePod.Container("web", "abc", "web:1")),
                Map.of("app", "web")), "Deployment/web", 200);
        Workload w = h.lookup(IP, 300);
        assertEquals("web", w.pod());
        assertEquals("shop", w.namespace());
        assertEquals("Deployment/web", w.owner());
        assertEquals("shop-sa", w.serviceAccount());
        assertEquals("web", w.labels().get("app"));
        assertEquals("sandbox0123", w.containerId(), "the runtime's container id wins");
        assertEquals("web:1", w.image(), "Kubernetes' image when the runtime knows none");
        assertEquals(1, h.intervals(IP).size(), "the same interval, richer");
        assertEquals(50, h.intervals(IP).get(0).fromNanos(), "from the pod's start");
        assertEquals("u1", pods.podUid(IP));
        assertTrue(claimed.contains(IP));
        // Docker learns the container later: its id and image, the pod names stay
        Workload docker = Workload.container("abcdef", "k8s_web", "registry/web@sha256:1", Map.of(), "node-a");
        assertTrue(pods.runtimeFacts(IP, docker, 400));
        Workload d = h.lookup(IP, 500);
        assertEquals("web", d.pod());
        assertEquals("abcdef", d.containerId());
        assertEquals("registry/web@sha256:1", d.image());
    }

    @Test
    void containerdsPodFactsCountAsRuntimeFactsToo() {
        // containerd named the pod first, from the CRI annotations: namespace and pod set, its one app container
        Workload cri = new Workload(Workload.Kind.POD, "shop", "web", "web", "app0123", "docker.io/shop/web:2.1",
                Map.of("io.kubernetes.pod.uid", "u1"), "node-a", null);
        h.open(IP, cri, 100);
        pods.upsert(pod("u1", "web", "node-a", "Running", 50, List.of(new KubePod.Container("web", "abc", "web:1")),
                Map.of("app", "web")), "Deployment/web", 200);
        Workload w = h.lookup(IP, 300);
        assertEquals("Deployment/web", w.owner());
        assertEquals("web", w.labels().get("app"));
        assertEquals("app0123", w.containerId(), "containerd's id, the one its cgroups carry");
        assertEquals("docker.io/shop/web:2.1", w.image());
        assertEquals(1, h.intervals(IP).size(), "the same interval, richer");
        // a second upsert (a label changed) keeps containerd's container facts
        pods.upsert(pod("u1", "web", "node-a", "Running", 50, List.of(new KubePod.Container("web", "abc", "web:1")),
                Map.of("app", "web", "v", "2")), "Deployment/web", 400);
        assertEquals("app0123", h.lookup(IP, 500).containerId());
        assertEquals("2", h.lookup(IP, 500).labels().get("v"));
    }

    @Test
    void theJournalKeepsTheServiceAccountAndOwner() throws Exception {
        pods.upsert(pod("u1", "web", "node-b", "Running", 10, List.of(), Map.of("app", "web")), "Deployment/web", 20);
        pods.delete(pod("u1", "web", "node-b", "Running", 10, List.of(), Map.of("app", "web")), 30);
        java.io.StringWriter out = new java.io.StringWriter();
        h.writeJsonLines(out);
        assertTrue(out.toString().contains("\"service_account\":\"shop-sa\""), out.toString());
        IdentityHistory back = new IdentityHistory(Long.MAX_VALUE, 1000);
        back.readJsonLines(new java.io.StringReader(out.toString()));
        assertEquals(h.lookup(IP, 25), back.lookup(IP, 25));
        assertEquals("shop-sa", back.lookup(IP, 25).serviceAccount());
        assertNull(back.lookup(IP, 30));
    }

    @Test
    void deleteAndFinishCloseTheAddress() {
        pods.upsert(pod("u1", "job", "node-b", "Running", 10, List.of(), Map.of()), "Job/x", 20);
        pods.upsert(pod("u1", "job", "node-b", "Succeeded", 10, List.of(), Map.of()), "Job/x", 30);
        assertEquals("job", h.lookup(IP, 25).pod());
        assertNull(h.lookup(IP, 31));
        pods.upsert(pod("u2", "web", "node-b", "Running", 40, List.of(), Map.of()), null, 50);
        pods.delete(pod("u2", "web", "node-b", "Running", 40, List.of(), Map.of()), 60);
        assertEquals("web", h.lookup(IP, 55).pod());
        assertNull(h.lookup(IP, 61));
        assertEquals(0, pods.pods());
    }

    @Test
    void aLateDeleteOfTheOldHolderDoesNotCloseTheNewOne() {
        pods.upsert(pod("u1", "old", "node-b", "Running", 10, List.of(), Map.of()), null, 20);
        pods.upsert(pod("u2", "new", "node-b", "Running", 30, List.of(), Map.of()), null, 40); // delete event missed
        pods.delete(pod("u1", "old", "node-b", "Running", 10, List.of(), Map.of()), 50);
        assertEquals("old", h.lookup(IP, 35).pod());
        assertEquals("new", h.lookup(IP, 45).pod());
        assertEquals("new", h.lookup(IP, 60).pod());
    }

    @Test
    void hostNetworkPodsNameTheirNodeNeverThemselves() {
        KubePod remote = new KubePod("h1", "kube-system", "proxy", "node-b", true, "Running",
                List.of(IpKey.parse("192.168.56.12")), Map.of(), null, null, 5, List.of());
        KubePod remote2 = new KubePod("h2", "kube-system", "cni", "node-b", true, "Running",
                List.of(IpKey.parse("192.168.56.12")), Map.of(), null, null, 6, List.of());
        KubePod local = new KubePod("h3", "kube-system", "proxy", "node-a", true, "Running",
                List.of(IpKey.parse("192.168.56.11")), Map.of(), null, null, 5, List.of());
        pods.upsert(remote, null, 10);
        pods.upsert(remote2, null, 10);
        pods.upsert(local, null, 10);
        assertEquals(Workload.host("node-b"), h.lookup(IpKey.parse("192.168.56.12"), 11));
        assertNull(h.lookup(IpKey.parse("192.168.56.11"), 11));
        pods.delete(remote, 20);
        assertEquals(Workload.host("node-b"), h.lookup(IpKey.parse("192.168.56.12"), 21), "still one host pod there");
        pods.delete(remote2, 30);
        assertNull(h.lookup(IpKey.parse("192.168.56.12"), 31));
    }
}
