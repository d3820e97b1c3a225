package io.crowsnest.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.crowsnest.detection.rules.RuleLoader;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.RuleVariables;

/**
 * The rule parser on arbitrary text: a rule either parses or is refused with a clean
 * {@link RuleParseException}; anything else thrown (or a hang, which Jazzer reports) is a bug.
 * Seeds: src/test/resources/io/crowsnest/fuzz/RuleParserFuzzTestInputs/.
 */
class RuleParserFuzzTest {
    private static final RuleLoader LOADER = new RuleLoader();
    private static final RuleVariables VARS = RuleVariables.suricataDefaults();

    @FuzzTest(maxDuration = "5m")
    void parseRule(String text) {
        if (text == null) {
            return; // Jazzer also offers null; rule files never hand the parser one
        }
        try {
            LOADER.parseRule(text, VARS);
        } catch (RuleParseException refused) {
            // a clean refusal
        }
    }
}
