package io.crowsnest.detection.keywords;

import io.crowsnest.detection.inspect.ContentMatch;
import io.crowsnest.detection.rules.AppLayer;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/**
 * Any keyword naming an app-layer buffer ({@link AppLayer}), registered once per name from that list:
 * <ul>
 *   <li>a sticky buffer ({@code http.uri;}, {@code file_data;}, {@code dns_query;} …) makes the buffer current,
 *       so the following content/pcre/byte_* keywords bind to it;</li>
 *   <li>a legacy content modifier ({@code http_uri;} … after a content) moves that content to the buffer;</li>
 *   <li>a keyword with a value ({@code tls.version:1.2;}, {@code filemd5:list;} …) is kept as a condition on
 *       the buffer.</li>
 * </ul>
 * The signature is complete and bound to its buffers; the engine does not evaluate it until the app layer
 * feeds them, and {@code rules check} reports it as waiting on the buffer.
 */
public final class AppLayerBufferKeyword implements Keyword {
    private final String name;
    private final String buffer;

    public AppLayerBufferKeyword(String name, String buffer) {
        this.name = name;
        this.buffer = buffer;
    }

    public String name() { return name; }
    public ValueMode valueMode() { return ValueMode.OPTIONAL; }
    public String buffer() { return buffer; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        if (value != null) {
            sig.addToBuffer(buffer, new AppLayerCondition(name, value));
            return;
        }
        if (AppLayer.CONTENT_MODIFIERS.contains(name)) {
            ContentMatch c = sig.lastContent();
            if (c == null) {
                throw ctx.error(name + " needs a preceding content");
            }
            if (sig.currentBuffer() != null) {
                throw ctx.error(name + " can't modify a content in sticky buffer " + sig.currentBuffer());
            }
            sig.moveLastContentTo(buffer, c);
            return;
        }
        sig.setCurrentBuffer(buffer);
    }

    /** A valued app-layer keyword ({@code tls.version:1.2}), kept as is until the app layer evaluates it. */
    public static final class AppLayerCondition extends io.crowsnest.detection.inspect.PayloadElement {
        public final String keyword, value;

        AppLayerCondition(String keyword, String value) {
            this.keyword = keyword;
            this.value = value;
        }

        @Override
        public boolean isRelative() {
            return false;
        }

        @Override
        protected int inspect(io.crowsnest.detection.inspect.PayloadElement[] els, int i, byte[] buf, int off, int len,
                io.crowsnest.detection.inspect.InspectionContext ctx) {
            return io.crowsnest.detection.inspect.PayloadInspector.DISCONTINUE; // the app layer evaluates it
        }

        @Override
        public String toString() {
            return keyword + ":" + value;
        }
    }
}
