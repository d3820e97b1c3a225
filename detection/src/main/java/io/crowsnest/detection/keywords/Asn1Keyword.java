package io.crowsnest.detection.keywords;

import io.crowsnest.detection.inspect.Asn1Match;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/**
 * {@code asn1:[bitstring_overflow][, double_overflow][, oversize_length N][, absolute_offset N |
 * relative_offset [-]N];} — options separated by commas and/or spaces, as Suricata parses them
 * (oversize_length 0..2^32-1, absolute_offset 0..65535, relative_offset -65535..65535). Inspects the packet
 * payload; see {@link Asn1Match}.
 */
public final class Asn1Keyword implements Keyword {
    public String name() { return "asn1"; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        String[] t = value.trim().split("[\\s,]+");
        if (value.isBlank()) {
            throw ctx.bad(value, "no option");
        }
        boolean bits = false, dbl = false, rel = false;
        long oversize = -1;
        int abs = -1, relOff = 0;
        for (int i = 0; i < t.length; i++) {
            switch (t[i]) {
                case "bitstring_overflow": bits = true; break;
                case "double_overflow": dbl = true; break;
                case "oversize_length": oversize = number(t, ++i, 0, 0xFFFFFFFFL, value, ctx); break;
                case "absolute_offset": abs = (int) number(t, ++i, 0, 0xFFFF, value, ctx); break;
                case "relative_offset":
                    rel = true;
                    relOff = (int) number(t, ++i, -0xFFFF, 0xFFFF, value, ctx);
                    break;
                default: throw ctx.bad(value, "unknown option '" + t[i] + "'");
            }
        }
        if (sig.currentBuffer() != null) {
            throw ctx.error("asn1 inspects the packet payload: put it before " + sig.currentBuffer());
        }
        sig.addPayload(new Asn1Match(bits, dbl, oversize, abs, rel && abs < 0, relOff, Asn1Match.DEFAULT_MAX_FRAMES,
                "asn1:" + value));
        sig.markNotIpOnly();
    }

    private static long number(String[] t, int i, long min, long max, String value, ParseContext ctx)
            throws RuleParseException {
        if (i >= t.length) {
            throw ctx.bad(value, "'" + t[i - 1] + "' needs a number");
        }
        try {
            long n = Long.parseLong(t[i]);
            if (n < min || n > max) {
                throw ctx.bad(value, t[i - 1] + " out of range " + min + ".." + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw ctx.bad(value, "'" + t[i - 1] + "' needs a number, not '" + t[i] + "'");
        }
    }
}
