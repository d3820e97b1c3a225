package io.crowsnest.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.crowsnest.detection.engine.DetectionEngine;
import io.crowsnest.detection.rules.RuleError;
import io.crowsnest.detection.rules.RuleLoadResult;
import io.crowsnest.detection.rules.RuleLoader;
import io.crowsnest.detection.rules.RuleVariables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every conformance rule of the packet-level categories loads, except those needing the app layer. */
class ConformanceRulesTest {
    static final Set<String> CATEGORIES = Set.of("header", "content", "pcre", "byte-ops", "flowbits", "threshold");
    static final Pattern CATEGORY = Pattern.compile("\"category\"\\s*:\\s*\"([^\"]*)\"");

    static Path root() {
        String prop = System.getProperty("crowsnest.root");
        if (prop != null && !prop.isEmpty()) {
            return Paths.get(prop).toAbsolutePath();
        }
        Path p = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
        while (p != null) {
            Path pom = p.resolve("pom.xml");
            try {
                if (Files.isDirectory(p.resolve("bin")) && Files.isRegularFile(pom)
                        && Files.readString(pom).contains("crowsnest-parent")) {
                    return p;
                }
            } catch (IOException e) {
                // keep walking
            }
            p = p.getParent();
        }
        return null;
    }

    @Test
    void conformanceRulesLoad() throws IOException {
        Path root = root();
        assumeTrue(root != null, "repository root not found");
        Path suite = root.resolve("../shared/conformance/suricata-verify").normalize();
        assumeTrue(Files.isDirectory(suite), "no conformance suite at " + suite);
        List<String> failures = new ArrayList<>();
        int tests = 0, loaded = 0, appLayer = 0;
        try (Stream<Path> dirs = Files.list(suite)) {
            for (Path d : (Iterable<Path>) dirs.sorted()::iterator) {
                Path expected = d.resolve("expected.json"), rules = d.resolve("test.rules");
                if (!Files.isRegularFile(expected) || !Files.isRegularFile(rules)) {
                    continue;
                }
                Matcher m = CATEGORY.matcher(Files.readString(expected));
                if (!m.find() || !CATEGORIES.contains(m.group(1))) {
                    continue;
                }
                tests++;
                RuleLoader loader = new RuleLoader();
                RuleLoadResult r = loader.load(List.of(rules), RuleVariables.suricataDefaults());
                loaded += r.signatures().size();
                appLayer += (int) r.signatures().stream().filter(s -> s.waitingOn() != null).count();
                for (RuleError e : r.errors()) {
                    if (e.message().contains("waiting on app-layer buffer") || e.message().contains("needs the app layer")) {
                        appLayer++;
                    } else {
                        failures.add(e.toString());
                    }
                }
                DetectionEngine.build(r.signatures()).newContext();
            }
        }
        assertTrue(tests >= 15, "found only " + tests + " conformance tests in " + suite);
        assertTrue(loaded >= 40, "loaded only " + loaded);
        assertTrue(appLayer >= 5, "expected the http rules to wait on the app layer, got " + appLayer);
        assertEquals(List.of(), failures);
    }
}
