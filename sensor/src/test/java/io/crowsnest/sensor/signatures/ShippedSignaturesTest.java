package io.crowsnest.sensor.signatures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crowsnest.detection.rules.Signature;
import io.crowsnest.sensor.SharedData;
import io.crowsnest.sensor.cli.RulesListCommand;
import io.crowsnest.sensor.replay.ReplayOptions;
import io.crowsnest.sensor.replay.ReplayResult;
import io.crowsnest.sensor.replay.ReplayRunner;
import io.crowsnest.sensor.rules.LoadedRules;
import io.crowsnest.sensor.rules.RuleSetLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shipped signatures, each proven by a capture: every {@code pcaps/**}{@code /*.expected.json} with a
 * {@code total_alerts} is replayed with the shipped rules only and must raise exactly its per-sid counts; every
 * shipped sid must be listed (count &gt; 0) in at least one expected file (lab files included); the rules load
 * without warnings and carry classtype and metadata; benign captures raise nothing of severity 1 or 2.
 */
class ShippedSignaturesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static List<Path> expectedFiles() throws IOException {
        try (Stream<Path> walk = Files.walk(SharedData.projectRoot().resolve("pcaps"))) {
            return walk.filter(p -> p.getFileName().toString().endsWith(".expected.json")).sorted().toList();
        }
    }

    /** The proof captures: expected files with exact totals (the lab's are checked by LabCapturesTest). */
    static Stream<String> proofFiles() throws IOException {
        Path root = SharedData.projectRoot();
        List<String> out = new ArrayList<>();
        for (Path f : expectedFiles()) {
            if (JSON.readTree(f.toFile()).has("total_alerts")) {
                out.add(root.relativize(f).toString().replace('\\', '/'));
            }
        }
        return out.stream();
    }

    static Path pcapOf(Path expectedFile, JsonNode expected) {
        String pcap = expected.path("pcap").asText();
        return pcap.startsWith("pcaps-external/") ? SharedData.shared().resolve(pcap) : expectedFile.getParent().resolve(pcap);
    }

    static List<JsonNode> replay(Path pcap, Path out) throws IOException {
        ReplayOptions o = new ReplayOptions();
        o.files.add(pcap);
        o.outDir = out;
        o.defaultRules = true;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ReplayResult r = new ReplayRunner(o, new PrintStream(err, true, StandardCharsets.UTF_8)).run();
        assertEquals(0, r.exitCode, () -> "replay of " + pcap + " failed: " + err);
        assertTrue(r.ruleErrors.isEmpty(), () -> "shipped rules must load without warnings: " + r.ruleErrors);
        List<JsonNode> alerts = new ArrayList<>();
        Path eve = out.resolve("eve.json");
        if (Files.exists(eve)) {
            for (String line : Files.readAllLines(eve)) {
                JsonNode n = JSON.readTree(line);
                if ("alert".equals(n.path("event_type").asText())) {
                    alerts.add(n);
                }
            }
        }
        return alerts;
    }

    static Map<Long, Long> bySid(List<JsonNode> alerts) {
        Map<Long, Long> m = new TreeMap<>();
        for (JsonNode a : alerts) {
            m.merge(a.path("alert").path("signature_id").asLong(), 1L, Long::sum);
        }
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("proofFiles")
    void proofCaptureRaisesExactlyItsExpectedAlerts(String expectedFile, @TempDir Path out) throws IOException {
        Path f = SharedData.projectRoot().resolve(expectedFile);
        JsonNode expected = JSON.readTree(f.toFile());
        Path pcap = pcapOf(f, expected);
        assertTrue(Files.isRegularFile(pcap), () -> "missing capture " + pcap);
        Map<Long, Long> want = new TreeMap<>();
        for (JsonNode a : expected.path("alerts")) {
            want.put(a.path("sid").asLong(), a.path("count").asLong());
        }
        List<JsonNode> alerts = replay(pcap, out);
        assertEquals(want, bySid(alerts), expectedFile);
        assertEquals(expected.path("total_alerts").asLong(), alerts.size(), expectedFile);
    }

    @Test
    void thereAreProofCapturesForEveryCategory() throws IOException {
        Set<String> names = new HashSet<>();
        proofFiles().forEach(names::add);
        for (String n : List.of("http-exploits", "control-plane", "post-compromise", "datastores", "reflection")) {
            assertTrue(names.contains("pcaps/signatures/" + n + ".expected.json"), n);
        }
    }

    @Test
    void everyShippedSidHasAPositiveCapture() throws IOException {
        Set<Long> proven = new TreeSet<>();
        for (Path f : expectedFiles()) {
            for (JsonNode a : JSON.readTree(f.toFile()).path("alerts")) {
                if (a.path("count").asLong() > 0) {
                    proven.add(a.path("sid").asLong());
                }
            }
        }
        Set<Long> unproven = new TreeSet<>();
        for (Signature s : shipped().signatures()) {
            if (!proven.contains(s.sid())) {
                unproven.add(s.sid());
            }
        }
        assertTrue(unproven.isEmpty(), () -> "shipped rules without a positive capture (add one to pcaps/ or drop the rule): " + unproven);
    }

    static LoadedRules shipped() throws IOException {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        return RuleSetLoader.load(true, List.of(), Map.of(), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void shippedRulesLoadWithoutWarningsAndCarryClasstypeMetadataAndOwnSids() throws IOException {
        LoadedRules r = shipped();
        assertTrue(r.errorLines().isEmpty(), () -> "warnings: " + r.errorLines());
        assertEquals(r.total(), r.signatures().size());
        assertTrue(r.signatures().size() >= 60, "at least 60 shipped rules, got " + r.signatures().size());
        Set<Long> seen = new HashSet<>();
        for (Signature s : r.signatures()) {
            assertTrue(seen.add(s.sid()), "duplicate sid " + s.sid());
            assertTrue(s.sid() >= 9100001 && s.sid() <= 9199999, "sid outside Crowsnest's range: " + s.sid());
            assertTrue(s.msg().startsWith("CROWSNEST "), "msg prefix: " + s.sid());
            assertNotNull(s.classtype(), "classtype: " + s.sid());
            for (String k : List.of("attack_technique", "affected_component", "created_at")) {
                assertFalse(s.metadata().getOrDefault(k, List.of()).isEmpty(), "metadata " + k + ": " + s.sid());
            }
            assertTrue(s.metadata().get("attack_technique").get(0).matches("T\\d{4}(\\.\\d{3})?"), "ATT&CK id: " + s.sid());
        }
    }

    @Test
    void eachCategoryKeepsToItsOwnSidRange() throws IOException {
        Map<Long, String> blockOwner = new HashMap<>();
        List<RulesListCommand.Entry> entries = RulesListCommand.list(SharedData.projectRoot());
        assertEquals(shipped().signatures().size(), entries.size());
        for (RulesListCommand.Entry e : entries) {
            assertFalse(e.category().equals("uncategorised"), "no section comment above sid " + e.sid());
            String prev = blockOwner.putIfAbsent(e.sid() / 100, e.category());
            assertTrue(prev == null || prev.equals(e.category()), "sid " + e.sid() + " (" + e.category() + ") is in the range of " + prev);
        }
    }

    static Stream<String> benignCaptures() throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(SharedData.externalPcap("normal"))) {
            s.filter(p -> p.toString().endsWith(".pcap")).sorted().forEach(p -> out.add(p.toString()));
        }
        out.add(SharedData.projectRoot().resolve("pcaps/lab/benign.pcap").toString());
        out.add(SharedData.externalPcap("dns/zeek-dns-long-connection.pcap").toString());
        return out.stream();
    }

    @ParameterizedTest(name = "{0} raises no severity 1/2 alert")
    @MethodSource("benignCaptures")
    void benignCapturesRaiseNoSevereAlert(String pcap, @TempDir Path out) throws IOException {
        for (JsonNode a : replay(Path.of(pcap), out)) {
            assertTrue(a.path("alert").path("severity").asInt() > 2, () -> pcap + " raised " + a);
        }
    }
}
