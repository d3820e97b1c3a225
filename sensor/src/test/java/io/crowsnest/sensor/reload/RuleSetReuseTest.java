package io.crowsnest.sensor.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.crowsnest.detection.rules.Signature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reload reuses the parsed parts of unchanged rules and never renumbers the running set's signatures. */
class RuleSetReuseTest {
    static final String A = "alert tcp any any -> $HOME_NET 80 (msg:\"a\"; content:\"/admin\"; sid:1; rev:1;)\n";
    static final String B = "alert http any any -> any any (msg:\"b\"; http.uri; content:\"/x\"; flowbits:set,seen; sid:2; rev:1;)\n";
    static final String C = "alert tcp any any -> any any (msg:\"c\"; flowbits:isset,seen; content:\"zz\"; sid:3; rev:1;)\n";
    static final String X = "alert tcp any any -> any any (msg:\"x\"; xbits:set,tag,track ip_src; sid:4; rev:1;)\n";

    static Signature bySid(RuleSet rs, long sid) {
        return rs.engine().signatures().stream().filter(s -> s.sid() == sid).findFirst().orElseThrow();
    }

    @Test
    void unchangedRulesAreReusedAndTheRunningSetKeepsItsNumbers(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("local.rules");
        Files.writeString(f, A + B + C + X);
        RuleSetBuilder.Sources src = new RuleSetBuilder.Sources(false, List.of(f), Map.of());
        RuleSet first = RuleSetBuilder.build(src, null);
        assertEquals(0, first.reused());
        int[] nums = first.engine().signatures().stream().mapToInt(Signature::num).toArray();

        // a changed rule in front shifts the order of the new engine's signatures
        Files.writeString(f, "alert tcp any any -> any any (msg:\"new\"; content:\"new\"; priority:1; sid:5; rev:1;)\n"
                + A + B + C.replace("zz", "yy") + X);
        RuleSet second = RuleSetBuilder.build(src, first);
        assertEquals(2, second.reused()); // A and B; C changed, X (xbits) is always parsed again, 5 is new
        Signature a1 = bySid(first, 1), a2 = bySid(second, 1);
        assertNotSame(a1, a2);
        assertSame(a1.payload().get(0), a2.payload().get(0)); // the parsed content is shared, not copied
        assertSame(a1.dst(), a2.dst());
        assertEquals(f.toString(), a2.sourceFile());
        assertEquals(2, a2.sourceLine()); // where it is now, not where it was
        assertNotSame(bySid(first, 4).postMatches().get(0), bySid(second, 4).postMatches().get(0));
        // the running set's numbering is untouched by the new build
        assertEquals(java.util.Arrays.toString(nums), java.util.Arrays.toString(
                first.engine().signatures().stream().mapToInt(Signature::num).toArray()));
        for (Signature s : second.engine().signatures()) {
            assertSame(s, second.engine().signatures().get(s.num()));
        }
        // the flowbit the reused B sets and the re-parsed C reads still share one index
        assertEquals(second.flowbitNames().indexOf("seen"), first.flowbitNames().indexOf("seen"));
    }

    @Test
    void otherVariablesMeanEverythingIsParsedAgain(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("local.rules");
        Files.writeString(f, A + B);
        RuleSet first = RuleSetBuilder.build(new RuleSetBuilder.Sources(false, List.of(f), Map.of()), null);
        RuleSet second = RuleSetBuilder.build(new RuleSetBuilder.Sources(false, List.of(f),
                Map.of("HOME_NET", "10.9.0.0/16")), first);
        assertEquals(0, second.reused());
        assertNotSame(bySid(first, 1).dst(), bySid(second, 1).dst());
    }
}
