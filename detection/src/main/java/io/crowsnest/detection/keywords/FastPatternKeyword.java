package io.crowsnest.detection.keywords;

import io.crowsnest.detection.inspect.ContentMatch;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code fast_pattern;}, {@code fast_pattern:only;}, {@code fast_pattern:offset,length;}. */
public final class FastPatternKeyword implements Keyword {
    public String name() { return "fast_pattern"; }
    public ValueMode valueMode() { return ValueMode.OPTIONAL; }
    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        ContentMatch c = KeywordSupport.lastContent(sig, ctx);
        for (var e : sig.payload()) {
            if (e instanceof ContentMatch o && o.fastPattern) {
                throw ctx.error("fast_pattern can be used on only one content in a rule");
            }
        }
        if (value != null && !value.isEmpty()) {
            if (value.equals("only")) {
                c.fastPatternOnly = true;
            } else {
                String[] p = value.split(",");
                if (p.length != 2) {
                    throw ctx.bad(value);
                }
                int o = KeywordSupport.parseInt(p[0], ctx, 0, 65535);
                int l = KeywordSupport.parseInt(p[1], ctx, 1, 65535);
                if (o + l > c.pattern.length) {
                    throw ctx.bad(value, "offset + length exceeds content length " + c.pattern.length);
                }
                c.fpOffset = o;
                c.fpLength = l;
            }
        }
        c.fastPattern = true;
    }
}
