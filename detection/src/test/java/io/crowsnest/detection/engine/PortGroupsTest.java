package io.crowsnest.detection.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The port axis cut into groups: which rules each port gets, dedupe, the cap and its join group. */
class PortGroupsTest {
    private static final int[] NO_WHITELIST = {};

    private static int[] rulesAt(PortGroups pg, int port) {
        return pg.groups.get(pg.groupOf(port));
    }

    @Test
    void eachPortGetsTheRulesCoveringItPlusTheAnyPortRules() {
        // 0: any, 1: 80, 2: 1024:65535, 3: [80,443]
        int[] nums = {0, 1, 2, 3};
        int[][] keyed = {null, {80, 80}, {1024, 65535}, {80, 80, 443, 443}};
        PortGroups pg = PortGroups.build(nums, keyed, new int[4], 0, NO_WHITELIST);
        assertArrayEquals(new int[] {0, 1, 3}, rulesAt(pg, 80));
        assertArrayEquals(new int[] {0, 3}, rulesAt(pg, 443));
        assertArrayEquals(new int[] {0, 2}, rulesAt(pg, 1024));
        assertArrayEquals(new int[] {0, 2}, rulesAt(pg, 65535));
        assertArrayEquals(new int[] {0}, rulesAt(pg, 0));
        assertArrayEquals(new int[] {0}, rulesAt(pg, 1023));
        assertArrayEquals(new int[] {0}, pg.groups.get(pg.portlessGroup));
        // ports 0-79, 81-442 and 444-1023 hold the same rules: one group, not three
        assertEquals(pg.groupOf(0), pg.groupOf(81));
        assertEquals(pg.groupOf(0), pg.groupOf(444));
        assertEquals(4, pg.groups.size());
        assertEquals(4, pg.distinctBeforeCap + 1);
    }

    @Test
    void theCapMergesTheSmallestGroupsIntoOneJoinGroupButKeepsWhitelistedPorts() {
        // rule i names port 1000+i; rules 0-2 twice over (bigger groups); port 1009 is whitelisted
        List<Integer> nums = new ArrayList<>();
        List<int[]> keyed = new ArrayList<>();
        int num = 0;
        nums.add(num++);
        keyed.add(null); // one any-port rule
        for (int i = 0; i < 10; i++) {
            for (int k = 0; k < (i < 3 ? 2 : 1); k++) {
                nums.add(num++);
                keyed.add(new int[] {1000 + i, 1000 + i});
            }
        }
        int[] n = nums.stream().mapToInt(Integer::intValue).toArray();
        PortGroups pg = PortGroups.build(n, keyed.toArray(new int[0][]), new int[n.length], 4, new int[] {1009});
        // kept: the whitelisted port, then the three biggest; the other six ports share the join group
        assertEquals(6, pg.joined);
        assertEquals(1 + 4 + 1, pg.groups.size()); // any-only, 4 kept, join
        int join = pg.groupOf(1003);
        for (int p = 1004; p <= 1008; p++) {
            assertEquals(join, pg.groupOf(p));
        }
        assertNotEquals(join, pg.groupOf(1009));
        assertEquals(2, rulesAt(pg, 1009).length); // any + its own
        assertEquals(3, rulesAt(pg, 1000).length);
        // the join group holds the rules of every port it serves, and the any-port rule
        assertEquals(1 + 6, rulesAt(pg, 1005).length);
        // ports no rule names keep the any-port group, never the join group
        assertArrayEquals(new int[] {0}, rulesAt(pg, 999));
        assertArrayEquals(new int[] {0}, rulesAt(pg, 2000));
    }

    @Test
    void aRuleExpensiveOnEveryPacketWinsItsPortAGroupUnderTheCap() {
        // port 7 has the single rule without a fast pattern; ports 8 and 9 have two ordinary rules each
        int[] nums = {0, 1, 2, 3, 4};
        int[][] keyed = {{7, 7}, {8, 8}, {8, 8}, {9, 9}, {9, 9}};
        int[] score = {PortGroups.SCORE_NO_FAST_PATTERN, 0, 0, 0, 0};
        PortGroups pg = PortGroups.build(nums, keyed, score, 1, NO_WHITELIST);
        assertArrayEquals(new int[] {0}, rulesAt(pg, 7));
        assertArrayEquals(new int[] {1, 2, 3, 4}, rulesAt(pg, 8));
        assertEquals(pg.groupOf(8), pg.groupOf(9));
    }

    @Test
    void randomRuleSetsMatchTheDefinitionOnEveryPort() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int round = 0; round < 30; round++) {
            int n = 1 + rnd.nextInt(60);
            int[] nums = new int[n];
            int[][] keyed = new int[n][];
            for (int i = 0; i < n; i++) {
                nums[i] = i * 3; // ascending, with gaps
                if (rnd.nextInt(4) > 0) {
                    keyed[i] = randomRanges(rnd);
                }
            }
            int cap = rnd.nextInt(3) == 0 ? 0 : 1 + rnd.nextInt(6);
            PortGroups pg = PortGroups.build(nums, keyed, new int[n], cap, new int[] {80, 443});
            assertTrue(cap == 0 || pg.groups.size() <= cap + 2, "groups " + pg.groups.size() + " cap " + cap);
            for (int port = 0; port <= 65535; port++) {
                Set<Integer> want = new HashSet<>();
                for (int i = 0; i < n; i++) {
                    if (keyed[i] == null || covers(keyed[i], port)) {
                        want.add(nums[i]);
                    }
                }
                int[] got = rulesAt(pg, port);
                assertTrue(isAscending(got), "group not ascending");
                Set<Integer> gotSet = new HashSet<>();
                Arrays.stream(got).forEach(gotSet::add);
                assertTrue(gotSet.containsAll(want), "port " + port + ": missing rules, round " + round);
                if (cap == 0) {
                    assertEquals(want, gotSet, "port " + port + " round " + round);
                }
            }
            for (int num : pg.groups.get(pg.portlessGroup)) {
                assertEquals(null, keyed[num / 3], "portless group holds only any-port rules");
            }
        }
    }

    @Test
    void badRangesAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PortGroups.build(new int[] {0}, new int[][] {{90, 80}}, new int[1], 0, NO_WHITELIST));
        assertTrue(e.getMessage().contains("90-80"), e.getMessage());
    }

    private static int[] randomRanges(SplittableRandom rnd) {
        int k = 1 + rnd.nextInt(3);
        int[] interesting = {0, 1, 22, 53, 79, 80, 81, 443, 1023, 1024, 8080, 65534, 65535};
        List<int[]> rs = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            int a = rnd.nextBoolean() ? interesting[rnd.nextInt(interesting.length)] : rnd.nextInt(65536);
            int b = rnd.nextInt(3) == 0 ? a : Math.min(65535, a + rnd.nextInt(3000));
            rs.add(new int[] {a, b});
        }
        rs.sort((x, y) -> Integer.compare(x[0], y[0]));
        List<int[]> merged = new ArrayList<>();
        for (int[] r : rs) {
            if (!merged.isEmpty() && r[0] <= merged.get(merged.size() - 1)[1] + 1) {
                merged.get(merged.size() - 1)[1] = Math.max(merged.get(merged.size() - 1)[1], r[1]);
            } else {
                merged.add(r);
            }
        }
        int[] out = new int[merged.size() * 2];
        for (int i = 0; i < merged.size(); i++) {
            out[2 * i] = merged.get(i)[0];
            out[2 * i + 1] = merged.get(i)[1];
        }
        return out;
    }

    private static boolean covers(int[] r, int port) {
        for (int i = 0; i < r.length; i += 2) {
            if (port >= r[i] && port <= r[i + 1]) {
                return true;
            }
        }
        return false;
    }

    private static boolean isAscending(int[] a) {
        for (int i = 1; i < a.length; i++) {
            if (a[i] <= a[i - 1]) {
                return false;
            }
        }
        return true;
    }
}
