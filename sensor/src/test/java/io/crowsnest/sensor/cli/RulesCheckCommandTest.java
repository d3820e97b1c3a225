package io.crowsnest.sensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code crowsnest rules check}, run in-process on small rule files. */
class RulesCheckCommandTest {
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

    static final String GOOD = "alert tcp any any -> any 80 (msg:\"a\"; content:\"evil\"; sid:1; rev:1;)\n"
            + "# alert tcp any any -> any any (msg:\"disabled\"; sid:99;)\n"
            + "alert udp any any -> any 53 (msg:\"b\"; content:\"x\"; sid:2;)\n";
    static final String BROKEN = "alert tcp any any -> any any (msg:\"c\"; bogus; sid:10;)\n"
            + "alert tcp any any -> any any (msg:\"d\"; content:\"ab\"; depth:1; sid:11;)\n"
            + "alert tcp any any -> any any (msg:\"e\"; bogus:1; sid:12;)\n"
            + "alert tcp any any -> any any (msg:\"ok\"; content:\"fine\"; sid:13;)\n";
    /** One rule on a buffer the app layer feeds (active), one on a buffer it does not feed yet (waiting). */
    static final String APP = "alert http any any -> any any (msg:\"h\"; http.uri; content:\"/x\"; sid:20;)\n"
            + "alert tcp any any -> any any (msg:\"t\"; smb.named_pipe; content:\"y\"; sid:21;)\n";

    @Test
    void allGoodExitsZeroAndCountsOnlyEnabledRules(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("good.rules"), GOOD);
        assertEquals(0, run("rules", "check", f.toString()), err);
        assertTrue(out.contains("rules:    2 total, 2 loaded (100.00 %), 0 refused"), out);
        assertTrue(out.contains("time:     parse "), out);
        assertTrue(out.contains(" build "), out);
        // tcp any -> 80: ports 0-79, 80, 81-65535; the port 80 group and the (empty) any-port group
        assertTrue(out.matches("(?s).*\\n  tcp/toserver +1 +3 +2 +1 +0\\n.*"), out);
        assertTrue(out.matches("(?s).*\\n  udp/toserver +1 +3 +2 +1 +0\\n.*"), out);
        assertTrue(out.matches("(?s).*\\ngroups: +\\d+ signature groups.*"), out);
    }

    @Test
    void refusalsAreListedAndGroupedByReason(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("broken.rules"), BROKEN);
        assertEquals(1, run("rules", "check", f.toString()), err);
        assertTrue(out.contains("rules:    4 total, 1 loaded (25.00 %), 3 refused"), out);
        assertTrue(out.contains(f + ":1 sid 10: unknown keyword 'bogus' at column"), out);
        assertTrue(out.contains(f + ":2 sid 11: bad value '1' for depth"), out);
        assertTrue(out.matches("(?s).*\\n\\s+2  unknown keyword 'bogus'\\n.*"), out);
        assertTrue(out.matches("(?s).*\\n\\s+1  bad value for depth\\n.*"), out);
    }

    @Test
    void appLayerRulesLoadAndAreReportedAsWaiting(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("app.rules"), APP);
        assertEquals(0, run("rules", "check", f.toString()), err);
        assertTrue(out.contains("2 total, 2 loaded"), out);
        assertTrue(out.contains("waiting:  1 loaded, waiting on the app layer"), out);
        assertTrue(out.contains("1  app-layer buffer smb.named_pipe"), out);
        assertTrue(!out.contains("app-layer buffer http.uri"), "http.uri is fed by the HTTP parser: " + out);
    }

    @Test
    void directoryInputTakesEveryRulesFileSorted(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("b.rules"), BROKEN);
        Files.writeString(dir.resolve("a.rules"), GOOD);
        Files.writeString(dir.resolve("notes.txt"), "alert garbage");
        assertEquals(1, run("rules", "check", dir.toString()), err);
        assertTrue(out.contains("6 total, 3 loaded"), out);
        int a = out.indexOf("b.rules:1 "), b = out.indexOf("b.rules:2 ");
        assertTrue(a > 0 && b > a, out);
    }

    @Test
    void jsonReportFieldByField(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.rules"), GOOD);
        Files.writeString(dir.resolve("b.rules"), BROKEN);
        Files.writeString(dir.resolve("c.rules"), APP);
        assertEquals(1, run("rules", "check", dir.toString(), "--json"), err);
        JsonNode n = new ObjectMapper().readTree(out);
        assertEquals(8, n.get("total").asInt());
        assertEquals(5, n.get("loaded").asInt());
        assertEquals(1, n.get("waiting").asInt());
        assertEquals(3, n.get("refused").asInt());
        JsonNode failed = n.get("failed");
        assertEquals(3, failed.size());
        JsonNode first = failed.get(0);
        assertEquals(dir.resolve("b.rules").toString(), first.get("file").asText());
        assertEquals(1, first.get("line").asInt());
        assertEquals(10, first.get("sid").asLong());
        assertTrue(first.get("error").asText().startsWith("unknown keyword 'bogus'"), first.toString());
        assertEquals(2, n.get("by_reason").get("unknown keyword 'bogus'").asInt());
        assertEquals(1, n.get("by_reason").get("bad value for depth").asInt());
        JsonNode s = n.get("seconds");
        assertTrue(s.get("parse").asDouble() >= 0 && s.get("build").asDouble() >= 0);
        assertEquals(s.get("parse").asDouble() + s.get("build").asDouble(), s.get("total").asDouble(), 1e-5);
        assertEquals(1, n.get("waiting_by_reason").get("app-layer buffer smb.named_pipe").asInt());
        assertTrue(n.get("waiting_by_reason").get("app-layer buffer http.uri") == null);
        JsonNode groups = n.get("groups");
        int sum = 0;
        JsonNode tcpToServer = null;
        for (JsonNode g : groups.get("by_direction")) {
            sum += g.get("groups").asInt();
            if (g.get("name").asText().equals("tcp/toserver")) {
                tcpToServer = g;
            }
        }
        assertEquals(groups.get("total").asInt(), sum);
        // rules 1 (port 80) and 13 (any); the http rule is a transaction rule every tcp/toserver group shares
        assertEquals(3, tcpToServer.get("rules").asInt(), tcpToServer.toString());
        assertEquals(3, tcpToServer.get("port_ranges").asInt(), tcpToServer.toString());
        assertEquals(2, tcpToServer.get("groups").asInt(), tcpToServer.toString());
        assertEquals(3, tcpToServer.get("largest").asInt(), tcpToServer.toString());
        assertEquals(0, tcpToServer.get("joined").asInt());
    }

    @Test
    void setOverridesVariablesAndUsageErrorsExitTwo(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("v.rules"),
                "alert tcp $MY_NET any -> any any (msg:\"v\"; sid:1;)\n");
        assertEquals(1, run("rules", "check", f.toString()));
        assertTrue(out.contains("undefined variable $MY_NET"), out);
        assertEquals(0, run("rules", "check", f.toString(), "--set", "MY_NET=10.0.0.0/8"), out + err);
        assertEquals(2, run("rules", "check", dir.resolve("missing.rules").toString()));
        assertTrue(err.contains("no such rule file or directory"), err);
        assertEquals(2, run("rules", "check"));
        assertEquals(2, run("rules", "check", f.toString(), "--bogus"));
        assertEquals(2, run("rules"));
    }

    @Test
    void withDefaultRulesAddsTheShippedSet(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("good.rules"), GOOD);
        assertEquals(0, run("rules", "check", f.toString(), "--with-default-rules", "--json"), err);
        JsonNode n = new ObjectMapper().readTree(out);
        assertTrue(n.get("total").asInt() > 2, out);
        assertEquals(n.get("total").asInt(), n.get("loaded").asInt());
    }
}
