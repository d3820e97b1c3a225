package io.crowsnest.detection.keywords;

import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code msg:"text";} */
public final class MsgKeyword implements Keyword {
    public String name() { return "msg"; }
    public boolean ipOnlyCompatible() { return true; }
    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        sig.setMsg(KeywordSupport.unquote(value));
    }
}
