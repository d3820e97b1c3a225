package io.crowsnest.detection.engine;

import io.crowsnest.decoders.Packet;
import io.crowsnest.detection.rules.AddressSet;
import io.crowsnest.detection.rules.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The IP-only engine (Suricata's detect-engine-iponly.c, with sorted intervals where Suricata has radix
 * trees): the address axis of each side (source, destination; IPv4 and IPv6 apart) is cut at every boundary
 * of the IP-only rules' address sets into intervals on which no rule's membership changes; each interval maps
 * to the bitset of the rules whose set covers it. A packet's candidates are
 * {@code src(p.src) & dst(p.dst)}, plus for bidirectional rules {@code src(p.dst) & dst(p.src)}: exactly the
 * rules whose address header matches, so only those are evaluated (ET Open: 1,192 IP-only rules were each
 * evaluated on every flow direction's first packet).
 *
 * <p>Membership per interval is {@link AddressSet#matches} at the interval's first address (constant over
 * the interval, see {@link AddressSet#v4Boundaries}): the index never re-derives the address semantics.
 * Bit {@code i} stands for rule {@link #nums}{@code [i]}; nums ascend, so ascending bits are signature order.
 * Size: at most 1 + 2 x (address ranges of the rules) intervals per table; equal bitsets are shared.
 * Immutable; lookups allocate nothing.
 */
final class IpOnlyIndex {
    /** The IP-only rules, ascending: bit i of a bitset is rule nums[i]. */
    final int[] nums;
    /** Longs per bitset. */
    final int words;
    /** Rules that also match reversed ({@code <>}). */
    private final long[] bidirectional;
    private final Table srcV4, dstV4, srcV6, dstV6;

    /** One side's intervals: starts ascending (v4: one long; v6: hi, lo pairs), each with its bitset. */
    private static final class Table {
        final long[] starts;
        final long[][] rowOf;

        Table(long[] starts, long[][] rowOf) {
            this.starts = starts;
            this.rowOf = rowOf;
        }

        long[] v4(long a) {
            int lo = 0, hi = rowOf.length - 1;
            while (lo < hi) { // last interval whose start <= a
                int mid = (lo + hi + 1) >>> 1;
                if (starts[mid] <= a) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            return rowOf[lo];
        }

        long[] v6(long ahi, long alo) {
            int lo = 0, hi = rowOf.length - 1;
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (cmp(starts[2 * mid], starts[2 * mid + 1], ahi, alo) <= 0) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            return rowOf[lo];
        }
    }

    private IpOnlyIndex(int[] nums, long[] bidirectional, Table srcV4, Table dstV4, Table srcV6, Table dstV6) {
        this.nums = nums;
        this.words = Math.max(1, (nums.length + 63) >>> 6);
        this.bidirectional = bidirectional;
        this.srcV4 = srcV4;
        this.dstV4 = dstV4;
        this.srcV6 = srcV6;
        this.dstV6 = dstV6;
    }

    /** The index of the IP-only rules {@code nums} (ascending signature numbers into {@code sigs}). */
    static IpOnlyIndex build(Signature[] sigs, int[] nums) {
        for (int i = 1; i < nums.length; i++) {
            if (nums[i] <= nums[i - 1]) {
                throw new IllegalArgumentException("IP-only rule numbers not ascending at " + i);
            }
        }
        int words = Math.max(1, (nums.length + 63) >>> 6);
        AddressSet[] src = new AddressSet[nums.length], dst = new AddressSet[nums.length];
        long[] bidi = new long[words];
        for (int i = 0; i < nums.length; i++) {
            Signature s = sigs[nums[i]];
            src[i] = s.src();
            dst[i] = s.dst();
            if (s.bidirectional()) {
                bidi[i >>> 6] |= 1L << i;
            }
        }
        Map<RowKey, long[]> rows = new HashMap<>();
        return new IpOnlyIndex(nums, bidi, v4Table(src, words, rows), v4Table(dst, words, rows),
                v6Table(src, words, rows), v6Table(dst, words, rows));
    }

    /**
     * Writes to {@code out} ({@link #words} longs) the rules of {@code mask} whose addresses match the packet
     * in either orientation they allow. Allocation-free.
     */
    void candidates(Packet p, long[] mask, long[] out) {
        long[] s, d, rs, rd;
        if (p.ipVersion == 4) {
            long a = p.srcLo & 0xFFFFFFFFL, b = p.dstLo & 0xFFFFFFFFL;
            s = srcV4.v4(a);
            d = dstV4.v4(b);
            rs = srcV4.v4(b);
            rd = dstV4.v4(a);
        } else {
            s = srcV6.v6(p.srcHi, p.srcLo);
            d = dstV6.v6(p.dstHi, p.dstLo);
            rs = srcV6.v6(p.dstHi, p.dstLo);
            rd = dstV6.v6(p.srcHi, p.srcLo);
        }
        for (int w = 0; w < words; w++) {
            out[w] = ((s[w] & d[w]) | (bidirectional[w] & rs[w] & rd[w])) & mask[w];
        }
    }

    /**
     * A deliberately wrong copy for the equivalence test's mutation check: source and destination tables
     * swapped ({@code swapSides}), or bidirectional rules looked up in one orientation only.
     */
    IpOnlyIndex mutant(boolean swapSides, boolean dropReverse) {
        return new IpOnlyIndex(nums, dropReverse ? new long[words] : bidirectional, swapSides ? dstV4 : srcV4,
                swapSides ? srcV4 : dstV4, swapSides ? dstV6 : srcV6, swapSides ? srcV6 : dstV6);
    }

    /** The bitset of the rules {@code members} (ascending signature numbers, all in {@link #nums}). */
    long[] maskOf(int[] members) {
        long[] m = new long[words];
        for (int num : members) {
            int i = Arrays.binarySearch(nums, num);
            if (i < 0) {
                throw new IllegalArgumentException("rule " + num + " is not an IP-only rule of this index");
            }
            m[i >>> 6] |= 1L << i;
        }
        return m;
    }

    /** Distinct intervals over the four tables (a size figure for tests and stats). */
    int intervals() {
        return srcV4.rowOf.length + dstV4.rowOf.length + srcV6.rowOf.length + dstV6.rowOf.length;
    }

    private static Table v4Table(AddressSet[] sets, int words, Map<RowKey, long[]> rows) {
        long[][] own = new long[sets.length][];
        int total = 1;
        for (int i = 0; i < sets.length; i++) {
            own[i] = distinctSorted(sets[i].v4Boundaries());
            total += own[i].length;
        }
        long[] all = new long[total];
        all[0] = 0;
        int n = 1;
        for (long[] b : own) {
            System.arraycopy(b, 0, all, n, b.length);
            n += b.length;
        }
        long[] starts = distinctSorted(all);
        long[][] bits = new long[starts.length][words];
        for (int r = 0; r < sets.length; r++) {
            long[] b = own[r];
            // membership is constant from one of the rule's own boundaries to the next
            for (int k = 0; k < b.length; k++) {
                if (!sets[r].matches(0, b[k], true)) {
                    continue;
                }
                int from = Arrays.binarySearch(starts, b[k]);
                for (int j = from; j < starts.length && (k + 1 >= b.length || starts[j] < b[k + 1]); j++) {
                    bits[j][r >>> 6] |= 1L << r;
                }
            }
        }
        return compact(starts, 1, bits, rows);
    }

    private static Table v6Table(AddressSet[] sets, int words, Map<RowKey, long[]> rows) {
        long[][] own = new long[sets.length][];
        int total = 2;
        for (int i = 0; i < sets.length; i++) {
            own[i] = distinctSorted6(sets[i].v6Boundaries());
            total += own[i].length;
        }
        long[] all = new long[total];
        int n = 2;
        for (long[] b : own) {
            System.arraycopy(b, 0, all, n, b.length);
            n += b.length;
        }
        long[] starts = distinctSorted6(all);
        int count = starts.length / 2;
        long[][] bits = new long[count][words];
        for (int r = 0; r < sets.length; r++) {
            long[] b = own[r];
            for (int k = 0; k < b.length; k += 2) {
                if (!sets[r].matches(b[k], b[k + 1], false)) {
                    continue;
                }
                int from = find6(starts, b[k], b[k + 1]);
                for (int j = from; j < count
                        && (k + 2 >= b.length || cmp(starts[2 * j], starts[2 * j + 1], b[k + 2], b[k + 3]) < 0); j++) {
                    bits[j][r >>> 6] |= 1L << r;
                }
            }
        }
        return compact(starts, 2, bits, rows);
    }

    /** Merges neighbouring intervals with equal bitsets and shares equal bitsets (across tables too). */
    private static Table compact(long[] starts, int width, long[][] bits, Map<RowKey, long[]> rows) {
        List<long[]> outRows = new ArrayList<>();
        long[] outStarts = new long[starts.length];
        int n = 0;
        for (int j = 0; j < bits.length; j++) {
            if (j > 0 && Arrays.equals(bits[j], bits[j - 1])) {
                continue;
            }
            System.arraycopy(starts, j * width, outStarts, n * width, width);
            n++;
            long[] row = bits[j];
            outRows.add(rows.computeIfAbsent(new RowKey(row), k -> row));
        }
        return new Table(Arrays.copyOf(outStarts, n * width), outRows.toArray(new long[0][]));
    }

    /** A bitset with value equality. */
    private record RowKey(long[] bits) {
        @Override
        public boolean equals(Object o) {
            return o instanceof RowKey k && Arrays.equals(k.bits, bits);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bits);
        }
    }

    private static long[] distinctSorted(long[] a) {
        long[] s = a.clone();
        Arrays.sort(s); // IPv4 addresses are non-negative longs
        int m = 0;
        for (int i = 0; i < s.length; i++) {
            if (m == 0 || s[m - 1] != s[i]) {
                s[m++] = s[i];
            }
        }
        return Arrays.copyOf(s, m);
    }

    /** Sorts {hi, lo} pairs as unsigned 128-bit values and drops repeats. */
    private static long[] distinctSorted6(long[] a) {
        int n = a.length / 2;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> cmp(a[2 * x], a[2 * x + 1], a[2 * y], a[2 * y + 1]));
        long[] out = new long[a.length];
        int m = 0;
        for (int i : order) {
            if (m == 0 || out[m - 2] != a[2 * i] || out[m - 1] != a[2 * i + 1]) {
                out[m++] = a[2 * i];
                out[m++] = a[2 * i + 1];
            }
        }
        return Arrays.copyOf(out, m);
    }

    /** The interval index whose start is exactly {hi, lo} (a boundary of the table). */
    private static int find6(long[] starts, long hi, long lo) {
        int l = 0, h = starts.length / 2 - 1;
        while (l <= h) {
            int mid = (l + h) >>> 1;
            int c = cmp(starts[2 * mid], starts[2 * mid + 1], hi, lo);
            if (c < 0) {
                l = mid + 1;
            } else if (c > 0) {
                h = mid - 1;
            } else {
                return mid;
            }
        }
        throw new IllegalStateException("boundary missing from the IPv6 table");
    }

    private static int cmp(long ahi, long alo, long bhi, long blo) {
        int c = Long.compareUnsigned(ahi, bhi);
        return c != 0 ? c : Long.compareUnsigned(alo, blo);
    }
}
