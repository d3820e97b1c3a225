package io.crowsnest.detection.keywords;

import io.crowsnest.detection.inspect.ContentMatch;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code startswith;} = depth:len, offset:0. */
public final class StartsWithKeyword implements Keyword {
    public String name() { return "startswith"; }
    public ValueMode valueMode() { return ValueMode.NONE; }
    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        ContentMatch c = KeywordSupport.lastContent(sig, ctx);
        if (c.hasDepth || c.hasOffset || c.hasDistance || c.hasWithin) {
            throw ctx.error("startswith can't be combined with depth, offset, distance or within");
        }
        c.startsWith = true;
        c.hasDepth = true;
        c.depth = c.pattern.length;
        c.offset = 0;
    }
}
