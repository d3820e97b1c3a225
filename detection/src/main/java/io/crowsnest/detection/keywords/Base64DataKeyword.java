package io.crowsnest.detection.keywords;

import io.crowsnest.detection.inspect.Base64DataMatch;
import io.crowsnest.detection.inspect.Base64DecodeMatch;
import io.crowsnest.detection.inspect.PayloadElement;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code base64_data;}: the following content/pcre inspect what the preceding base64_decode decoded. */
public final class Base64DataKeyword implements Keyword {
    public String name() { return "base64_data"; }
    public ValueMode valueMode() { return ValueMode.NONE; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        boolean decode = false;
        for (PayloadElement e : sig.currentPayload()) {
            decode |= e instanceof Base64DecodeMatch;
        }
        if (!decode) {
            throw ctx.error("base64_data needs a preceding base64_decode");
        }
        sig.addPayload(new Base64DataMatch());
    }
}
