package io.crowsnest.detection.keywords;

import io.crowsnest.detection.inspect.Base64DecodeMatch;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code base64_decode[:bytes N][, offset N][, relative];} decodes into the worker's scratch buffer. */
public final class Base64DecodeKeyword implements Keyword {
    public String name() { return "base64_decode"; }
    public ValueMode valueMode() { return ValueMode.OPTIONAL; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        int bytes = 0, offset = 0;
        boolean relative = false;
        if (value != null) {
            for (String part : value.split(",")) {
                String[] kv = part.trim().split("\\s+");
                switch (kv[0]) {
                    case "relative":
                        if (kv.length != 1) {
                            throw ctx.bad(value);
                        }
                        relative = true;
                        break;
                    case "bytes":
                        if (kv.length != 2) {
                            throw ctx.bad(value, "bytes needs a number");
                        }
                        bytes = KeywordSupport.parseInt(kv[1], ctx, 1, 65535);
                        break;
                    case "offset":
                        if (kv.length != 2) {
                            throw ctx.bad(value, "offset needs a number");
                        }
                        offset = KeywordSupport.parseInt(kv[1], ctx, 0, 65535);
                        break;
                    default:
                        throw ctx.bad(value, "unknown option '" + kv[0] + "'");
                }
            }
        }
        sig.addPayload(new Base64DecodeMatch(bytes, offset, relative));
        sig.markNotIpOnly();
    }
}
