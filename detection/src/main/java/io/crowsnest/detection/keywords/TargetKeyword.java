package io.crowsnest.detection.keywords;

import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code target:src_ip|dest_ip;} */
public final class TargetKeyword implements Keyword {
    public String name() { return "target"; }
    public boolean ipOnlyCompatible() { return true; }
    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        String v = value.trim();
        if (!v.equals("src_ip") && !v.equals("dest_ip")) {
            throw ctx.bad(value, "expected src_ip or dest_ip");
        }
        sig.setTarget(v);
    }
}
