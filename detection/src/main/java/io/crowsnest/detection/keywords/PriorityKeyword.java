package io.crowsnest.detection.keywords;

import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code priority:N;} overrides the classtype priority. */
public final class PriorityKeyword implements Keyword {
    public String name() { return "priority"; }
    public boolean ipOnlyCompatible() { return true; }
    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        sig.setExplicitPriority(KeywordSupport.parseInt(value, ctx, 1, 255));
    }
}
