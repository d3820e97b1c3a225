package io.crowsnest.detection.keywords;

import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

import io.crowsnest.detection.inspect.IsDataAtMatch;

/** {@code isdataat:[!]N[,relative][,rawbytes];} */
public final class IsDataAtKeyword implements Keyword {
    public String name() { return "isdataat"; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        String[] a = value.split(",");
        String n = a[0].trim();
        boolean neg = false;
        if (n.startsWith("!")) {
            neg = true;
            n = n.substring(1).trim();
        }
        boolean relative = false;
        for (int i = 1; i < a.length; i++) {
            String t = a[i].trim();
            if (t.equals("relative")) {
                relative = true;
            } else if (!t.equals("rawbytes")) {
                throw ctx.bad(value, "unknown option '" + t + "'");
            }
        }
        int var = ctx.byteVar(n);
        int at = var >= 0 ? 0 : KeywordSupport.parseInt(n, ctx, 0, 65535);
        IsDataAtMatch m = new IsDataAtMatch(at, neg, relative);
        m.dataAtVar = var;
        sig.addPayload(m);
        sig.markNotIpOnly();
    }
}
