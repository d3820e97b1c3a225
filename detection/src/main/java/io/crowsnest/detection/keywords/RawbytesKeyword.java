package io.crowsnest.detection.keywords;

import io.crowsnest.detection.inspect.ContentMatch;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code rawbytes;} accepted (packet payload is always raw here). */
public final class RawbytesKeyword implements Keyword {
    public String name() { return "rawbytes"; }
    public ValueMode valueMode() { return ValueMode.NONE; }
    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        KeywordSupport.lastContent(sig, ctx).rawbytes = true;
    }
}
