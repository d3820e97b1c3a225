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
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Fox-IT's public Log4Shell ruleset over the Log4Shell captures, with EXTERNAL_NET=any (the
 * attackers sit in private ranges, as they do between containers). The sids and counts each
 * capture raises, through the app layer (HTTP headers/URIs) and the packet rules (LDAP bind,
 * JRMI, class download).
 */
class FoxItLog4ShellTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "foxit-ldap-user-agent-ev0.pcap | 21003732=1 21003738=1 21003742=1 21003750=1",
        "foxit-ldap-uri-params-ev1.pcap | 21003738=1 21003742=1 21003750=1",
        "foxit-rmi-x-api-version-ev0.pcap | 21003732=1 21003739=1",
        "ndpi-log4j-webapp-exploit.pcap | 21003738=1 21003742=1 21003750=1",
    })
    void foxItRulesAlertOnEveryAttempt(String pcap, String expected, @TempDir Path out) throws IOException {
        ReplayOptions o = new ReplayOptions();
        o.files.add(SharedData.externalPcap("log4shell/" + pcap));
        o.ruleFiles.add(SharedData.shared().resolve("rulesets/fox-it-log4shell/log4shell-suricata.rules"));
        o.defaultRules = false;
        o.variables.put("EXTERNAL_NET", "any");
        o.outDir = out;
        ReplayResult r = new ReplayRunner(o, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run();
        assertEquals(0, r.exitCode);
        // two rules in the file are malformed (a missing ':' after "reference", a stray ':' after ')')
        assertEquals(2, r.ruleErrors.size(), r.ruleErrors.toString());
        Map<Long, Long> got = new TreeMap<>();
        for (String line : Files.readAllLines(out.resolve("eve.json"))) {
            JsonNode n = JSON.readTree(line);
            got.merge(n.path("alert").path("signature_id").asLong(), 1L, Long::sum);
        }
        Map<Long, Long> want = new TreeMap<>();
        for (String kv : expected.trim().split("\\s+")) {
            String[] p = kv.split("=");
            want.put(Long.parseLong(p[0]), Long.parseLong(p[1]));
        }
        assertEquals(want, got, pcap);
        assertTrue(got.keySet().stream().anyMatch(sid -> sid == 21003732 || sid == 21003738 || sid == 21003739));
    }
}
