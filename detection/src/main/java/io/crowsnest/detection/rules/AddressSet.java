package io.crowsnest.detection.rules;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A compiled rule address expression ({@code any}, {@code 10.0.0.0/8}, {@code [a,!b]}, {@code $HOME_NET},
 * {@code !$X}, IPv4 ranges {@code a-b}, IPv6 CIDR …). Matching takes the packet's address as two longs
 * (IPv4 as IPv4-mapped) and never allocates. Semantics as Suricata: the union of the positive entries
 * (or everything when there are only negations) minus the union of the negated ones.
 */
public final class AddressSet {
    /** Sorted, merged IPv4 ranges (unsigned 32-bit in longs): include, exclude. */
    private final long[] v4Inc, v4Exc;
    /** IPv6 ranges: {startHi, startLo, endHi, endLo} per entry. */
    private final long[] v6Inc, v6Exc;
    private final boolean any;
    private final String text;

    private AddressSet(long[] v4Inc, long[] v4Exc, long[] v6Inc, long[] v6Exc, boolean any, String text) {
        this.v4Inc = v4Inc;
        this.v4Exc = v4Exc;
        this.v6Inc = v6Inc;
        this.v6Exc = v6Exc;
        this.any = any;
        this.text = text;
    }

    public static final AddressSet ANY = new AddressSet(new long[] {0, 0xFFFFFFFFL}, new long[0],
            new long[] {0, 0, -1L, -1L}, new long[0], true, "any");

    /** A key equal for sets that match the same addresses (their canonical ranges), for grouping rule headers. */
    public String key() {
        return any + java.util.Arrays.toString(v4Inc) + java.util.Arrays.toString(v4Exc)
                + java.util.Arrays.toString(v6Inc) + java.util.Arrays.toString(v6Exc);
    }

    public boolean isAny() {
        return any;
    }

    @Override
    public String toString() {
        return text;
    }

    /** Matches an address given as Packet's long pair; {@code v4} says the packet is IPv4. */
    public boolean matches(long hi, long lo, boolean v4) {
        if (any) {
            return true;
        }
        if (v4) {
            long a = lo & 0xFFFFFFFFL;
            return inV4(v4Inc, a) && !inV4(v4Exc, a);
        }
        return inV6(v6Inc, hi, lo) && !inV6(v6Exc, hi, lo);
    }

    /**
     * The IPv4 addresses (unsigned 32-bit) where this set's membership may change: 0 and every start and
     * end + 1 of its included and excluded ranges, unsorted, possibly repeated. Between two consecutive
     * boundaries {@link #matches} gives the same answer for every address (the IP-only index relies on it).
     */
    public long[] v4Boundaries() {
        long[] out = new long[1 + v4Inc.length + v4Exc.length];
        int n = 1;
        for (long[] r : new long[][] {v4Inc, v4Exc}) {
            for (int i = 0; i < r.length; i += 2) {
                out[n++] = r[i];
                if (r[i + 1] < 0xFFFFFFFFL) {
                    out[n++] = r[i + 1] + 1;
                }
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** As {@link #v4Boundaries} for IPv6 (and non-IPv4) addresses: {hi, lo} pairs, starting with {0, 0}. */
    public long[] v6Boundaries() {
        long[] out = new long[2 + v6Inc.length + v6Exc.length];
        int n = 2;
        for (long[] r : new long[][] {v6Inc, v6Exc}) {
            for (int i = 0; i < r.length; i += 4) {
                out[n++] = r[i];
                out[n++] = r[i + 1];
                if (r[i + 2] != -1L || r[i + 3] != -1L) { // end + 1 (128-bit)
                    out[n++] = r[i + 3] == -1L ? r[i + 2] + 1 : r[i + 2];
                    out[n++] = r[i + 3] + 1;
                }
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    private static boolean inV4(long[] r, long a) {
        int lo = 0, hi = r.length / 2 - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (a < r[2 * mid]) {
                hi = mid - 1;
            } else if (a > r[2 * mid + 1]) {
                lo = mid + 1;
            } else {
                return true;
            }
        }
        return false;
    }

    private static boolean inV6(long[] r, long hi, long lo) {
        for (int i = 0; i < r.length; i += 4) {
            if (cmp(hi, lo, r[i], r[i + 1]) >= 0 && cmp(hi, lo, r[i + 2], r[i + 3]) <= 0) {
                return true;
            }
        }
        return false;
    }

    private static int cmp(long ahi, long alo, long bhi, long blo) {
        int c = Long.compareUnsigned(ahi, bhi);
        return c != 0 ? c : Long.compareUnsigned(alo, blo);
    }

    // ---- parsing --------------------------------------------------------------------------------

    private static final class Acc {
        final List<long[]> v4Inc = new ArrayList<>(), v4Exc = new ArrayList<>();
        final List<long[]> v6Inc = new ArrayList<>(), v6Exc = new ArrayList<>();
        boolean anyInc;
    }

    public static AddressSet parse(String expr, RuleVariables vars) throws RuleParseException {
        String e = expr.trim();
        if (e.equals("any")) {
            return ANY;
        }
        Acc acc = new Acc();
        parseInto(e, false, vars, acc, new HashSet<>(), 0);
        boolean posEmpty = acc.v4Inc.isEmpty() && acc.v6Inc.isEmpty();
        if (acc.anyInc || posEmpty) {
            acc.v4Inc.add(new long[] {0, 0xFFFFFFFFL});
            acc.v6Inc.add(new long[] {0, 0, -1L, -1L});
        }
        long[] v4i = merge(acc.v4Inc), v4e = merge(acc.v4Exc);
        if (acc.v4Exc.isEmpty() && acc.v6Exc.isEmpty() && acc.anyInc) {
            return ANY;
        }
        // complete negation (e.g. [1.2.3.4,!1.2.3.4]) matches nothing: Suricata rejects it
        long[] v6i = flat6(acc.v6Inc), v6e = flat6(acc.v6Exc);
        if ((v4i.length == 0 || (v4e.length > 0 && covers(v4e, v4i))) && covers6(v6e, v6i)) {
            throw new RuleParseException("address '" + expr.trim() + "' matches nothing");
        }
        return new AddressSet(v4i, v4e, v6i, v6e, false, e);
    }

    private static boolean covers6(long[] exc, long[] inc) {
        outer:
        for (int i = 0; i < inc.length; i += 4) {
            for (int j = 0; j < exc.length; j += 4) {
                if (cmp(exc[j], exc[j + 1], inc[i], inc[i + 1]) <= 0
                        && cmp(exc[j + 2], exc[j + 3], inc[i + 2], inc[i + 3]) >= 0) {
                    continue outer;
                }
            }
            return false;
        }
        return true;
    }

    private static boolean covers(long[] exc, long[] inc) {
        outer:
        for (int i = 0; i < inc.length; i += 2) {
            for (int j = 0; j < exc.length; j += 2) {
                if (exc[j] <= inc[i] && exc[j + 1] >= inc[i + 1]) {
                    continue outer;
                }
            }
            return false;
        }
        return true;
    }

    private static void parseInto(String e, boolean neg, RuleVariables vars, Acc acc, Set<String> seen, int depth)
            throws RuleParseException {
        if (depth > 64) {
            throw new RuleParseException("address expression nested too deeply");
        }
        e = e.trim();
        if (e.isEmpty()) {
            throw new RuleParseException("empty address");
        }
        if (e.startsWith("!")) {
            parseInto(e.substring(1), !neg, vars, acc, seen, depth + 1);
            return;
        }
        if (e.startsWith("[")) {
            if (!e.endsWith("]")) {
                throw new RuleParseException("unbalanced brackets in address '" + e + "'");
            }
            List<String> items = splitTopLevel(e.substring(1, e.length() - 1), e);
            if (items.isEmpty()) {
                throw new RuleParseException("empty address list");
            }
            for (String it : items) {
                parseInto(it, neg, vars, acc, seen, depth + 1);
            }
            return;
        }
        if (e.startsWith("$")) {
            String name = e.substring(1);
            String val = vars == null ? null : vars.address(name);
            if (val == null) {
                if (vars != null && vars.port(name) != null) {
                    throw new RuleParseException("variable $" + name + " is a port variable, used as an address");
                }
                throw new RuleParseException("undefined variable $" + name);
            }
            if (!seen.add(name)) {
                throw new RuleParseException("variable $" + name + " refers to itself");
            }
            parseInto(val, neg, vars, acc, seen, depth + 1);
            seen.remove(name);
            return;
        }
        if (e.equals("any")) {
            if (neg) {
                throw new RuleParseException("address !any matches nothing");
            }
            acc.anyInc = true;
            return;
        }
        parseSingle(e, neg, acc);
    }

    static List<String> splitTopLevel(String s, String whole) throws RuleParseException {
        List<String> out = new ArrayList<>();
        int depth = 0, start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
                if (depth < 0) {
                    throw new RuleParseException("unbalanced brackets in '" + whole + "'");
                }
            } else if (c == ',' && depth == 0) {
                out.add(s.substring(start, i).trim());
                start = i + 1;
            }
        }
        if (depth != 0) {
            throw new RuleParseException("unbalanced brackets in '" + whole + "'");
        }
        String last = s.substring(start).trim();
        if (!last.isEmpty() || !out.isEmpty()) {
            out.add(last);
        }
        return out;
    }

    private static void parseSingle(String e, boolean neg, Acc acc) throws RuleParseException {
        int dash = e.indexOf('-');
        if (dash > 0 && e.indexOf(':') < 0) {
            long a = parseV4(e.substring(0, dash).trim(), e);
            long b = parseV4(e.substring(dash + 1).trim(), e);
            if (b < a) {
                throw new RuleParseException("bad address range '" + e + "'");
            }
            (neg ? acc.v4Exc : acc.v4Inc).add(new long[] {a, b});
            return;
        }
        String addr = e;
        int bits = -1;
        int slash = e.indexOf('/');
        if (slash >= 0) {
            addr = e.substring(0, slash);
            String m = e.substring(slash + 1);
            try {
                if (m.contains(".")) {
                    long mask = parseV4(m, e);
                    bits = Long.bitCount(mask);
                } else {
                    bits = Integer.parseInt(m);
                }
            } catch (NumberFormatException ex) {
                throw new RuleParseException("bad address '" + e + "'");
            }
        }
        if (addr.indexOf(':') < 0) {
            long a = parseV4(addr, e);
            if (bits < 0) {
                bits = 32;
            }
            if (bits > 32) {
                throw new RuleParseException("bad netmask in '" + e + "'");
            }
            long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
            long start = a & mask;
            long end = start | (~mask & 0xFFFFFFFFL);
            (neg ? acc.v4Exc : acc.v4Inc).add(new long[] {start, end});
            return;
        }
        for (int i = 0; i < addr.length(); i++) {
            char c = addr.charAt(i);
            if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                throw new RuleParseException("bad address '" + e + "'");
            }
        }
        byte[] b;
        try {
            b = InetAddress.getByName(addr).getAddress();
        } catch (UnknownHostException | RuntimeException ex) {
            throw new RuleParseException("bad address '" + e + "'");
        }
        if (b.length == 4) { // ::ffff:a.b.c.d comes back as IPv4
            long a = ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
            int vb = bits < 0 ? 32 : Math.max(0, bits - 96);
            long mask = vb == 0 ? 0 : (0xFFFFFFFFL << (32 - vb)) & 0xFFFFFFFFL;
            (neg ? acc.v4Exc : acc.v4Inc).add(new long[] {a & mask, (a & mask) | (~mask & 0xFFFFFFFFL)});
            return;
        }
        if (bits < 0) {
            bits = 128;
        }
        if (bits > 128) {
            throw new RuleParseException("bad netmask in '" + e + "'");
        }
        long hi = 0, lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (b[i] & 0xFF);
            lo = (lo << 8) | (b[8 + i] & 0xFF);
        }
        long mhi = bits >= 64 ? -1L : (bits == 0 ? 0 : -1L << (64 - bits));
        long mlo = bits <= 64 ? 0 : (bits == 128 ? -1L : -1L << (128 - bits));
        (neg ? acc.v6Exc : acc.v6Inc).add(new long[] {hi & mhi, lo & mlo, hi | ~mhi, lo | ~mlo});
    }

    static long parseV4(String s, String whole) throws RuleParseException {
        String[] p = s.split("\\.", -1);
        if (p.length != 4) {
            throw new RuleParseException("bad address '" + whole + "'");
        }
        long a = 0;
        for (String q : p) {
            if (q.isEmpty() || q.length() > 3) {
                throw new RuleParseException("bad address '" + whole + "'");
            }
            int v = 0;
            for (int i = 0; i < q.length(); i++) {
                char c = q.charAt(i);
                if (c < '0' || c > '9') {
                    throw new RuleParseException("bad address '" + whole + "'");
                }
                v = v * 10 + (c - '0');
            }
            if (v > 255) {
                throw new RuleParseException("bad address '" + whole + "'");
            }
            a = (a << 8) | v;
        }
        return a;
    }

    private static long[] merge(List<long[]> ranges) {
        List<long[]> r = new ArrayList<>(ranges);
        r.sort((x, y) -> Long.compare(x[0], y[0]));
        List<long[]> out = new ArrayList<>();
        for (long[] x : r) {
            if (!out.isEmpty() && x[0] <= out.get(out.size() - 1)[1] + 1) {
                long[] last = out.get(out.size() - 1);
                last[1] = Math.max(last[1], x[1]);
            } else {
                out.add(new long[] {x[0], x[1]});
            }
        }
        long[] flat = new long[out.size() * 2];
        for (int i = 0; i < out.size(); i++) {
            flat[2 * i] = out.get(i)[0];
            flat[2 * i + 1] = out.get(i)[1];
        }
        return flat;
    }

    private static long[] flat6(List<long[]> ranges) {
        long[] flat = new long[ranges.size() * 4];
        for (int i = 0; i < ranges.size(); i++) {
            System.arraycopy(ranges.get(i), 0, flat, 4 * i, 4);
        }
        return flat;
    }
}
