package io.crowsnest.detection.keywords;

import io.crowsnest.detection.inspect.ContentMatch;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code offset:N;} on the preceding content. */
public final class OffsetKeyword implements Keyword {
    public String name() { return "offset"; }
    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        ContentMatch c = KeywordSupport.lastContent(sig, ctx);
        if (c.hasOffset) {
            throw ctx.error("can't use multiple offsets for the same content");
        }
        if (c.hasDistance || c.hasWithin) {
            throw ctx.error("can't use a relative keyword like within/distance with an absolute keyword like depth/offset for the same content");
        }
        if (c.startsWith) {
            throw ctx.error("offset can't be used with startswith");
        }
        int var = ctx.byteVar(value);
        if (var >= 0) {
            c.offsetVar = var;
            c.hasOffset = true;
            return;
        }
        c.offset = KeywordSupport.parseInt(value, ctx, 0, 65535);
        c.hasOffset = true;
    }
}
