package io.crowsnest.detection.keywords;

import io.crowsnest.detection.inspect.ContentMatch;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code within:N;} relative to the previous match. */
public final class WithinKeyword implements Keyword {
    public String name() { return "within"; }
    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        ContentMatch c = KeywordSupport.lastContent(sig, ctx);
        if (c.hasWithin) {
            throw ctx.error("can't use multiple withins for the same content");
        }
        if (c.hasDepth || c.hasOffset) {
            throw ctx.error("can't use a relative keyword like within/distance with an absolute keyword like depth/offset for the same content");
        }
        int var = ctx.byteVar(value);
        if (var >= 0) {
            c.withinVar = var;
            c.hasWithin = true;
            return;
        }
        int w = KeywordSupport.parseInt(value, ctx, -65535, 65535);
        if (w < c.pattern.length) {
            throw ctx.bad(value, "within smaller than content length " + c.pattern.length);
        }
        c.within = w;
        c.hasWithin = true;
    }
}
