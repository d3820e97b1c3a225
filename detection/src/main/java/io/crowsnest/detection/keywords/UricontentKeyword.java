package io.crowsnest.detection.keywords;

import io.crowsnest.detection.inspect.ContentMatch;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code uricontent:"x";}: the legacy spelling of {@code content:"x"; http_uri;}. */
public final class UricontentKeyword implements Keyword {
    private final ContentKeyword content = new ContentKeyword();

    public String name() { return "uricontent"; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        if (sig.currentBuffer() != null) {
            throw ctx.error("uricontent can't be used in sticky buffer " + sig.currentBuffer());
        }
        content.setup(sig, value, ctx);
        ContentMatch c = sig.lastContent();
        sig.moveLastContentTo("http.uri", c);
    }
}
