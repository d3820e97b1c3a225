package io.crowsnest.identity.kubernetes;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * fabric8's kubernetes-server-mock in CRUD mode (objects created through the client are listed and watched back) -
 * no real API server installs here. The mock knows no {@code spec.nodeName} field: it answers
 * {@code fieldSelector=spec.nodeName=X} with nothing and ignores {@code !=}. The dispatcher here drops that selector,
 * so the mock behaves as a server that ignores field selectors, and what the tests see of node filtering is the
 * source's own, client-side. {@link #forbid} makes it answer 403 like an API server without the RBAC; {@link #restart} stops it and
 * starts a new one on the same port with the same objects, as an API server restart looks to a watch.
 */
final class MockKube implements AutoCloseable {

    static final String FORBIDDEN = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
            + "\"message\":\"pods is forbidden: User \\\"system:serviceaccount:crowsnest:crowsnest\\\" cannot list resource"
            + " \\\"pods\\\" in API group \\\"\\\" at the cluster scope\",\"reason\":\"Forbidden\",\"code\":403}";

    /** The CRUD dispatcher, answering 403 to everything while {@link #forbid} is set. */
    static final class Dispatcher extends KubernetesCrudDispatcher {
        volatile boolean forbid;

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            if (forbid) {
                return new MockResponse().setResponseCode(403).setHeader("Content-Type", "application/json")
                        .setBody(FORBIDDEN);
            }
            String path = request.getPath();
            String stripped = path.replaceAll("fieldSelector=spec\\.nodeName(%21)?%3D[^&]*&?", "").replaceAll("[?&]$", "");
            if (!stripped.equals(path)) {
                request = new RecordedRequest(request.getHttpVersion(), request.method(), stripped, request.getHeaders(),
                        request.getBody());
            }
            return super.dispatch(request);
        }
    }

    final Dispatcher dispatcher = new Dispatcher();
    private KubernetesMockServer server;
    private int port;
    /** A client for the test to create objects with (the source gets its own). */
    final NamespacedKubernetesClient admin;

    MockKube() {
        server = start(0);
        port = server.getPort();
        admin = server.createClient();
    }

    private KubernetesMockServer start(int onPort) {
        KubernetesMockServer s = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher,
                false);
        s.init(InetAddress.getLoopbackAddress(), onPort);
        return s;
    }

    /** The source's client: the sensor's settings (reconnect forever from 1 s) on the mock's address. */
    KubernetesClient sourceClient() {
        Config c = KubeConnect.tuned(admin.getConfiguration());
        return KubeConnect.client(c);
    }

    void restart() {
        server.destroy();
        server = start(port);
    }

    @Override
    public void close() {
        admin.close();
        server.destroy();
    }

    // ---- objects ---------------------------------------------------------------------------------------------------

    static OwnerReference controller(String kind, String name) {
        return new OwnerReferenceBuilder().withApiVersion(kind.equals("Job") || kind.equals("CronJob") ? "batch/v1" : "apps/v1")
                .withKind(kind).withName(name).withUid(UUID.randomUUID().toString()).withController(true).build();
    }

    static Pod pod(String ns, String name, String node, String ip, Map<String, String> labels, OwnerReference owner,
            Instant start) {
        PodBuilder b = new PodBuilder().withNewMetadata().withNamespace(ns).withName(name)
                .withUid(UUID.randomUUID().toString()).withLabels(labels)
                .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{" + "x".repeat(2000) + "}")
                .endMetadata()
                .withNewSpec().withNodeName(node).withServiceAccountName(ns + "-sa").addNewContainer().withName("main")
                .withImage("registry.local/" + name.replaceAll("-.*", "") + ":1").endContainer().endSpec()
                .withNewStatus().withPhase("Running").withStartTime(start.toString())
                .addNewContainerStatus().withName("main").withContainerID("containerd://" + UUID.randomUUID().toString().replace("-", ""))
                .withImage("registry.local/" + name.replaceAll("-.*", "") + ":1").endContainerStatus()
                .endStatus();
        if (ip != null) {
            b.editStatus().withPodIP(ip).addNewPodIP(ip).endStatus();
        }
        if (owner != null) {
            b.editMetadata().withOwnerReferences(owner).endMetadata();
        }
        return b.build();
    }
}
