package io.crowsnest.detection.keywords;

import io.crowsnest.detection.inspect.ContentMatch;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code endswith;} the content must end at the end of the buffer. */
public final class EndsWithKeyword implements Keyword {
    public String name() { return "endswith"; }
    public ValueMode valueMode() { return ValueMode.NONE; }
    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        ContentMatch c = KeywordSupport.lastContent(sig, ctx);
        c.endsWith = true;
    }
}
