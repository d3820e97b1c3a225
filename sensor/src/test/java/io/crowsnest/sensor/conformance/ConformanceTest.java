package io.crowsnest.sensor.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crowsnest.decoders.DecoderConfig;
import io.crowsnest.sensor.SharedData;
import io.crowsnest.sensor.replay.ReplayOptions;
import io.crowsnest.sensor.replay.ReplayResult;
import io.crowsnest.sensor.replay.ReplayRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs suricata-verify tests from {@code ../shared/conformance} through the real replay path
 * (files → reader → decoder → ring → workers → EVE file) and compares per-sid alert counts
 * with the reference engine's. Prints the pass rate per category and every failure by name
 * and reason; writes the same to {@code sensor/target/conformance-report.txt}.
 */
class ConformanceTest {
    /** The categories the offline-replay foundation is held to, and its bar. */
    static final Set<String> CORE = Set.of("header", "content", "pcre", "byte-ops", "flowbits", "threshold");
    static final double CORE_BAR = 0.95;
    /**
     * The public-conformance bars of issue 5: the http-evader family (301 response-body evasions) on its own,
     * everything else together. The issue asks 90 % of http-evader; the bar is what the parser reached
     * (301/301), so that a lost evasion fails here.
     */
    static final String EVADER = "http-evader";
    static final double EVADER_BAR = 1.00;
    static final double OTHERS_BAR = 0.95;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void conformanceMeetsTheBars(@TempDir Path tmp) throws IOException {
        Path suite = SharedData.shared().resolve("conformance/suricata-verify");
        // -Dconformance.category=NAME runs one category only (to iterate fast); the bars are then not asserted
        String only = System.getProperty("conformance.category", "");
        List<ConformanceCase> cases = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(suite)) {
            for (Path d : dirs.filter(Files::isDirectory).sorted().collect(Collectors.toList())) {
                ConformanceCase c = new ConformanceCase(d, json);
                if (only.isEmpty() || only.equals(c.category)) {
                    cases.add(c);
                }
            }
        }
        Map<String, int[]> perCategory = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        int corePassed = 0, coreTotal = 0;
        for (ConformanceCase c : cases) {
            String reason = run(c, tmp.resolve(c.name));
            int[] pr = perCategory.computeIfAbsent(c.category, k -> new int[2]);
            pr[1]++;
            if (reason == null) {
                pr[0]++;
            } else {
                failures.add(c.category + "/" + c.name + ": " + reason);
            }
            if (CORE.contains(c.category)) {
                coreTotal++;
                if (reason == null) {
                    corePassed++;
                }
            }
        }
        StringBuilder report = new StringBuilder("suricata-verify conformance (per-sid alert counts)\n");
        perCategory.forEach((cat, pr) -> report.append(String.format("  %-12s %3d/%3d  %5.1f%%%s%n", cat, pr[0], pr[1],
                100.0 * pr[0] / pr[1], CORE.contains(cat) ? "" : "  (app layer)")));
        report.append(String.format("  core categories: %d/%d = %.1f%% (bar %.0f%%)%n", corePassed, coreTotal,
                100.0 * corePassed / coreTotal, CORE_BAR * 100));
        int[] evader = perCategory.getOrDefault(EVADER, new int[2]);
        int othersPassed = -evader[0], othersTotal = -evader[1];
        for (int[] pr : perCategory.values()) {
            othersPassed += pr[0];
            othersTotal += pr[1];
        }
        report.append(String.format("  %s: %d/%d = %.1f%% (bar %.0f%%); all others: %d/%d = %.1f%% (bar %.0f%%)%n",
                EVADER, evader[0], evader[1], 100.0 * evader[0] / evader[1], EVADER_BAR * 100, othersPassed,
                othersTotal, 100.0 * othersPassed / othersTotal, OTHERS_BAR * 100));
        report.append("failures:\n");
        for (String f : failures) {
            if (CORE.contains(f.substring(0, f.indexOf('/')))) {
                report.append("  ").append(f).append('\n');
            }
        }
        long other = failures.stream().filter(f -> !CORE.contains(f.substring(0, f.indexOf('/')))).count();
        report.append("  (+").append(other).append(" failures in app-layer categories: see sensor/target/conformance-report.txt)\n");
        System.out.print(report);
        StringBuilder full = new StringBuilder(report);
        full.append("all failures:\n");
        failures.forEach(f -> full.append("  ").append(f).append('\n'));
        Path target = SharedData.projectRoot().resolve("sensor/target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("conformance-report.txt"), full.toString());
        if (!only.isEmpty()) {
            return;
        }
        assertTrue(coreTotal >= 17, "expected the 17 core-category tests, found " + coreTotal);
        assertTrue(corePassed >= Math.ceil(CORE_BAR * coreTotal),
                "core conformance " + corePassed + "/" + coreTotal + " is under the bar\n" + report);
        assertTrue(evader[1] >= 301, "expected the 301 http-evader tests, found " + evader[1]);
        assertTrue(evader[0] >= Math.ceil(EVADER_BAR * evader[1]),
                "http-evader conformance " + evader[0] + "/" + evader[1] + " is under the bar\n" + report);
        assertTrue(othersPassed >= Math.ceil(OTHERS_BAR * othersTotal),
                "conformance outside http-evader " + othersPassed + "/" + othersTotal + " is under the bar\n" + report);
    }

    /** Replays one case; returns null when it passes, else the reason. */
    private String run(ConformanceCase c, Path out) throws IOException {
        ReplayOptions o = new ReplayOptions();
        o.files.add(c.dir.resolve("input.pcap"));
        o.ruleFiles.add(c.dir.resolve("test.rules"));
        o.defaultRules = false;
        o.outDir = out;
        o.checksum = c.checksumValidation ? DecoderConfig.ChecksumMode.AUTO : DecoderConfig.ChecksumMode.NONE;
        o.midstream = c.midstream;
        o.workers = 2;
        o.ringSize = 256;
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        ReplayResult r;
        try (PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8)) {
            r = new ReplayRunner(o, err).run();
        } catch (RuntimeException e) {
            return "crashed: " + e;
        }
        if (r.exitCode != 0) {
            return "exit " + r.exitCode + ": " + String.join("; ", r.inputErrors);
        }
        Map<Long, Long> got = new TreeMap<>();
        long total = 0;
        Path eve = out.resolve("eve.json");
        if (Files.exists(eve)) {
            for (String line : Files.readAllLines(eve)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = json.readTree(line);
                if ("alert".equals(n.path("event_type").asText())) {
                    total++;
                    if (n.path("alert").path("gid").asLong() == 1) {
                        got.merge(n.path("alert").path("signature_id").asLong(), 1L, Long::sum);
                    }
                }
            }
        }
        List<String> diffs = new ArrayList<>();
        for (Map.Entry<Long, Long> e : c.expected.entrySet()) {
            long g = got.getOrDefault(e.getKey(), 0L);
            if (g != e.getValue()) {
                diffs.add("sid " + e.getKey() + " expected " + e.getValue() + " got " + g);
            }
        }
        if (c.totalAlerts != null && c.totalAlerts != total) {
            diffs.add("total expected " + c.totalAlerts + " got " + total);
        }
        if (diffs.isEmpty()) {
            return null;
        }
        if (!r.ruleErrors.isEmpty()) {
            diffs.add("rules refused: " + r.ruleErrors.size() + " (first: " + r.ruleErrors.get(0) + ")");
        }
        return String.join(", ", diffs);
    }
}
