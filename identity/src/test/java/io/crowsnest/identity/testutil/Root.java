package io.crowsnest.identity.testutil;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Helpers for the {@code @Tag("root")} tests. */
public final class Root {

    private Root() {
    }

    public static void require(String what) {
        try {
            String status = Files.readString(Path.of("/proc/self/status"));
            for (String l : status.split("\n")) {
                if (l.startsWith("Uid:") && l.split("\\s+")[2].equals("0")) {
                    return;
                }
            }
        } catch (IOException ignored) {
            // fall through
        }
        fail(what + " needs root (real network namespaces / dockerd); run as root or exclude the \"root\" tag");
    }

    /** Runs a command, failing with its output when it exits non-zero. */
    public static String run(String... cmd) {
        Result r = tryRun(cmd);
        if (r.exit != 0) {
            fail(String.join(" ", cmd) + " exited " + r.exit + ": " + r.output);
        }
        return r.output;
    }

    public record Result(int exit, String output) {
    }

    /** Runs a command (60 s limit), never failing. */
    public static Result tryRun(String... cmd) {
        try {
            Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, e.toString());
        }
    }
}
