package io.crowsnest.detection.keywords;

import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/**
 * {@code tag:session|host[,N,packets|seconds|bytes][,src|dst];}: parsed and validated; tagging (logging the
 * following packets of the session or host) is not implemented, so it does not change what the rule matches
 * or alerts.
 */
public final class TagKeyword implements Keyword {
    public String name() { return "tag"; }
    public boolean ipOnlyCompatible() { return true; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        String[] a = value.split(",");
        String type = a[0].trim();
        if (!type.equals("session") && !type.equals("host")) {
            throw ctx.bad(value, "expected session or host");
        }
        if (a.length >= 2) {
            KeywordSupport.parseLong(a[1], ctx, 0, Integer.MAX_VALUE);
            if (a.length < 3 || !java.util.Set.of("packets", "seconds", "bytes").contains(a[2].trim())) {
                throw ctx.bad(value, "expected packets, seconds or bytes after the count");
            }
        }
        if (a.length >= 4) {
            String dir = a[3].trim();
            if (!dir.equals("src") && !dir.equals("dst")) {
                throw ctx.bad(value, "expected src or dst");
            }
        }
        if (a.length > 4) {
            throw ctx.bad(value, "too many fields");
        }
    }
}
