package io.crowsnest.sensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crowsnest.behaviour.profile.Profile;
import io.crowsnest.sensor.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** replay with behavioural alerts and EVE flow records, baseline learn/diff, threshold flags — through the CLI. */
class BehaviourCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path lab = SharedData.projectRoot().resolve("pcaps/lab");

    private static List<JsonNode> eve(Path out, String type) throws IOException {
        List<JsonNode> l = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("eve.json"))) {
            JsonNode n = JSON.readTree(line);
            if (type.equals(n.path("event_type").asText())) {
                l.add(n);
            }
        }
        return l;
    }

    @Test
    void replayWritesBehaviouralAlertsThatExplainThemselves(@TempDir Path out) throws IOException {
        CliRun cli = new CliRun();
        assertEquals(0, cli.run("replay", "--no-default-rules", "--out", out.toString(), lab.resolve("port-scan.pcap").toString()), cli.err);
        assertTrue(cli.out.contains("behaviour: 401 flows"), cli.out);
        List<JsonNode> alerts = eve(out, "alert");
        assertEquals(2, alerts.size());
        JsonNode a = alerts.get(0);
        assertEquals(9203001, a.path("alert").path("signature_id").asInt());
        assertEquals("10.244.1.20", a.path("src_ip").asText());
        assertEquals("10.244.1.10", a.path("dest_ip").asText());
        JsonNode b = a.path("alert").path("behaviour");
        assertEquals("scan", b.path("detector").asText());
        assertEquals(60.0, b.path("window_s").asDouble());
        assertEquals(20, b.path("observed").asInt());
        assertEquals(20, b.path("threshold").asInt());
        assertTrue(b.has("baseline"));
        assertTrue(b.path("top_flows").get(0).asText().startsWith("10.244.1.20:45781 -> 10.244.1.10:"), b.toString());
        // the second pod's alert cites its own flows
        assertTrue(alerts.get(1).path("alert").path("behaviour").path("top_flows").get(0).asText().contains("-> 10.244.1.11:"));
    }

    @Test
    void noBehaviourTurnsTheDetectorsOffAndUnknownThresholdsAreUsageErrors(@TempDir Path out) throws IOException {
        CliRun cli = new CliRun();
        assertEquals(0, cli.run("replay", "--no-default-rules", "--no-behaviour", "--out", out.toString(), lab.resolve("port-scan.pcap").toString()));
        assertEquals(0, eve(out, "alert").size());
        assertEquals(2, cli.run("replay", "--behaviour-set", "scan.vertcal_ports=5", "--out", out.toString(), lab.resolve("port-scan.pcap").toString()));
        assertTrue(cli.err.contains("unknown threshold(s) [scan.vertcal_ports]"), cli.err);
        assertEquals(0, cli.run("replay", "--no-default-rules", "--behaviour-set", "scan.vertical_ports=500", "--out", out.resolve("b").toString(),
                lab.resolve("port-scan.pcap").toString()));
        assertEquals(0, eve(out.resolve("b"), "alert").size(), "a raised threshold silences the scan alert");
    }

    @Test
    void eveFlowRecordsCarrySuricatasFieldsAndTheEndReason(@TempDir Path out) throws IOException {
        CliRun cli = new CliRun();
        assertEquals(0, cli.run("replay", "--no-default-rules", "--eve-types", "flow", "--out", out.toString(),
                lab.resolve("redis-bruteforce.pcap").toString()), cli.err);
        List<JsonNode> flows = eve(out, "flow");
        assertEquals(7, flows.size());
        JsonNode redis = flows.stream().filter(f -> f.path("dest_port").asInt() == 6379).findFirst().orElseThrow();
        JsonNode f = redis.path("flow");
        assertEquals("redis", redis.path("app_proto").asText());
        assertTrue(f.path("pkts_toserver").asLong() > 0 && f.path("pkts_toclient").asLong() > 0);
        assertTrue(f.path("bytes_toserver").asLong() > f.path("pkts_toserver").asLong() * 54);
        assertTrue(f.has("start") && f.has("end") && f.has("age"));
        assertEquals("shutdown", f.path("reason").asText());
        assertEquals("1b", f.path("tcp").path("tcp_flags_ts").asText()); // SYN|ACK|PSH|FIN from the client
    }

    @Test
    void baselineLearnWritesAProfileAndDiffReportsChanges(@TempDir Path dir) throws IOException {
        CliRun cli = new CliRun();
        Path a = dir.resolve("a.yaml"), b = dir.resolve("b.yaml");
        assertEquals(0, cli.run("baseline", "learn", "--out", a.toString(), lab.resolve("benign.pcap").toString()), cli.err);
        assertTrue(cli.out.startsWith("profile: "), cli.out);
        Profile p = Profile.read(a);
        assertTrue(p.workload("10.244.1.20") != null, Files.readString(a));
        assertTrue(p.learnedFrom.contains("benign.pcap"));
        assertEquals(0, cli.run("baseline", "learn", "-o", b.toString(), lab.resolve("benign.pcap").toString()));
        assertEquals(0, cli.run("baseline", "diff", a.toString(), b.toString()), cli.out);
        assertEquals("", cli.out);
        p.workload("10.244.1.20").talksTo.add("10.244.1.13 tcp/2222");
        p.write(b);
        assertEquals(1, cli.run("baseline", "diff", a.toString(), b.toString()));
        assertEquals("+ 10.244.1.20 talks_to: 10.244.1.13 tcp/2222\n", cli.out);
        Files.writeString(b, "version: 2\n");
        assertEquals(2, cli.run("baseline", "diff", a.toString(), b.toString()));
        assertTrue(cli.err.contains("unsupported profile version 2"), cli.err);
        assertEquals(2, cli.run("baseline", "learn", "--out", a.toString()));
        assertEquals(2, cli.run("replay", "--baseline", b.toString(), lab.resolve("benign.pcap").toString()));
        assertTrue(cli.err.contains("--baseline: "), cli.err);
    }
}
