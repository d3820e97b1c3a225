package io.crowsnest.sensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.detection.prefilter.MpmAlgo;
import io.crowsnest.sensor.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --mpm-algo ac|hs}: both engines raise the same alerts on the demo capture; a bad value is exit 2. */
class MpmAlgoCliTest {
    private final CliRun cli = new CliRun();
    private String saved;

    @BeforeEach
    void save() {
        saved = System.getProperty(MpmAlgo.PROPERTY);
    }

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(MpmAlgo.PROPERTY);
        } else {
            System.setProperty(MpmAlgo.PROPERTY, saved);
        }
    }

    private static Path demo() {
        return SharedData.projectRoot().resolve("pcaps/demo-container-attacks.pcap");
    }

    /** The alerts of eve.json as "sid pcap_cnt" lines, sorted (worker order may differ between runs). */
    private static List<String> alerts(Path eve) throws IOException {
        return Files.readAllLines(eve).stream()
                .map(l -> l.replaceAll(".*\"pcap_cnt\":(\\d+).*\"signature_id\":(\\d+).*", "$2 $1"))
                .sorted().collect(Collectors.toList());
    }

    @Test
    void hyperscanAndAhoCorasickRaiseTheSameAlerts(@TempDir Path dir) throws IOException {
        assertEquals(0, cli.run("replay", demo().toString(), "--out", dir.resolve("ac").toString(), "--mpm-algo", "ac"), cli.err);
        assertEquals("ac", System.getProperty(MpmAlgo.PROPERTY));
        assertEquals(0, cli.run("replay", demo().toString(), "--out", dir.resolve("hs").toString(), "--mpm-algo", "HS"), cli.err);
        assertEquals("hs", System.getProperty(MpmAlgo.PROPERTY), "the flag sets the process-wide engine");
        assertTrue(!cli.err.contains("Hyperscan is not available"), "Hyperscan must load here: " + cli.err);
        List<String> ac = alerts(dir.resolve("ac/eve.json"));
        assertTrue(ac.size() >= 6, ac.toString());
        assertEquals(ac, alerts(dir.resolve("hs/eve.json")));
    }

    @Test
    void aBadValueIsAUsageErrorNamingIt(@TempDir Path dir) {
        assertEquals(2, cli.run("replay", demo().toString(), "--out", dir.toString(), "--mpm-algo", "hyperscan"));
        assertTrue(cli.err.contains("--mpm-algo: unknown mpm-algo 'hyperscan' (allowed: ac, hs)"), cli.err);
        System.setProperty(MpmAlgo.PROPERTY, "aho");
        assertEquals(2, cli.run("replay", demo().toString(), "--out", dir.toString()));
        assertTrue(cli.err.contains("-Dcrowsnest.mpm: unknown mpm-algo 'aho'"), cli.err);
        assertEquals(2, cli.run("live", "--mpm-algo", "x", "--duration", "1"));
        assertTrue(cli.err.contains("--mpm-algo: unknown mpm-algo 'x'"), cli.err);
    }

    @Test
    void rulesCheckTakesItToo(@TempDir Path dir) throws IOException {
        Path rules = dir.resolve("r.rules");
        Files.writeString(rules, "alert tcp any any -> any any (msg:\"x\"; content:\"|00|abc\"; sid:1; rev:1;)\n"
                + "alert http any any -> any any (msg:\"y\"; content:\"evil\"; nocase; sid:2; rev:1;)\n");
        assertEquals(0, cli.run("rules", "check", rules.toString(), "--mpm-algo", "hs"), cli.err + cli.out);
        assertTrue(cli.out.contains("2 total, 2 loaded"), cli.out);
    }
}
