package io.crowsnest.detection.keywords;

import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

import io.crowsnest.detection.rules.Classification;

/** {@code classtype:name;} resolved through classification.config. */
public final class ClasstypeKeyword implements Keyword {
    public String name() { return "classtype"; }
    public boolean ipOnlyCompatible() { return true; }
    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        String n = KeywordSupport.unquote(value).trim();
        Classification c = ctx.classifications().get(n);
        if (c == null) {
            throw ctx.error("unknown classtype '" + n + "'");
        }
        sig.setClassification(c);
    }
}
