package io.crowsnest.detection.keywords;

import io.crowsnest.detection.inspect.ByteExtractMatch;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/**
 * {@code byte_math:bytes N, offset N, oper +|-|*|/|<<|>>, rvalue N|var, result name[, relative]
 * [, endian big|little][, string hex|dec|oct][, bitmask M];}: reads a value, combines it with rvalue and stores
 * the result in a rule variable (as byte_extract does).
 */
public final class ByteMathKeyword implements Keyword {
    public String name() { return "byte_math"; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        Integer nbytes = null, offset = null;
        Character op = null;
        String rvalue = null, result = null;
        boolean relative = false, little = false, string = false;
        int base = 10;
        long bitmask = 0;
        for (String part : value.split(",")) {
            String t = part.trim();
            String[] kv = t.split("\\s+", 2);
            String k = kv[0];
            String v = kv.length > 1 ? kv[1].trim() : null;
            if (k.equals("relative") && v == null) {
                relative = true;
                continue;
            }
            if (k.equals("dce") && v == null) {
                throw ctx.error("waiting on app-layer buffer dce");
            }
            if (v == null) {
                throw ctx.bad(value, "'" + k + "' needs a value");
            }
            switch (k) {
                case "bytes": nbytes = KeywordSupport.parseInt(v, ctx, 1, 10); break;
                case "offset": offset = KeywordSupport.parseInt(v, ctx, -65535, 65535); break;
                case "oper":
                    switch (v) {
                        case "+": case "-": case "*": case "/": op = v.charAt(0); break;
                        case "<<": op = '<'; break;
                        case ">>": op = '>'; break;
                        default: throw ctx.bad(value, "unknown operator '" + v + "'");
                    }
                    break;
                case "rvalue": rvalue = v; break;
                case "result": result = v; break;
                case "endian":
                    if (!v.equals("big") && !v.equals("little")) {
                        throw ctx.bad(value, "endian must be big or little");
                    }
                    little = v.equals("little");
                    break;
                case "string":
                    string = true;
                    switch (v) {
                        case "hex": base = 16; break;
                        case "dec": base = 10; break;
                        case "oct": base = 8; break;
                        default: throw ctx.bad(value, "string must be hex, dec or oct");
                    }
                    break;
                case "bitmask": bitmask = ByteTestKeyword.number(v, value, ctx); break;
                default: throw ctx.bad(value, "unknown option '" + k + "'");
            }
        }
        if (nbytes == null || offset == null || op == null || rvalue == null || result == null) {
            throw ctx.bad(value, "needs bytes, offset, oper, rvalue and result");
        }
        if (!string && nbytes > 4) {
            throw ctx.bad(value, "bytes must be 1..4 without string");
        }
        int rvar = ctx.byteVar(rvalue);
        long rconst = rvar >= 0 ? 0 : KeywordSupport.parseLong(rvalue, ctx, 0, 0xFFFFFFFFL);
        int slot = ctx.declareByteVar(result);
        sig.addPayload(new ByteExtractMatch(nbytes, offset, slot, relative, little, string, base, 1, 0, bitmask,
                op, rconst, rvar));
        sig.markNotIpOnly();
    }
}
