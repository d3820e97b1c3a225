package io.crowsnest.detection.rules;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** The ports a port expression matches, as ranges (what the engine groups rules by). */
class PortSetRangesTest {
    private static int[] ranges(String expr) throws RuleParseException {
        return PortSet.parse(expr, RuleVariables.suricataDefaults()).ranges();
    }

    @Test
    void rangesApplyNegationsAndMergeNeighbours() throws RuleParseException {
        assertArrayEquals(new int[] {0, 65535}, ranges("any"));
        assertArrayEquals(new int[] {80, 80}, ranges("80"));
        assertArrayEquals(new int[] {1024, 65535}, ranges("1024:"));
        assertArrayEquals(new int[] {0, 79, 81, 442, 444, 65535}, ranges("![80,443]"));
        assertArrayEquals(new int[] {80, 84, 86, 90}, ranges("[80:90,!85]"));
        assertArrayEquals(new int[] {80, 82}, ranges("[80,81,82]"));
        assertArrayEquals(new int[] {0, 65534}, ranges("!65535"));
        assertArrayEquals(new int[] {1, 65535}, ranges("!0"));
    }
}
