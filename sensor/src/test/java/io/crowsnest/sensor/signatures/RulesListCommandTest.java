package io.crowsnest.sensor.signatures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crowsnest.sensor.SharedData;
import io.crowsnest.sensor.cli.CrowsnestCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code crowsnest rules list [--json]}, run in-process. */
class RulesListCommandTest {
    private String out;

    private int run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        String oldRoot = System.getProperty("crowsnest.root");
        System.setProperty("crowsnest.root", SharedData.projectRoot().toString());
        try {
            return CrowsnestCli.execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            if (oldRoot == null) {
                System.clearProperty("crowsnest.root");
            } else {
                System.setProperty("crowsnest.root", oldRoot);
            }
            out = o.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void textListsCategoriesSidsSeveritiesAndProofCaptures() {
        assertEquals(0, run("rules", "list"));
        assertTrue(out.startsWith("shipped rules: "), out);
        assertTrue(out.contains("\nexploits against services in pods ("), out);
        assertTrue(out.contains("\nreflection / amplification requests ("), out);
        assertTrue(out.contains("9100101  sev 1  CROWSNEST CONTAINER Docker Engine API container create from the network"), out);
        assertTrue(out.contains("pcaps/demo-container-attacks.pcap"), out);
        assertTrue(out.contains("pcaps/signatures/reflection.pcap"), out);
        assertTrue(out.contains("../shared/pcaps-external/cryptominer/ndpi-mining.pcap"), out);
        assertFalse(out.contains("proof: \u2014"), "every shipped rule has a proof capture");
    }

    @Test
    void jsonHasEveryRuleOnceWithItsProof() throws Exception {
        assertEquals(0, run("rules", "list", "--json"));
        JsonNode d = new ObjectMapper().readTree(out);
        int n = 0;
        for (JsonNode c : d.path("categories")) {
            assertEquals(c.path("count").asInt(), c.path("rules").size());
            for (JsonNode r : c.path("rules")) {
                n++;
                assertTrue(r.path("sid").asLong() >= 9100001);
                assertTrue(r.path("severity").asInt() >= 1 && r.path("severity").asInt() <= 4);
                assertFalse(r.path("msg").asText().isEmpty());
                assertTrue(r.path("proof").size() > 0, r.toString());
            }
        }
        assertEquals(d.path("total").asInt(), n);
        assertTrue(n >= 60);
        JsonNode first = d.path("categories").path(0).path("rules").path(0);
        assertEquals(9100001, first.path("sid").asLong());
        assertEquals("attempted-admin", first.path("classtype").asText());
    }
}
