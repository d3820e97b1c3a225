package io.crowsnest.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code deploy/check.sh}: {@code systemd-analyze verify} on the unit (empty stderr), logrotate on
 * the snippet, a Kubernetes schema validation of every object in {@code deploy/kubernetes/} and in the
 * Helm chart as rendered by {@code deploy/validate/render.mjs}, and the Dockerfile's jlink modules
 * against {@code jdeps}. The script installs what it lacks (apt, npm) when run as root.
 */
class ManifestsTest {

    private static Path deployDir() {
        Path here = Path.of("").toAbsolutePath();
        if (Files.isRegularFile(here.resolve("check.sh"))) {
            return here; // surefire's working directory is the module (deploy/)
        }
        String root = System.getProperty("crowsnest.root");
        return Path.of(root != null ? root : ".").toAbsolutePath().resolve("deploy");
    }

    @Test
    void checkScriptPasses() throws IOException, InterruptedException {
        Path dir = deployDir();
        Path script = dir.resolve("check.sh");
        assertTrue(Files.isRegularFile(script), "no " + script);
        Path log = dir.resolve("target").resolve("check.log");
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder("bash", script.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        boolean done = p.waitFor(10, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println(out);
        assertTrue(done, "deploy/check.sh did not finish within 10 minutes:\n" + out);
        assertEquals(0, p.exitValue(), "deploy/check.sh failed (exit " + p.exitValue() + "):\n" + out);
        assertTrue(out.contains("check.sh: all deploy checks passed"), out);
    }
}
