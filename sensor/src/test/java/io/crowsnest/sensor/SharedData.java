package io.crowsnest.sensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Locates the project root and the read-only data beside it ({@code ../shared}). */
public final class SharedData {
    private SharedData() {}

    public static Path projectRoot() {
        String prop = System.getProperty("crowsnest.root");
        if (prop != null && isRoot(Paths.get(prop))) {
            return Paths.get(prop).toAbsolutePath().normalize();
        }
        Path p = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
        while (p != null) {
            if (isRoot(p)) {
                return p;
            }
            p = p.getParent();
        }
        throw new IllegalStateException("cannot find the Crowsnest project root from " + System.getProperty("user.dir"));
    }

    private static boolean isRoot(Path p) {
        Path pom = p.resolve("pom.xml");
        if (!Files.isDirectory(p.resolve("bin")) || !Files.isRegularFile(pom)) {
            return false;
        }
        try {
            return Files.readString(pom).contains("<artifactId>crowsnest-parent</artifactId>");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code ../shared} beside the project root; tests that need it fail (not skip) when it is missing. */
    public static Path shared() {
        Path s = projectRoot().resolve("../shared").normalize();
        if (!Files.isDirectory(s)) {
            throw new IllegalStateException("shared test data not found at " + s + " (it must sit beside the project root)");
        }
        return s;
    }

    public static Path externalPcap(String relative) {
        return shared().resolve("pcaps-external").resolve(relative);
    }
}
