package io.crowsnest.detection.keywords;

import io.crowsnest.detection.inspect.ContentMatch;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code distance:N;} (may be negative) relative to the previous match. */
public final class DistanceKeyword implements Keyword {
    public String name() { return "distance"; }
    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        ContentMatch c = KeywordSupport.lastContent(sig, ctx);
        if (c.hasDistance) {
            throw ctx.error("can't use multiple distances for the same content");
        }
        if (c.hasDepth || c.hasOffset) {
            throw ctx.error("can't use a relative keyword like within/distance with an absolute keyword like depth/offset for the same content");
        }
        int var = ctx.byteVar(value);
        if (var >= 0) {
            c.distanceVar = var;
            c.hasDistance = true;
            return;
        }
        c.distance = KeywordSupport.parseInt(value, ctx, -65535, 65535);
        c.hasDistance = true;
    }
}
