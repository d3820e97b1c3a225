package io.crowsnest.detection.keywords;

import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code gid:N;} (default 1). */
public final class GidKeyword implements Keyword {
    public String name() { return "gid"; }
    public boolean ipOnlyCompatible() { return true; }
    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        sig.setGid(KeywordSupport.parseInt(value, ctx, 0, Integer.MAX_VALUE));
    }
}
