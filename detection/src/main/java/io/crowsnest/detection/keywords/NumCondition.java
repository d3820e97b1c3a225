package io.crowsnest.detection.keywords;

import io.crowsnest.detection.rules.RuleParseException;

/**
 * Suricata's integer comparison syntax (DetectU8/U16/U32): {@code N}, {@code <N}, {@code >N}, {@code <=N},
 * {@code >=N}, {@code !N}, {@code N<>M} and {@code N-M} (exclusive range), {@code !N-M} (outside it).
 */
public final class NumCondition {
    public enum Mode { EQ, LT, GT, LE, GE, NE, RANGE, NOT_RANGE }

    public final Mode mode;
    public final long a, b;

    private NumCondition(Mode mode, long a, long b) {
        this.mode = mode;
        this.a = a;
        this.b = b;
    }

    public boolean test(long v) {
        switch (mode) {
            case EQ: return v == a;
            case LT: return v < a;
            case GT: return v > a;
            case LE: return v <= a;
            case GE: return v >= a;
            case NE: return v != a;
            case NOT_RANGE: return !(v > a && v < b);
            default: return v > a && v < b;
        }
    }

    public static NumCondition parse(String value, ParseContext ctx, long max) throws RuleParseException {
        String v = value.trim();
        try {
            if (v.startsWith("<=")) {
                return new NumCondition(Mode.LE, num(v.substring(2), max), 0);
            }
            if (v.startsWith(">=")) {
                return new NumCondition(Mode.GE, num(v.substring(2), max), 0);
            }
            if (v.startsWith("<")) {
                return new NumCondition(Mode.LT, num(v.substring(1), max), 0);
            }
            if (v.startsWith(">")) {
                return new NumCondition(Mode.GT, num(v.substring(1), max), 0);
            }
            if (v.startsWith("!")) {
                String rest = v.substring(1).trim();
                if (rest.indexOf('-', 1) > 0 || rest.contains("<>")) {
                    NumCondition r = parse(rest, ctx, max);
                    if (r.mode != Mode.RANGE) {
                        throw ctx.bad(value);
                    }
                    return new NumCondition(Mode.NOT_RANGE, r.a, r.b);
                }
                return new NumCondition(Mode.NE, num(rest, max), 0);
            }
            if (v.startsWith("=")) {
                return new NumCondition(Mode.EQ, num(v.substring(1), max), 0);
            }
            int r = v.indexOf("<>");
            int sep = 2;
            if (r < 0) {
                r = v.indexOf('-', 1);
                sep = 1;
            }
            if (r > 0) {
                long lo = num(v.substring(0, r), max), hi = num(v.substring(r + sep), max);
                if (hi <= lo) {
                    throw ctx.bad(value, "range must be increasing");
                }
                return new NumCondition(Mode.RANGE, lo, hi);
            }
            return new NumCondition(Mode.EQ, num(v, max), 0);
        } catch (NumberFormatException e) {
            throw ctx.bad(value);
        }
    }

    private static long num(String s, long max) {
        long n = Long.parseLong(s.trim());
        if (n < 0 || n > max) {
            throw new NumberFormatException();
        }
        return n;
    }
}
