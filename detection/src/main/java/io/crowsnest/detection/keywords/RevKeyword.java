package io.crowsnest.detection.keywords;

import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code rev:N;} */
public final class RevKeyword implements Keyword {
    public String name() { return "rev"; }
    public boolean ipOnlyCompatible() { return true; }
    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        sig.setRev(KeywordSupport.parseInt(value, ctx, 0, Integer.MAX_VALUE));
    }
}
