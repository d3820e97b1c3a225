package io.crowsnest.detection.keywords;

import io.crowsnest.detection.inspect.BufferSizeMatch;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/**
 * {@code urilen:N|<N|>N|N<>M[,norm|raw];}: the length of the normalized (default) or raw request URI. Binds to
 * the http.uri / http.uri.raw buffer without making it sticky.
 */
public final class UrilenKeyword implements Keyword {
    public String name() { return "urilen"; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        String v = value;
        String buffer = "http.uri";
        int comma = value.indexOf(',');
        if (comma >= 0) {
            String mode = value.substring(comma + 1).trim();
            if (mode.equals("raw")) {
                buffer = "http.uri.raw";
            } else if (!mode.equals("norm")) {
                throw ctx.bad(value, "expected norm or raw after the comma");
            }
            v = value.substring(0, comma);
        }
        NumCondition c = NumCondition.parse(v.replace(" ", ""), ctx, 0xFFFF);
        sig.addToBuffer(buffer, new BufferSizeMatch(c::test, "urilen:" + value));
    }
}
