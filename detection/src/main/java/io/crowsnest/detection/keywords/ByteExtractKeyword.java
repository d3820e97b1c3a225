package io.crowsnest.detection.keywords;

import io.crowsnest.detection.inspect.ByteExtractMatch;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/**
 * {@code byte_extract:nbytes,offset,name[,relative][,multiplier N][,big|little][,string[,hex|dec|oct]][,align 2|4];}
 * stores a value read from the payload in a rule variable that byte_test, byte_jump, isdataat, byte_math and
 * content offset/depth/distance/within can use by name.
 */
public final class ByteExtractKeyword implements Keyword {
    public String name() { return "byte_extract"; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        String[] a = value.split(",");
        if (a.length < 3) {
            throw ctx.bad(value, "expected nbytes, offset, name");
        }
        for (int i = 0; i < a.length; i++) {
            a[i] = a[i].trim();
        }
        int offset = KeywordSupport.parseInt(a[1], ctx, -65535, 65535);
        boolean relative = false, little = false, big = false, string = false;
        int base = 0, align = 0;
        long multiplier = 1;
        for (int i = 3; i < a.length; i++) {
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
                case "dce": throw ctx.error("waiting on app-layer buffer dce");
                default:
                    if (t.startsWith("multiplier")) {
                        multiplier = KeywordSupport.parseLong(t.substring(10).trim(), ctx, 1, 65535);
                    } else if (t.startsWith("align")) {
                        align = KeywordSupport.parseInt(t.substring(5).trim(), ctx, 2, 4);
                        if (align == 3) {
                            throw ctx.bad(value, "align must be 2 or 4");
                        }
                    } else {
                        throw ctx.bad(value, "unknown option '" + t + "'");
                    }
            }
        }
        if (little && big) {
            throw ctx.bad(value, "both big and little endian");
        }
        if (base != 0 && !string) {
            throw ctx.bad(value, "number base without string");
        }
        if (string && (little || big)) {
            throw ctx.bad(value, "string can't have an endianness");
        }
        int nbytes = ByteTestKeyword.nbytes(a[0], string, value, ctx);
        if (nbytes == 0) {
            throw ctx.bad(value, "nbytes must be at least 1");
        }
        int slot = ctx.declareByteVar(a[2]);
        sig.addPayload(new ByteExtractMatch(nbytes, offset, slot, relative, little, string, base == 0 ? 10 : base,
                multiplier, align, 0, (char) 0, 0, -1));
        sig.markNotIpOnly();
    }
}
