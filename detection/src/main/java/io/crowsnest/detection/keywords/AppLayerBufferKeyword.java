package io.crowsnest.detection.keywords;

import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;
import io.crowsnest.detection.threshold.ThresholdSpec;

/** Any keyword naming an app-layer buffer ({@link io.crowsnest.detection.rules.AppLayer}): not loadable yet. */
public final class AppLayerBufferKeyword implements Keyword {
    private final String name;
    private final String buffer;

    public AppLayerBufferKeyword(String name, String buffer) {
        this.name = name;
        this.buffer = buffer;
    }

    public String name() { return name; }
    public ValueMode valueMode() { return ValueMode.OPTIONAL; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        throw ctx.error("waiting on app-layer buffer " + buffer);
    }
}
