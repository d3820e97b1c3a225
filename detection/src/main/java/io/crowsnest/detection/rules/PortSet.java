package io.crowsnest.detection.rules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A compiled rule port expression: {@code any}, {@code 80}, {@code 1024:}, {@code :1023}, {@code 80:90},
 * lists, negation, {@code $VAR}. Matching is allocation-free.
 */
public final class PortSet {
    /** Sorted, merged inclusive ranges, flattened. */
    private final int[] inc, exc;
    private final boolean any;
    private final String text;

    public static final PortSet ANY = new PortSet(new int[] {0, 65535}, new int[0], true, "any");

    /** A key equal for sets that match the same ports (their canonical ranges), for grouping rule headers. */
    public String key() {
        return any + java.util.Arrays.toString(inc) + java.util.Arrays.toString(exc);
    }

    private PortSet(int[] inc, int[] exc, boolean any, String text) {
        this.inc = inc;
        this.exc = exc;
        this.any = any;
        this.text = text;
    }

    public boolean isAny() {
        return any;
    }

    /**
     * The ports matched as sorted, disjoint, non-adjacent inclusive ranges {@code [lo0, hi0, lo1, hi1, ...]}
     * (negations applied; {@code any} is {@code [0, 65535]}), for grouping rules by port.
     */
    public int[] ranges() {
        if (any) {
            return new int[] {0, 65535};
        }
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < inc.length; i += 2) {
            int lo = inc[i];
            int hi = inc[i + 1];
            for (int j = 0; j < exc.length && lo <= hi; j += 2) {
                if (exc[j + 1] < lo || exc[j] > hi) {
                    continue;
                }
                if (exc[j] > lo) {
                    out.add(new int[] {lo, exc[j] - 1});
                }
                lo = exc[j + 1] + 1;
            }
            if (lo <= hi) {
                out.add(new int[] {lo, hi});
            }
        }
        return merge(out);
    }

    @Override
    public String toString() {
        return text;
    }

    public boolean matches(int port) {
        if (any) {
            return true;
        }
        return in(inc, port) && !in(exc, port);
    }

    private static boolean in(int[] r, int p) {
        for (int i = 0; i < r.length; i += 2) {
            if (p >= r[i] && p <= r[i + 1]) {
                return true;
            }
        }
        return false;
    }

    public static PortSet parse(String expr, RuleVariables vars) throws RuleParseException {
        String e = expr.trim();
        if (e.equals("any")) {
            return ANY;
        }
        List<int[]> inc = new ArrayList<>(), exc = new ArrayList<>();
        boolean[] anyInc = new boolean[1];
        parseInto(e, false, vars, inc, exc, anyInc, new HashSet<>(), 0);
        if (inc.isEmpty() || anyInc[0]) {
            if (exc.isEmpty()) {
                return ANY;
            }
            inc.add(new int[] {0, 65535});
        }
        int[] i = merge(inc), x = merge(exc);
        boolean nothing = true;
        for (int k = 0; k < i.length && nothing; k += 2) {
            boolean covered = false;
            for (int j = 0; j < x.length; j += 2) {
                covered |= x[j] <= i[k] && x[j + 1] >= i[k + 1];
            }
            nothing = covered;
        }
        if (nothing) {
            throw new RuleParseException("port '" + e + "' matches nothing");
        }
        return new PortSet(i, x, false, e);
    }

    private static void parseInto(String e, boolean neg, RuleVariables vars, List<int[]> inc, List<int[]> exc,
            boolean[] anyInc, Set<String> seen, int depth) throws RuleParseException {
        if (depth > 64) {
            throw new RuleParseException("port expression nested too deeply");
        }
        e = e.trim();
        if (e.isEmpty()) {
            throw new RuleParseException("empty port");
        }
        if (e.startsWith("!")) {
            parseInto(e.substring(1), !neg, vars, inc, exc, anyInc, seen, depth + 1);
            return;
        }
        if (e.startsWith("[")) {
            if (!e.endsWith("]")) {
                throw new RuleParseException("unbalanced brackets in port '" + e + "'");
            }
            List<String> items = AddressSet.splitTopLevel(e.substring(1, e.length() - 1), e);
            if (items.isEmpty()) {
                throw new RuleParseException("empty port list");
            }
            for (String it : items) {
                parseInto(it, neg, vars, inc, exc, anyInc, seen, depth + 1);
            }
            return;
        }
        if (e.startsWith("$")) {
            String name = e.substring(1);
            String val = vars == null ? null : vars.port(name);
            if (val == null) {
                if (vars != null && vars.address(name) != null) {
                    throw new RuleParseException("variable $" + name + " is an address variable, used as a port");
                }
                throw new RuleParseException("undefined variable $" + name);
            }
            if (!seen.add(name)) {
                throw new RuleParseException("variable $" + name + " refers to itself");
            }
            parseInto(val, neg, vars, inc, exc, anyInc, seen, depth + 1);
            seen.remove(name);
            return;
        }
        if (e.equals("any")) {
            if (neg) {
                throw new RuleParseException("port !any matches nothing");
            }
            anyInc[0] = true;
            return;
        }
        int lo, hi;
        int colon = e.indexOf(':');
        if (colon >= 0) {
            String a = e.substring(0, colon).trim(), b = e.substring(colon + 1).trim();
            lo = a.isEmpty() ? 0 : port(a, e);
            hi = b.isEmpty() ? 65535 : port(b, e);
            if (a.isEmpty() && b.isEmpty() || hi < lo) {
                throw new RuleParseException("bad port range '" + e + "'");
            }
        } else {
            lo = hi = port(e, e);
        }
        (neg ? exc : inc).add(new int[] {lo, hi});
    }

    private static int port(String s, String whole) throws RuleParseException {
        if (s.isEmpty() || s.length() > 5) {
            throw new RuleParseException("bad port '" + whole + "'");
        }
        int v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new RuleParseException("bad port '" + whole + "'");
            }
            v = v * 10 + (c - '0');
        }
        if (v > 65535) {
            throw new RuleParseException("bad port '" + whole + "'");
        }
        return v;
    }

    private static int[] merge(List<int[]> ranges) {
        List<int[]> r = new ArrayList<>(ranges);
        r.sort((x, y) -> Integer.compare(x[0], y[0]));
        List<int[]> out = new ArrayList<>();
        for (int[] x : r) {
            if (!out.isEmpty() && x[0] <= out.get(out.size() - 1)[1] + 1) {
                int[] last = out.get(out.size() - 1);
                last[1] = Math.max(last[1], x[1]);
            } else {
                out.add(new int[] {x[0], x[1]});
            }
        }
        int[] flat = new int[out.size() * 2];
        for (int i = 0; i < out.size(); i++) {
            flat[2 * i] = out.get(i)[0];
            flat[2 * i + 1] = out.get(i)[1];
        }
        return flat;
    }
}
