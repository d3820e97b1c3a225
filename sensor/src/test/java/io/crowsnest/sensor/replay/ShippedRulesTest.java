package io.crowsnest.sensor.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The shipped rules, proven by captures: exact counts on the bundled demo, named sids on external captures. */
class ShippedRulesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static List<JsonNode> replay(Path pcap, Path out) throws IOException {
        ReplayOptions o = new ReplayOptions();
        o.files.add(pcap);
        o.outDir = out;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ReplayResult r = new ReplayRunner(o, new PrintStream(err, true, StandardCharsets.UTF_8)).run();
        assertEquals(0, r.exitCode, () -> "replay failed: " + err);
        assertTrue(r.ruleErrors.isEmpty(), () -> "shipped rules must load without warnings: " + r.ruleErrors);
        List<JsonNode> alerts = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("eve.json"))) {
            JsonNode n = JSON.readTree(line);
            if ("alert".equals(n.path("event_type").asText())) {
                alerts.add(n);
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

    @Test
    void demoCaptureRaisesExactlyTheExpectedAlerts(@TempDir Path out) throws IOException {
        Path root = SharedData.projectRoot();
        JsonNode expected = JSON.readTree(root.resolve("pcaps/demo-container-attacks.expected.json").toFile());
        List<JsonNode> alerts = replay(root.resolve("pcaps/demo-container-attacks.pcap"), out);
        Map<Long, Long> want = new TreeMap<>();
        for (JsonNode a : expected.path("alerts")) {
            want.put(a.path("sid").asLong(), a.path("count").asLong());
        }
        assertEquals(want, bySid(alerts));
        assertEquals(expected.path("total_alerts").asLong(), alerts.size());
    }

    @Test
    void demoAlertsCarrySuricataEveFieldsAndTheTunnel(@TempDir Path out) throws IOException {
        List<JsonNode> alerts = replay(SharedData.projectRoot().resolve("pcaps/demo-container-attacks.pcap"), out);
        JsonNode docker = alerts.stream().filter(a -> a.path("alert").path("signature_id").asLong() == 9100101).findFirst().orElseThrow();
        assertEquals("10.244.1.66", docker.path("src_ip").asText());
        assertEquals(41002, docker.path("src_port").asInt());
        assertEquals("10.244.1.1", docker.path("dest_ip").asText());
        assertEquals(2375, docker.path("dest_port").asInt());
        assertEquals("TCP", docker.path("proto").asText());
        assertEquals("to_server", docker.path("direction").asText());
        assertTrue(docker.path("flow_id").asLong() > 0);
        assertTrue(docker.path("pcap_cnt").asLong() > 0);
        assertTrue(docker.path("timestamp").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+0000"));
        JsonNode a = docker.path("alert");
        assertEquals("allowed", a.path("action").asText());
        assertEquals(1, a.path("gid").asInt());
        assertEquals(1, a.path("rev").asInt());
        assertEquals("Attempted Administrator Privilege Gain", a.path("category").asText());
        assertEquals(1, a.path("severity").asInt());
        assertEquals("T1610", a.path("metadata").path("attack_technique").path(0).asText());

        JsonNode overlay = alerts.stream().filter(n -> n.has("tunnel")).findFirst().orElseThrow();
        assertEquals(9100001, overlay.path("alert").path("signature_id").asLong());
        assertEquals("10.244.2.30", overlay.path("src_ip").asText());
        assertEquals("10.244.1.10", overlay.path("dest_ip").asText());
        JsonNode t = overlay.path("tunnel");
        assertEquals("192.168.56.11", t.path("src_ip").asText());
        assertEquals("192.168.56.10", t.path("dest_ip").asText());
        assertEquals(8472, t.path("dest_port").asInt());
        assertEquals("VXLAN", t.path("type").asText());
        assertEquals(1, t.path("vni").asInt());
    }

    @ParameterizedTest(name = "{0} -> sid {1}")
    @CsvSource({
        "log4shell/foxit-ldap-user-agent-ev0.pcap, 9100002",
        "log4shell/foxit-rmi-x-api-version-ev0.pcap, 9100002",
        "log4shell/foxit-ldap-uri-params-ev1.pcap, 9100003",
        "log4shell/ndpi-log4j-webapp-exploit.pcap, 9100003",
        "container-api/zeek-docker-http-upgrade.pcap, 9100101",
        "cryptominer/ndpi-mining.pcap, 9100301",
        "cryptominer/ndpi-mining.pcap, 9100302",
        "dns-tunnel/ndpi-dns-exfiltration.pcap, 9100401",
        "dns-tunnel/ndpi-dns-tunnel-iodine.pcap, 9100402",
    })
    void externalCaptureRaisesTheShippedRule(String pcap, long sid, @TempDir Path out) throws IOException {
        Map<Long, Long> got = bySid(replay(SharedData.externalPcap(pcap), out));
        assertTrue(got.getOrDefault(sid, 0L) > 0, () -> pcap + " should raise sid " + sid + ", got " + got);
    }

    @ParameterizedTest(name = "{0} is quiet")
    @CsvSource({"normal/zeek-http-get.pcap", "normal/zeek-tls-chrome-34-google.pcap", "normal/ndpi-dns.pcap",
        "dns/zeek-dns-long-connection.pcap"})
    void benignCapturesRaiseNoSevereAlert(String pcap, @TempDir Path out) throws IOException {
        for (JsonNode a : replay(SharedData.externalPcap(pcap), out)) {
            assertTrue(a.path("alert").path("severity").asInt() > 2, () -> pcap + " raised " + a);
        }
    }
}
