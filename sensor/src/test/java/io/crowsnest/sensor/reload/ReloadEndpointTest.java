package io.crowsnest.sensor.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.sensor.cli.CrowsnestCli;
import io.crowsnest.sensor.metrics.SensorMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@code crowsnest reload} against the admin endpoint, and the ruleset metrics. */
class ReloadEndpointTest {
    private static String[] run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = CrowsnestCli.execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new String[] {String.valueOf(code), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void reloadCommandReportsSuccessAndFailure() throws Exception {
        AtomicReference<RuleReloader.Result> next = new AtomicReference<>(
                new RuleReloader.Result(true, "reloaded ruleset 0123456789ab: 5 rules in 0.10 s (was ba9876543210)", null, 0.1));
        try (AdminEndpoint admin = new AdminEndpoint(new InetSocketAddress("127.0.0.1", 0),
                () -> CompletableFuture.completedFuture(next.get()))) {
            String addr = "127.0.0.1:" + admin.address().getPort();
            String[] r = run("reload", "--admin-address", addr);
            assertEquals("0", r[0], r[2]);
            assertEquals("crowsnest: reloaded ruleset 0123456789ab: 5 rules in 0.10 s (was ba9876543210)\n", r[1]);

            next.set(new RuleReloader.Result(false, "no rule loaded from local.rules (3 rules, none loaded); still running ruleset ba9876543210: 4 rules", null, 0.1));
            r = run("reload", "--admin-address", addr);
            assertEquals("1", r[0]);
            assertEquals("crowsnest: reload failed (HTTP 422): no rule loaded from local.rules (3 rules, none loaded); "
                    + "still running ruleset ba9876543210: 4 rules\n", r[2]);
            assertEquals("2", run("reload", "--admin-address", "nonsense")[0]);
            int port = admin.address().getPort();
            admin.close();
            r = run("reload", "--admin-address", "127.0.0.1:" + port);
            assertEquals("1", r[0]);
            assertTrue(r[2].startsWith("crowsnest: reload: cannot reach http://127.0.0.1:" + port + "/reload: "), r[2]);
        }
    }

    @Test
    void rulesetHashAndLoadTimeAreMetrics() {
        AtomicReference<String> hash = new AtomicReference<>("aaaaaaaaaaaa");
        SensorMetrics m = new SensorMetrics(List::of, () -> 0, () -> 0, () -> 7, () -> 1);
        m.ruleset(hash::get, () -> 1_700_000_000.5);
        String s = m.scrape();
        assertTrue(s.contains("crowsnest_ruleset_info{hash=\"aaaaaaaaaaaa\"} 1"), s);
        assertTrue(s.contains("crowsnest_ruleset_loaded_timestamp_seconds 1.7000000005E9"), s);
        assertTrue(s.contains("crowsnest_rules_loaded 7"), s);
        hash.set("bbbbbbbbbbbb");
        s = m.scrape();
        assertTrue(s.contains("crowsnest_ruleset_info{hash=\"bbbbbbbbbbbb\"} 1"), s);
        assertFalse(s.contains("aaaaaaaaaaaa"), s);
    }
}
