package io.crowsnest.sensor.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.identity.kubernetes.KubeConnect;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentitySourcesTest {

    @Test
    void theNodeNameComesFromTheFlagThenNodeNameThenTheHostName() {
        assertEquals("n1", IdentitySources.nodeName("n1", Map.of("NODE_NAME", "n2")));
        assertEquals("n2", IdentitySources.nodeName(null, Map.of("NODE_NAME", "n2")));
        assertNotNull(IdentitySources.nodeName(null, Map.of()));
    }

    @Test
    void aBadKubeconfigIsReportedNotFatal(@TempDir Path dir) throws Exception {
        LiveOptions o = new LiveOptions();
        o.kubernetes = KubeConnect.Mode.OFF;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertNull(IdentitySources.kubernetesClient(o, ps));
        o.kubernetes = KubeConnect.Mode.AUTO;
        o.kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(o.kubeconfig, "this: [is not a kubeconfig\n");
        assertNull(IdentitySources.kubernetesClient(o, ps));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("kubernetes: " + o.kubeconfig), err.toString(StandardCharsets.UTF_8));
    }
}
