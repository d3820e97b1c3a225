package io.crowsnest.detection.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The port grouping of one TCP or UDP bucket (protocol x flow direction), as Suricata's
 * {@code RulesGroupByPorts}: the port axis is cut into ranges where the set of rules whose port set covers
 * the port does not change; each range's group holds those rules plus the rules with {@code any} port;
 * ranges with the same rules share one group. A packet picks its group by one port: to_server (and packets
 * without a flow direction) by its destination port against the rules' destination ports, to_client by its
 * source port against the rules' source ports, as Suricata's {@code SigMatchSignaturesGetSgh} does.
 *
 * <p>The number of groups is capped as Suricata's {@code detect.profile} caps them (medium: 40 to_server,
 * 20 to_client): the groups are ranked, whitelisted first (a range that is a single port of the whitelist,
 * or a group holding a rule that is expensive on every packet: no fast pattern, or a one-byte one), then by
 * size; the groups past the cap are merged into one join group that serves all their ports. The group of
 * the rules with {@code any} port (the ports no rule names, and packets without ports) is never merged.
 *
 * <p>Only rule numbers are handled here; {@link DetectionEngine} compiles each group. Immutable.
 */
final class PortGroups {
    /** Suricata's default {@code detect.grouping.tcp-whitelist}. */
    static final int[] TCP_WHITELIST = {53, 80, 139, 443, 445, 1433, 3306, 3389, 6666, 6667, 8080};
    /** Suricata's default {@code detect.grouping.udp-whitelist}. */
    static final int[] UDP_WHITELIST = {53, 135, 5060};
    /** Suricata's profile medium ({@code toserver-groups}, {@code toclient-groups}). */
    static final int DEFAULT_TOSERVER_GROUPS = 40;
    static final int DEFAULT_TOCLIENT_GROUPS = 20;
    /** Whitelist score of a range that is a whitelisted port (Suricata: 111, above any rule's score). */
    static final int WHITELISTED_PORT = 111;
    /** Rule scores (Suricata's RuleSetWhitelist): no fast pattern (evaluated on every packet), one-byte one. */
    static final int SCORE_NO_FAST_PATTERN = 99;
    static final int SCORE_ONE_BYTE_PATTERN = 55;

    /** Start port of each range, ascending; {@code starts[0] == 0}; a range ends where the next starts. */
    final int[] starts;
    /** Group index of each range. */
    final int[] groupOfRange;
    /** Group of packets without ports (truncated layer 4): only the rules with {@code any} port. */
    final int portlessGroup;
    /** Rule numbers of each group, ascending. */
    final List<int[]> groups;
    /** Distinct port-specific rule sets before the cap, and how many of them went into the join group. */
    final int distinctBeforeCap, joined;

    private PortGroups(int[] starts, int[] groupOfRange, int portlessGroup, List<int[]> groups, int distinct,
            int joined) {
        this.starts = starts;
        this.groupOfRange = groupOfRange;
        this.portlessGroup = portlessGroup;
        this.groups = groups;
        this.distinctBeforeCap = distinct;
        this.joined = joined;
    }

    /** The group of a port (0-65535), or of a packet without ports ({@code port < 0}). Allocation-free. */
    int groupOf(int port) {
        if (port < 0) {
            return portlessGroup;
        }
        int lo = 0, hi = starts.length - 1;
        while (lo < hi) { // last range whose start <= port
            int mid = (lo + hi + 1) >>> 1;
            if (starts[mid] <= port) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return groupOfRange[lo];
    }

    /**
     * Groups the rules {@code nums} (ascending). {@code keyed[i]} is rule {@code nums[i]}'s port ranges on the
     * grouping side (sorted disjoint {@code [lo, hi, ...]} as {@code PortSet.ranges()}), null for {@code any};
     * {@code score[i]} its whitelist score (0 for an ordinary rule). {@code cap} bounds the port-specific groups
     * (0: no cap); {@code whitelist} lists single ports whose ranges are ranked first.
     */
    static PortGroups build(int[] nums, int[][] keyed, int[] score, int cap, int[] whitelist) {
        int n = nums.length;
        if (keyed.length != n || score.length != n) {
            throw new IllegalArgumentException("nums, keyed and score differ in length");
        }
        // 1. cut points: every range start and every range end + 1
        int[] cuts = new int[1 + 2 * countRanges(keyed)];
        int c = 0;
        cuts[c++] = 0;
        for (int[] r : keyed) {
            if (r == null) {
                continue;
            }
            for (int k = 0; k < r.length; k += 2) {
                if (r[k] < 0 || r[k + 1] > 65535 || r[k] > r[k + 1]) {
                    throw new IllegalArgumentException("bad port range " + r[k] + "-" + r[k + 1]);
                }
                cuts[c++] = r[k];
                if (r[k + 1] < 65535) {
                    cuts[c++] = r[k + 1] + 1;
                }
            }
        }
        int[] starts = distinctSorted(cuts, c);
        int ranges = starts.length;
        // 2. per elementary range, the port-specific rules covering it (ascending: nums are)
        IntList[] specific = new IntList[ranges];
        for (int i = 0; i < ranges; i++) {
            specific[i] = new IntList();
        }
        IntList any = new IntList();
        int[] scoreOfNum = new int[n];
        for (int i = 0; i < n; i++) {
            int[] r = keyed[i];
            if (r == null) {
                any.add(nums[i]);
                continue;
            }
            for (int k = 0; k < r.length; k += 2) {
                for (int j = Arrays.binarySearch(starts, r[k]); j < ranges && starts[j] <= r[k + 1]; j++) {
                    if (specific[j].size == 0 || specific[j].last() != nums[i]) {
                        specific[j].add(nums[i]);
                    }
                }
            }
        }
        // 3. distinct rule sets; set 0 is the empty one (any-port rules only)
        Map<IntList, Integer> setIds = new HashMap<>();
        List<IntList> sets = new ArrayList<>();
        IntList empty = new IntList();
        setIds.put(empty, 0);
        sets.add(empty);
        int[] setOfRange = new int[ranges];
        for (int i = 0; i < ranges; i++) {
            Integer id = setIds.get(specific[i]);
            if (id == null) {
                id = sets.size();
                setIds.put(specific[i], id);
                sets.add(specific[i]);
            }
            setOfRange[i] = id;
        }
        int distinct = sets.size() - 1;
        // 4. rank the port-specific sets and keep the best `cap`; the rest share one join group
        Map<Integer, Integer> scoreByNum = new HashMap<>();
        for (int i = 0; i < n; i++) {
            if (score[i] > 0) {
                scoreByNum.put(nums[i], score[i]);
            }
        }
        int[] setScore = new int[sets.size()];
        int[] firstRange = new int[sets.size()];
        Arrays.fill(firstRange, -1);
        for (int i = 0; i < ranges; i++) {
            int s = setOfRange[i];
            if (firstRange[s] < 0) {
                firstRange[s] = i;
            }
            int end = i + 1 < ranges ? starts[i + 1] - 1 : 65535;
            if (starts[i] == end && contains(whitelist, end)) {
                setScore[s] = Math.max(setScore[s], WHITELISTED_PORT);
            }
        }
        for (int s = 1; s < sets.size(); s++) {
            IntList l = sets.get(s);
            for (int k = 0; k < l.size; k++) {
                setScore[s] = Math.max(setScore[s], scoreByNum.getOrDefault(l.data[k], 0));
            }
        }
        Integer[] order = new Integer[sets.size() - 1];
        for (int s = 1; s < sets.size(); s++) {
            order[s - 1] = s;
        }
        Arrays.sort(order, Comparator.<Integer>comparingInt(s -> -setScore[s])
                .thenComparingInt(s -> -sets.get(s).size).thenComparingInt(s -> firstRange[s]));
        int[] finalOf = new int[sets.size()]; // set -> final specific list index
        List<IntList> finals = new ArrayList<>();
        finals.add(empty);
        IntList join = null;
        int joined = 0;
        for (int k = 0; k < order.length; k++) {
            int s = order[k];
            if (cap <= 0 || k < cap) {
                finalOf[s] = finals.size();
                finals.add(sets.get(s));
            } else {
                join = join == null ? sets.get(s) : join.union(sets.get(s));
                finalOf[s] = -1;
                joined++;
            }
        }
        int joinIndex = -1;
        if (join != null) {
            Integer same = null;
            for (int f = 0; f < finals.size() && same == null; f++) {
                if (finals.get(f).equals(join)) {
                    same = f;
                }
            }
            joinIndex = same != null ? same : finals.size();
            if (same == null) {
                finals.add(join);
            }
        }
        // 5. full groups (any-port rules + specific), adjacent ranges of one group merged
        List<int[]> groups = new ArrayList<>(finals.size());
        for (IntList f : finals) {
            groups.add(any.union(f).toArray());
        }
        IntList outStarts = new IntList(), outGroups = new IntList();
        for (int i = 0; i < ranges; i++) {
            int g = finalOf[setOfRange[i]];
            if (g < 0) {
                g = joinIndex;
            }
            if (outGroups.size == 0 || outGroups.last() != g) {
                outStarts.add(starts[i]);
                outGroups.add(g);
            }
        }
        return new PortGroups(outStarts.toArray(), outGroups.toArray(), 0, groups, distinct, joined);
    }

    private static int countRanges(int[][] keyed) {
        int n = 0;
        for (int[] r : keyed) {
            n += r == null ? 0 : r.length;
        }
        return n;
    }

    private static int[] distinctSorted(int[] a, int n) {
        int[] s = Arrays.copyOf(a, n);
        Arrays.sort(s);
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (m == 0 || s[m - 1] != s[i]) {
                s[m++] = s[i];
            }
        }
        return Arrays.copyOf(s, m);
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    /** A growable ascending int list with value equality (the key of a rule set). */
    static final class IntList {
        int[] data = new int[4];
        int size;

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        int last() {
            return data[size - 1];
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }

        /** The ascending union of two ascending lists. */
        IntList union(IntList o) {
            IntList r = new IntList();
            r.data = new int[Math.max(4, size + o.size)];
            int i = 0, j = 0;
            while (i < size || j < o.size) {
                int v;
                if (j >= o.size || (i < size && data[i] < o.data[j])) {
                    v = data[i++];
                } else if (i >= size || o.data[j] < data[i]) {
                    v = o.data[j++];
                } else {
                    v = data[i++];
                    j++;
                }
                r.data[r.size++] = v;
            }
            return r;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof IntList l && Arrays.equals(data, 0, size, l.data, 0, l.size);
        }

        @Override
        public int hashCode() {
            int h = 1;
            for (int i = 0; i < size; i++) {
                h = 31 * h + data[i];
            }
            return h;
        }
    }
}
