package io.crowsnest.detection.keywords;

import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

import io.crowsnest.detection.inspect.ByteJumpMatch;

/**
 * {@code byte_jump:nbytes,offset[,relative][,multiplier N][,big|little][,string[,hex|dec|oct]][,align]
 * [,from_beginning|from_end][,post_offset N][,bitmask M];}
 */
public final class ByteJumpKeyword implements Keyword {
    public String name() { return "byte_jump"; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        String[] a = value.split(",");
        if (a.length < 2) {
            throw ctx.bad(value, "expected nbytes, offset");
        }
        for (int i = 0; i < a.length; i++) {
            a[i] = a[i].trim();
        }
        int offsetVar = ctx.byteVar(a[1]);
        int offset = offsetVar >= 0 ? 0 : ByteTestKeyword.offset(a[1], value, ctx);
        boolean relative = false, little = false, big = false, string = false, align = false, begin = false, end = false;
        int base = 0;
        long multiplier = 1, post = 0, bitmask = 0;
        for (int i = 2; i < a.length; i++) {
            String t = a[i];
            switch (t) {
                case "relative": relative = true; break;
                case "big": big = true; break;
                case "little": little = true; break;
                case "string": string = true; break;
                case "hex": case "dec": case "oct":
                    if (base != 0) {
                        throw ctx.bad(value, "more than one number base");
                    }
                    base = t.equals("hex") ? 16 : t.equals("dec") ? 10 : 8;
                    break;
                case "align": align = true; break;
                case "from_beginning": begin = true; break;
                case "from_end": end = true; break;
                case "dce": throw ctx.error("waiting on app-layer buffer dce");
                default:
                    if (t.startsWith("multiplier")) {
                        multiplier = KeywordSupport.parseLong(t.substring(10).trim(), ctx, 1, 65535);
                    } else if (t.startsWith("post_offset")) {
                        post = KeywordSupport.parseLong(t.substring(11).trim(), ctx, -65535 * 16L, 65535 * 16L);
                    } else if (t.startsWith("bitmask")) {
                        bitmask = ByteTestKeyword.number(t.substring(7).trim(), value, ctx);
                    } else {
                        throw ctx.bad(value, "unknown option '" + t + "'");
                    }
            }
        }
        if (little && big) {
            throw ctx.bad(value, "both big and little endian");
        }
        if (begin && end) {
            throw ctx.bad(value, "from_beginning and from_end conflict");
        }
        if (base != 0 && !string) {
            throw ctx.bad(value, "number base without string");
        }
        int nbytes = ByteTestKeyword.nbytes(a[0], string, value, ctx);
        ByteJumpMatch m = new ByteJumpMatch(nbytes, offset, relative, little, string, base == 0 ? 10 : base,
                multiplier, align, begin, end, post, bitmask);
        m.offsetVar = offsetVar;
        sig.addPayload(m);
        sig.markNotIpOnly();
    }
}
