package io.crowsnest.sensor.behaviour;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.behaviour.BehaviourContext;
import io.crowsnest.behaviour.Detectors;
import io.crowsnest.behaviour.evaluation.Evaluation;
import io.crowsnest.behaviour.evaluation.Labels;
import io.crowsnest.behaviour.profile.Profile;
import io.crowsnest.decoders.DecoderConfig;
import io.crowsnest.sensor.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The behavioural detectors against the lab's labelled captures (pcaps/lab/behaviour, recorded with real
 * services in network namespaces by pcaps/lab/behaviour.sh; replaying them needs no root): a profile is
 * learned from the 10-minute benign capture, every capture is replayed with it through the real pipeline,
 * and the alerts are scored against the labels. Every detector must find ≥ 90 % of its labelled attacks
 * and the benign captures must raise no behavioural alert. The report (per detector and per capture) is
 * written to sensor/target/behaviour-evaluation.txt.
 */
class BehaviourLabEvaluationTest {
    private static final Path LAB = SharedData.projectRoot().resolve("pcaps/lab/behaviour");

    @Test
    void everyDetectorFindsItsLabelledAttacksAndBenignTrafficIsQuiet() throws IOException {
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
        Profile baseline = BehaviourReplay.learn(List.of(LAB.resolve("benign-learn.pcap")), null, true,
                DecoderConfig.ChecksumMode.AUTO, err);
        assertNotNull(baseline, errBytes::toString);
        assertTrue(baseline.seconds >= 600, "the benign capture spans at least 10 minutes: " + baseline.seconds);

        List<String> detectors = new ArrayList<>();
        Detectors.all(BehaviourContext.defaults()).forEach(d -> detectors.add(d.name()));
        Evaluation withBaseline = new Evaluation(detectors), without = new Evaluation(detectors);
        StringBuilder perCapture = new StringBuilder();
        List<String> benignAlerts = new ArrayList<>();
        List<Path> labelFiles;
        try (Stream<Path> s = Files.list(LAB)) {
            labelFiles = s.filter(p -> p.getFileName().toString().endsWith(".labels.json")).sorted().toList();
        }
        TreeSet<String> kinds = new TreeSet<>();
        for (Path lf : labelFiles) {
            Labels labels = Labels.read(lf);
            Path pcap = LAB.resolve(labels.capture);
            BehaviourReplay.Run run = BehaviourReplay.detect(pcap, baseline, null, true, err);
            assertEquals(0, run.result.exitCode, () -> pcap + ": " + errBytes);
            withBaseline.score(labels.capture, labels, run.alerts);
            BehaviourReplay.Run bare = BehaviourReplay.detect(pcap, null, null, true, err);
            without.score(labels.capture, labels, bare.alerts);
            labels.attacks.forEach(a -> kinds.add(a.kind));
            perCapture.append(String.format("%-24s %8d packets %3d labelled %3d alerts with the baseline, %3d without%n",
                    labels.capture, run.result.packets, labels.attacks.size(), run.alerts.size(), bare.alerts.size()));
            if (labels.attacks.isEmpty()) {
                run.alerts.forEach(a -> benignAlerts.add(labels.capture + ": " + a));
            }
        }
        StringBuilder report = new StringBuilder();
        report.append("Behavioural detection on the lab captures (pcaps/lab/behaviour), profile learned from benign-learn.pcap\n\n");
        report.append(withBaseline.table()).append('\n');
        withBaseline.scores().forEach((d, sc) -> {
            sc.missed.forEach(m -> report.append("missed (").append(d).append("): ").append(m).append('\n'));
            sc.falseAlerts.forEach(m -> report.append("false positive (").append(d).append("): ").append(m).append('\n'));
        });
        report.append("\nper capture:\n").append(perCapture);
        report.append("\nfor comparison, without a baseline (lateral is off; beacon has no periodic-edge exemptions):\n");
        report.append(without.table());
        Path out = SharedData.projectRoot().resolve("sensor/target/behaviour-evaluation.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        System.out.println(report);

        assertEquals(new TreeSet<>(detectors), kinds, "every detector has labelled lab scenarios");
        assertEquals(List.of(), benignAlerts, "benign captures raise no behavioural alert");
        for (Map.Entry<String, Evaluation.Score> e : withBaseline.scores().entrySet()) {
            Evaluation.Score s = e.getValue();
            assertTrue(s.recall() != null && s.recall() >= 0.9,
                    e.getKey() + ": recall " + s.recall() + " below 90 %; missed " + s.missed + "\n" + report);
        }
    }
}
