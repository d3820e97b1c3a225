package io.crowsnest.detection.keywords;

import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code sid:N;} */
public final class SidKeyword implements Keyword {
    public String name() { return "sid"; }
    public boolean ipOnlyCompatible() { return true; }
    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        sig.setSid(KeywordSupport.parseLong(value, ctx, 1, 0xFFFFFFFFL));
    }
}
