package io.crowsnest.detection.keywords;

import io.crowsnest.detection.inspect.ContentMatch;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code nocase;} on the preceding content. */
public final class NocaseKeyword implements Keyword {
    public String name() { return "nocase"; }
    public ValueMode valueMode() { return ValueMode.NONE; }
    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        ContentMatch c = KeywordSupport.lastContent(sig, ctx);
        if (c.nocase) {
            throw ctx.error("can't use multiple nocase modifiers with the same content");
        }
        c.setNocase();
    }
}
