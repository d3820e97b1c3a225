package io.crowsnest.detection.keywords;

import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code reference:type,id;} */
public final class ReferenceKeyword implements Keyword {
    public String name() { return "reference"; }
    public boolean ipOnlyCompatible() { return true; }
    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        String v = KeywordSupport.unquote(value);
        int comma = v.indexOf(',');
        if (comma <= 0 || comma == v.length() - 1) {
            throw ctx.bad(value, "expected type,id");
        }
        sig.addReference(v.substring(0, comma).trim() + "," + v.substring(comma + 1).trim());
    }
}
