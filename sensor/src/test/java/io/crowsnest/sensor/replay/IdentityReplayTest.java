package io.crowsnest.sensor.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crowsnest.identity.IpKey;
import io.crowsnest.identity.Workload;
import io.crowsnest.identity.history.IdentityHistory;
import io.crowsnest.sensor.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replay with a recorded identity file: both ends of an alert are named as of the packet's time. */
class IdentityReplayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = 1_795_000_000L * 1_000_000_000L; // the demo capture starts just after

    @Test
    void alertsNameThePodsIncludingOneThatDiedBeforeTheAlertWasRead(@TempDir Path dir) throws IOException {
        IdentityHistory h = new IdentityHistory(Long.MAX_VALUE, 1000);
        Workload attacker = new Workload(Workload.Kind.POD, "shop", "debug-7f9c", "shell", "4f1c0d2e9a8b", "busybox:1.36",
                Map.of("app", "debug"), "node-a", null);
        Workload web = new Workload(Workload.Kind.POD, "shop", "web-5d8f", "web", "9a8b7c6d5e4f", "shop/web:2.1",
                Map.of("app", "web", "tier", "front"), "node-a", "Deployment/web");
        // the attacker pod held 10.244.1.66 for one second of the capture and was deleted afterwards
        h.open(IpKey.parse("10.244.1.66"), attacker, T0);
        h.close(IpKey.parse("10.244.1.66"), attacker, T0 + 1_000_000_000L);
        // then the address was reused by another pod: alerts of the capture must not take its name
        h.open(IpKey.parse("10.244.1.66"), new Workload(Workload.Kind.POD, "shop", "later-pod", null, null, null, null,
                "node-a", null), T0 + 2_000_000_000L);
        h.open(IpKey.parse("10.244.1.10"), web, T0);
        h.open(IpKey.parse("10.244.1.1"), Workload.host("node-a"), T0);
        Path identity = dir.resolve("identity.jsonl");
        h.save(identity);

        ReplayOptions o = new ReplayOptions();
        o.files.add(SharedData.projectRoot().resolve("pcaps/demo-container-attacks.pcap"));
        o.identityFile = identity;
        o.outDir = dir.resolve("out");
        ReplayResult r = new ReplayRunner(o, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run();
        assertEquals(0, r.exitCode, r.inputErrors.toString());

        boolean sawLog4Shell = false, sawDocker = false;
        for (String line : Files.readAllLines(o.outDir.resolve("eve.json"))) {
            JsonNode a = JSON.readTree(line);
            long sid = a.path("alert").path("signature_id").asLong();
            if (sid == 9100001 && "10.244.1.66".equals(a.path("src_ip").asText())) {
                sawLog4Shell = true;
                assertEquals("debug-7f9c", a.path("src_workload").path("pod").asText(), line);
                assertEquals("shop", a.path("src_workload").path("namespace").asText());
                assertEquals("busybox:1.36", a.path("src_workload").path("image").asText());
                assertEquals("debug", a.path("src_workload").path("labels").path("app").asText());
                assertEquals("web-5d8f", a.path("dest_workload").path("pod").asText());
                assertEquals("Deployment/web", a.path("dest_workload").path("owner").asText());
                assertFalse(a.path("dest_workload").has("<NA>"));
            }
            if (sid == 9100101) {
                sawDocker = true;
                assertEquals("host", a.path("dest_workload").path("kind").asText(), line);
                assertEquals("node-a", a.path("dest_workload").path("node").asText());
                assertFalse(a.path("dest_workload").has("pod"), "missing facts are omitted: " + line);
            }
            if ("10.244.2.30".equals(a.path("src_ip").asText())) {
                assertFalse(a.has("src_workload"), "an address with no known holder has no workload: " + line);
            }
        }
        assertTrue(sawLog4Shell && sawDocker);
    }

    @Test
    void aMissingIdentityFileIsAnInputError(@TempDir Path dir) throws IOException {
        ReplayOptions o = new ReplayOptions();
        o.files.add(SharedData.projectRoot().resolve("pcaps/demo-container-attacks.pcap"));
        o.identityFile = dir.resolve("nope.jsonl");
        o.outDir = dir.resolve("out");
        ReplayResult r = new ReplayRunner(o, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run();
        assertEquals(1, r.exitCode);
        assertTrue(r.inputErrors.get(0).contains("nope.jsonl"), r.inputErrors.toString());
    }

    @Test
    void rulesMatchOnWhoHeldTheAddressAtThePacketTime(@TempDir Path dir) throws IOException {
        IdentityHistory h = new IdentityHistory(Long.MAX_VALUE, 1000);
        h.open(IpKey.parse("10.244.1.66"), new Workload(Workload.Kind.POD, "shop", "debug-7f9c", "shell", null, "busybox:1.36",
                Map.of("app", "debug"), "node-a", null), T0);
        h.open(IpKey.parse("10.244.1.10"), new Workload(Workload.Kind.POD, "shop", "web-5d8f", "web", null, "shop/web:2.1",
                Map.of("app", "web"), "node-a", "Deployment/web"), T0);
        Path identity = dir.resolve("identity.jsonl");
        h.save(identity);
        Path rules = dir.resolve("workload.rules");
        Files.writeString(rules, String.join("\n",
                "alert tcp any any -> any any (msg:\"debug pod talks to the web deployment\"; flow:to_server,established;"
                        + " workload:src label app=debug; workload:dst owner Deployment/web; sid:7000001;)",
                "alert tcp any any -> any any (msg:\"never: source is not in kube-system\"; flow:to_server,established;"
                        + " workload:src namespace kube-system; sid:7000002;)",
                "alert tcp any any -> any any (msg:\"to an unnamed destination\"; flow:to_server,established;"
                        + " workload:src namespace shop; workload:dst kind !pod; sid:7000003;)", ""));
        ReplayOptions o = new ReplayOptions();
        o.files.add(SharedData.projectRoot().resolve("pcaps/demo-container-attacks.pcap"));
        o.identityFile = identity;
        o.defaultRules = false;
        o.behaviour = false;
        o.ruleFiles.add(rules);
        o.eveTypes.add("flow");
        o.outDir = dir.resolve("out");
        ReplayResult r = new ReplayRunner(o, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run();
        assertEquals(0, r.exitCode, r.inputErrors + " " + r.ruleErrors);
        assertTrue(r.ruleErrors.isEmpty(), r.ruleErrors.toString());
        java.util.Set<String> seen = new java.util.TreeSet<>();
        boolean namedFlow = false;
        for (String line : Files.readAllLines(o.outDir.resolve("eve.json"))) {
            JsonNode a = JSON.readTree(line);
            if ("flow".equals(a.path("event_type").asText())) {
                // flow records name both ends too
                if ("10.244.1.66".equals(a.path("src_ip").asText()) && "10.244.1.10".equals(a.path("dest_ip").asText())) {
                    assertEquals("debug-7f9c", a.path("src_workload").path("pod").asText(), line);
                    assertEquals("Deployment/web", a.path("dest_workload").path("owner").asText(), line);
                    namedFlow = true;
                }
                continue;
            }
            seen.add(a.path("alert").path("signature_id").asText() + " " + a.path("src_ip").asText() + " -> " + a.path("dest_ip").asText());
        }
        assertTrue(namedFlow, "a flow record between the two pods names them");
        assertTrue(seen.contains("7000001 10.244.1.66 -> 10.244.1.10"), seen.toString());
        assertFalse(seen.stream().anyMatch(x -> x.startsWith("7000002")), seen.toString());
        assertTrue(seen.stream().anyMatch(x -> x.startsWith("7000003 10.244.1.66 -> ") && !x.endsWith("10.244.1.10")), seen.toString());
        assertFalse(seen.stream().anyMatch(x -> x.startsWith("7000001") && !x.equals("7000001 10.244.1.66 -> 10.244.1.10")), seen.toString());
    }
}
