package io.crowsnest.detection.keywords;

import io.crowsnest.detection.inspect.ContentMatch;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code depth:N;} on the preceding content (absolute, from its offset). */
public final class DepthKeyword implements Keyword {
    public String name() { return "depth"; }
    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        ContentMatch c = KeywordSupport.lastContent(sig, ctx);
        if (c.hasDepth) {
            throw ctx.error("can't use multiple depths for the same content");
        }
        if (c.hasDistance || c.hasWithin) {
            throw ctx.error("can't use a relative keyword like within/distance with an absolute keyword like depth/offset for the same content");
        }
        int var = ctx.byteVar(value);
        if (var >= 0) {
            c.depthVar = var;
            c.hasDepth = true;
            return;
        }
        int d = KeywordSupport.parseInt(value, ctx, 1, 65535);
        if (d < c.pattern.length) {
            throw ctx.bad(value, "depth smaller than content length " + c.pattern.length);
        }
        c.depth = d;
        c.hasDepth = true;
    }
}
