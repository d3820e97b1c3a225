package io.crowsnest.detection.threshold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.decoders.Packet;
import io.crowsnest.detection.TestSupport;
import io.crowsnest.detection.rules.RuleParseException;
import org.junit.jupiter.api.Test;

class ThresholdConfigTest {
    static final String RULES = "alert tcp any any -> any any (content:\"a\"; sid:1;)\n"
            + "alert tcp any any -> any any (content:\"b\"; sid:2;)\n"
            + "alert tcp any any -> any any (content:\"c\"; threshold:type limit, track by_src, count 5, seconds 60; sid:3;)\n";

    @Test
    void suppressAndThresholdApply() throws RuleParseException {
        TestSupport.Harness h = TestSupport.harness(RULES);
        h.engine.thresholds().configure(ThresholdConfig.parse(
                "# comment\n"
                + "suppress gen_id 1, sig_id 1\n"
                + "suppress gen_id 1, sig_id 2, track by_src, ip [10.0.0.1,10.9.9.9]\n"
                + "threshold gen_id 1, sig_id 3, type limit, track by_src, count 1, seconds 60\n"
                + "rate_filter gen_id 1, sig_id 2, track by_rule, count 10, seconds 1, new_action drop, timeout 10\n",
                "t.config"));
        Packet a = TestSupport.tcp("10.0.0.1", 1, "10.0.0.2", 80, "a b c");
        assertEquals(java.util.List.of(3L), h.run(a, TestSupport.flow(), 0));
        // sid 3 now limited to 1 per source (config overrides the rule's count 5)
        assertEquals(java.util.List.of(), h.run(a, TestSupport.flow(), 0));
        // sid 2 suppressed only for the listed sources
        assertEquals(java.util.List.of(2L, 3L),
                h.run(TestSupport.tcp("10.0.0.3", 1, "10.0.0.2", 80, "a b c"), TestSupport.flow(), 0));
    }

    @Test
    void badLinesNameTheLine() {
        RuleParseException e = assertThrows(RuleParseException.class,
                () -> ThresholdConfig.parse("suppress gen_id 1, sig_id 1\nthreshold gen_id 1, sig_id 2, type sometimes, "
                        + "track by_src, count 1, seconds 1\n", "t.config"));
        assertTrue(e.getMessage().startsWith("t.config:2: unknown type 'sometimes'"), e.getMessage());
        assertThrows(RuleParseException.class, () -> ThresholdConfig.parse("suppress gen_id 1, sig_id 1, track by_src\n", "t"));
        assertThrows(RuleParseException.class, () -> ThresholdConfig.parse("frobnicate gen_id 1, sig_id 1\n", "t"));
        assertThrows(RuleParseException.class, () -> ThresholdConfig.parse(
                "rate_filter gen_id 1, sig_id 1, track by_rule, count 1, seconds 1, new_action explode, timeout 1\n", "t"));
    }
}
