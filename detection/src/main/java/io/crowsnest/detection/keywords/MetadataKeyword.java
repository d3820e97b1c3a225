package io.crowsnest.detection.keywords;

import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code metadata:key value, key value;} kept as key to values in rule order. */
public final class MetadataKeyword implements Keyword {
    public String name() { return "metadata"; }
    public boolean ipOnlyCompatible() { return true; }
    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        for (String item : value.split(",")) {
            String t = item.trim();
            if (t.isEmpty()) {
                continue;
            }
            int sp = t.indexOf(' ');
            if (sp < 0) {
                sig.addMetadata(t, "");
            } else {
                sig.addMetadata(t.substring(0, sp).trim(), t.substring(sp + 1).trim());
            }
        }
    }
}
