package io.crowsnest.sensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.sensor.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replay command's contract: exit codes, messages on bad input, and no alert lost before damage. */
class ReplayCommandTest {
    private final CliRun cli = new CliRun();
    private String out;
    private String err;

    private int run(String... args) {
        try {
            return cli.run(args);
        } finally {
            out = cli.out;
            err = cli.err;
        }
    }

    private static Path demo() {
        return SharedData.projectRoot().resolve("pcaps/demo-container-attacks.pcap");
    }

    @Test
    void demoReplayPrintsASummaryAndExitsZero(@TempDir Path dir) {
        int code = run("replay", demo().toString(), "--out", dir.toString());
        assertEquals(0, code, err);
        assertTrue(out.contains("packets:  65 "), out);
        assertTrue(out.contains("sid 9100001"), out);
        assertTrue(Files.exists(dir.resolve("eve.json")));
    }

    @Test
    void truncatedCaptureKeepsEarlierAlertsNamesTheOffsetAndExitsOne(@TempDir Path dir) throws IOException {
        byte[] all = Files.readAllBytes(demo());
        // cut inside the last third: the Log4Shell, Docker API and shell sessions come before
        Path cut = dir.resolve("cut.pcap");
        Files.write(cut, Arrays.copyOf(all, all.length * 4 / 5));
        int code = run("replay", cut.toString(), "--out", dir.resolve("out").toString());
        assertEquals(1, code, err);
        assertTrue(err.contains("cut.pcap") && err.contains("byte offset"), err);
        String eve = Files.readString(dir.resolve("out/eve.json"));
        assertTrue(eve.contains("\"signature_id\":9100101"), "alerts before the damage are written: " + eve);
    }

    @Test
    void missingCaptureExitsOne(@TempDir Path dir) {
        int code = run("replay", dir.resolve("nope.pcap").toString(), "--out", dir.toString());
        assertEquals(1, code);
        assertTrue(err.contains("nope.pcap") && err.contains("no such file"), err);
    }

    @Test
    void brokenRuleWarnsWithFileLineAndSidAndStrictExitsTwo(@TempDir Path dir) throws IOException {
        Path rules = dir.resolve("local.rules");
        Files.writeString(rules, "# local rules\n"
                + "alert tcp any any -> any any (msg:\"ok\"; content:\"containers/create\"; sid:1000001; rev:1;)\n"
                + "alert tcp any any -> any any (msg:\"broken\"; frobnicate:3; sid:1000002; rev:1;)\n");
        int code = run("replay", demo().toString(), "--rules", rules.toString(), "--no-default-rules",
                "--out", dir.resolve("a").toString());
        assertEquals(0, code, err);
        assertTrue(err.contains("local.rules:3") && err.contains("1000002") && err.contains("frobnicate"), err);
        assertTrue(out.contains("sid 1000001"), out);

        code = run("replay", demo().toString(), "--rules", rules.toString(), "--strict", "--out", dir.resolve("b").toString());
        assertEquals(2, code, err);
    }

    @Test
    void rulesDirectoryLoadsItsRuleFilesAndAMissingOneIsAUsageError(@TempDir Path dir) throws IOException {
        Path rules = Files.createDirectories(dir.resolve("rules.d"));
        Files.writeString(rules.resolve("a.rules"),
                "alert tcp any any -> any any (msg:\"a\"; content:\"containers/create\"; sid:1000001; rev:1;)\n");
        Files.writeString(rules.resolve("b.rules"),
                "alert tcp any any -> any any (msg:\"b\"; content:\"jndi:ldap\"; nocase; sid:1000002; rev:1;)\n");
        Files.writeString(rules.resolve("notes.txt"), "not a rule file, ignored\n");
        int code = run("replay", demo().toString(), "--rules", rules.toString(), "--no-default-rules",
                "--out", dir.resolve("a").toString());
        assertEquals(0, code, err);
        assertTrue(out.contains("2 loaded"), out);
        assertTrue(out.contains("sid 1000001") && out.contains("sid 1000002"), out);

        code = run("replay", demo().toString(), "--rules", dir.resolve("missing.rules").toString(),
                "--out", dir.resolve("b").toString());
        assertEquals(2, code, err);
        assertTrue(err.contains("--rules") && err.contains("missing.rules: no such rule file or directory"), err);
        assertTrue(!err.contains("\tat "), "no stack trace: " + err);
    }

    @Test
    void usageErrorsExitTwo(@TempDir Path dir) {
        assertEquals(2, run("replay", demo().toString(), "--checksum", "sometimes", "--out", dir.toString()));
        assertTrue(err.contains("--checksum"), err);
        assertEquals(2, run("replay"));
        assertEquals(2, run("replay", demo().toString(), "--workers", "0"));
        assertEquals(2, run("frobnicate"));
    }

    @Test
    void setOverridesRuleVariables(@TempDir Path dir) throws IOException {
        Path rules = dir.resolve("vars.rules");
        Files.writeString(rules, "alert tcp $EXTERNAL_NET any -> $HOME_NET 2375 (msg:\"ext to docker\"; content:\"containers/create\"; sid:1000010;)\n");
        // with Suricata's defaults 10.244.0.0/16 is HOME_NET, so the pod-to-node call is not external
        run("replay", demo().toString(), "--rules", rules.toString(), "--no-default-rules", "--out", dir.resolve("a").toString());
        assertTrue(!out.contains("sid 1000010"), out);
        run("replay", demo().toString(), "--rules", rules.toString(), "--no-default-rules", "--set", "EXTERNAL_NET=any",
                "--out", dir.resolve("b").toString());
        assertTrue(out.contains("sid 1000010"), out);
    }

    @Test
    void thresholdFileSuppressesASignature(@TempDir Path dir) throws IOException {
        Path tf = dir.resolve("threshold.config");
        Files.writeString(tf, "# quiet the Log4Shell rule for the scanner pod\n"
                + "suppress gen_id 1, sig_id 9100001, track by_src, ip 10.244.1.66\n");
        assertEquals(0, run("replay", demo().toString(), "--threshold-file", tf.toString(), "--out", dir.resolve("a").toString()), err);
        String eve = Files.readString(dir.resolve("a/eve.json"));
        // one Log4Shell alert remains: the one from 10.244.2.30 across the overlay
        assertEquals(1, eve.split("\"signature_id\":9100001", -1).length - 1, eve);

        Files.writeString(tf, "suppress gen_id 1, sig_id nine\n");
        assertEquals(2, run("replay", demo().toString(), "--threshold-file", tf.toString(), "--out", dir.resolve("b").toString()));
        assertTrue(err.contains("threshold.config") && err.contains("1"), err);
    }

    @Test
    void replayAlertsNameTheRulesetLikeALiveSensorWould(@TempDir Path dir) throws Exception {
        Path rules = dir.resolve("local.rules");
        Files.writeString(rules, "alert tcp any any -> any any (msg:\"any syn\"; flags:S; sid:1;)\n");
        CliRun cli = new CliRun();
        Path pcap = SharedData.projectRoot().resolve("pcaps/demo-container-attacks.pcap");
        assertEquals(0, cli.run("replay", "--no-behaviour", "--rules", rules.toString(), "--out", dir.resolve("o").toString(), pcap.toString()));
        String expected = io.crowsnest.sensor.reload.RuleSetBuilder.build(new io.crowsnest.sensor.reload.RuleSetBuilder.Sources(
                true, java.util.List.of(rules), java.util.Map.of()), null).hash();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        java.util.List<String> lines = Files.readAllLines(dir.resolve("o/eve.json"));
        assertTrue(lines.size() > 1);
        for (String line : lines) {
            assertEquals(expected, json.readTree(line).path("alert").path("ruleset").path("hash").asText(), line);
        }
        // another rule file: another hash
        Files.writeString(rules, "alert tcp any any -> any any (msg:\"any syn\"; flags:S; sid:2;)\n");
        assertEquals(0, cli.run("replay", "--no-behaviour", "--rules", rules.toString(), "--out", dir.resolve("p").toString(), pcap.toString()));
        String other = json.readTree(Files.readAllLines(dir.resolve("p/eve.json")).get(0)).path("alert").path("ruleset").path("hash").asText();
        assertTrue(!other.equals(expected) && other.length() == 12, other);
    }
}
