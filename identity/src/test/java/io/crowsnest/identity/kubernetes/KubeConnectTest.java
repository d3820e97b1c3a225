package io.crowsnest.identity.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeConnectTest {

    @Test
    void modes(@TempDir Path dir) throws Exception {
        Path sa = dir.resolve("sa");
        assertNull(KubeConnect.config(KubeConnect.Mode.OFF, null, Map.of(), sa));
        assertNull(KubeConnect.config(KubeConnect.Mode.AUTO, null, Map.of(), sa), "auto: not in a cluster, no kubeconfig");
        assertFalse(KubeConnect.inCluster(Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1"), sa), "no token mounted");
        Files.createDirectories(sa);
        Files.writeString(sa.resolve("token"), "t");
        assertTrue(KubeConnect.inCluster(Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1"), sa));
        assertFalse(KubeConnect.inCluster(Map.of(), sa));
        Path kc = dir.resolve("kubeconfig");
        Files.writeString(kc, String.join("\n", "apiVersion: v1", "kind: Config", "current-context: lab",
                "clusters: [{name: lab, cluster: {server: 'https://127.0.0.1:6443', insecure-skip-tls-verify: true}}]",
                "users: [{name: me, user: {token: abc}}]", "contexts: [{name: lab, context: {cluster: lab, user: me}}]", ""));
        Config c = KubeConnect.config(KubeConnect.Mode.AUTO, kc, Map.of(), sa);
        assertEquals("https://127.0.0.1:6443/", c.getMasterUrl());
        assertEquals(-1, c.getWatchReconnectLimit(), "watches reconnect forever");
        assertEquals(KubeConnect.Mode.ON, KubeConnect.Mode.parse(" on"));
        assertNull(KubeConnect.Mode.parse("maybe"));
    }

    @Test
    void theInformerCacheKeepsASlimCopy() {
        Pod full = MockKube.pod("shop", "web-1", "node-a", "10.244.1.10", Map.of("app", "web"),
                MockKube.controller("ReplicaSet", "web-5d8f"), Instant.parse("2026-01-01T00:00:00Z"));
        Pod slim = SlimPodStore.slim(full, false);
        assertTrue(slim.getMetadata().getAnnotations() == null || slim.getMetadata().getAnnotations().isEmpty());
        assertTrue(slim.getStatus().getContainerStatuses() == null || slim.getStatus().getContainerStatuses().isEmpty());
        KubePod a = KubePod.from(full);
        KubePod b = KubePod.from(slim);
        assertEquals(a.toWorkload("x").pod(), b.toWorkload("x").pod());
        assertEquals(a.ips(), b.ips());
        assertEquals(a.controller(), b.controller());
        assertEquals(a.labels(), b.labels());
        assertEquals(1_767_225_600_000_000_000L, b.startNanos());
        assertTrue(slim.getSpec().getContainers().isEmpty(), "no container specs");
    }
}
