package io.crowsnest.detection.keywords;

import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code noalert;} */
public final class NoalertKeyword implements Keyword {
    public String name() { return "noalert"; }
    public ValueMode valueMode() { return ValueMode.NONE; }
    public boolean ipOnlyCompatible() { return true; }
    public void setup(Signature sig, String value, ParseContext ctx) {
        sig.setNoalert();
    }
}
