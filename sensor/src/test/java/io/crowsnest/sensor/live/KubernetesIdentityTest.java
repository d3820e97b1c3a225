package io.crowsnest.sensor.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crowsnest.decoders.Packet;
import io.crowsnest.detection.alert.Alert;
import io.crowsnest.identity.IpKey;
import io.crowsnest.identity.WorkloadResolver;
import io.crowsnest.identity.kubernetes.KubeConnect;
import io.crowsnest.identity.kubernetes.KubernetesSource;
import io.crowsnest.outputs.eve.EveAlertWriter;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * End to end: pods from the Kubernetes API (fabric8's kubernetes-server-mock in CRUD mode; no API server installs
 * here) → the resolver → EVE alerts naming both ends: this node's pod and a peer on another node.
 */
class KubernetesIdentityTest {

    /** The mock answers fieldSelector=spec.nodeName=X with nothing: drop it, as a server ignoring it would. */
    static final class IgnoresFieldSelectors extends KubernetesCrudDispatcher {
        @Override
        public MockResponse dispatch(RecordedRequest r) {
            String path = r.getPath().replaceAll("fieldSelector=spec\\.nodeName(%21)?%3D[^&]*&?", "").replaceAll("[?&]$", "");
            return super.dispatch(path.equals(r.getPath()) ? r
                    : new RecordedRequest(r.getHttpVersion(), r.method(), path, r.getHeaders(), r.getBody()));
        }
    }

    private static Pod pod(String ns, String name, String node, String ip, Map<String, String> labels, String ownerKind,
            String owner, String ownerUid) {
        return new PodBuilder().withNewMetadata().withNamespace(ns).withName(name).withUid(name + "-uid").withLabels(labels)
                .addNewOwnerReference().withApiVersion("apps/v1").withKind(ownerKind).withName(owner).withUid(ownerUid)
                .withController(true).endOwnerReference().endMetadata()
                .withNewSpec().withNodeName(node).withServiceAccountName(name.replaceAll("-.*", "")).endSpec()
                .withNewStatus().withPhase("Running").withStartTime(Instant.now().minusSeconds(30).toString()).withPodIP(ip)
                .addNewPodIP(ip).endStatus().build();
    }

    @Test
    void alertsNameThePodsFromTheKubernetesApi() throws Exception {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new IgnoresFieldSelectors(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        try (NamespacedKubernetesClient admin = server.createClient();
                KubernetesClient client = KubeConnect.client(KubeConnect.tuned(admin.getConfiguration()))) {
            var rs = admin.apps().replicaSets().inNamespace("shop").resource(new ReplicaSetBuilder().withNewMetadata()
                    .withName("debug-7f9c").withNamespace("shop").addNewOwnerReference().withApiVersion("apps/v1")
                    .withKind("Deployment").withName("debug").withUid("d-uid").withController(true).endOwnerReference()
                    .endMetadata().build()).create();
            admin.pods().inNamespace("shop").resource(pod("shop", "debug-7f9c-5x2", "node-a", "10.244.1.66",
                    Map.of("app", "debug"), "ReplicaSet", "debug-7f9c", rs.getMetadata().getUid())).create();
            admin.pods().inNamespace("shop").resource(pod("shop", "redis-0", "node-b", "10.244.2.10",
                    Map.of("app", "redis"), "StatefulSet", "redis", "s-uid")).create();

            List<String> reports = new ArrayList<>();
            KubernetesSource source = new KubernetesSource(client, "node-a", true, reports::add, WorkloadResolver::nowNanos);
            try (WorkloadResolver resolver = WorkloadResolver.builder().node("node-a").kubernetes(source).build()) {
                resolver.start().get();
                IpKey src = IpKey.parse("10.244.1.66");
                IpKey dst = IpKey.parse("10.244.2.10");
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (resolver.resolve(src.hi(), src.lo(), WorkloadResolver.nowNanos()) == null
                        || resolver.resolve(dst.hi(), dst.lo(), WorkloadResolver.nowNanos()) == null) {
                    assertTrue(System.nanoTime() < deadline, "pods named in time; reports " + reports);
                    Thread.sleep(10);
                }

                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                EveAlertWriter w = new EveAlertWriter(bytes).withWorkloads(resolver::resolve);
                Alert a = new Alert();
                long now = WorkloadResolver.nowNanos();
                a.tsSeconds = now / 1_000_000_000L;
                a.tsNanos = (int) (now % 1_000_000_000L);
                a.ipVersion = 4;
                a.srcLo = Packet.V4_MAPPED_LO_PREFIX | 0x0AF40142L; // 10.244.1.66
                a.dstLo = Packet.V4_MAPPED_LO_PREFIX | 0x0AF4020AL; // 10.244.2.10
                a.srcPort = 41000;
                a.dstPort = 6379;
                a.ipProto = 6;
                a.icmpType = -1;
                a.signature("allowed", 1, 9100301, 1, "Redis CONFIG SET from a pod", "Attempted Administrator Privilege Gain",
                        1, Map.of());
                w.write(a);
                w.close();
                JsonNode e = new ObjectMapper().readTree(bytes.toString(StandardCharsets.UTF_8));
                JsonNode s = e.path("src_workload");
                assertEquals("pod", s.path("kind").asText(), e.toString());
                assertEquals("shop", s.path("namespace").asText());
                assertEquals("debug-7f9c-5x2", s.path("pod").asText());
                assertEquals("Deployment/debug", s.path("owner").asText());
                assertEquals("debug", s.path("labels").path("app").asText());
                assertEquals("node-a", s.path("node").asText());
                assertEquals("debug", s.path("service_account").asText());
                JsonNode d = e.path("dest_workload");
                assertEquals("pod", d.path("kind").asText(), e.toString());
                assertEquals("redis-0", d.path("pod").asText());
                assertEquals("StatefulSet/redis", d.path("owner").asText());
                assertEquals("node-b", d.path("node").asText(), "the peer across the overlay, named with its node");
                assertTrue(reports.isEmpty(), reports.toString());
            }
        } finally {
            try {
                server.destroy();
            } catch (IllegalStateException e) {
                // the mock web server sometimes times out closing a watch connection the client just dropped
                // (seen in CI after the assertions had passed, as in KubernetesSourceTest): cleanup, not behaviour
                System.err.println("KubernetesIdentityTest: " + e.getMessage() + " (" + e.getCause() + ")");
            }
        }
    }
}
