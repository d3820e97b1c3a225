package io.crowsnest.detection.keywords;

import io.crowsnest.detection.inspect.Transform;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/**
 * A transform keyword ({@code to_lowercase;}, {@code xor:"0d0a";} …): applies to the current sticky buffer, so
 * it needs one (Suricata refuses transforms on the raw packet payload); the rule then waits on that buffer.
 * Each transform is registered by name with its function from {@link Transforms}.
 */
public final class TransformKeyword implements Keyword {
    /** Builds the transform from the option's value (null for transforms without one). */
    @FunctionalInterface
    public interface Factory {
        Transform create(String value, ParseContext ctx) throws RuleParseException;
    }

    private final String name;
    private final ValueMode mode;
    private final Factory factory;

    public TransformKeyword(String name, Transform t) {
        this(name, ValueMode.NONE, (v, c) -> t);
    }

    public TransformKeyword(String name, ValueMode mode, Factory factory) {
        this.name = name;
        this.mode = mode;
        this.factory = factory;
    }

    public String name() { return name; }
    public ValueMode valueMode() { return mode; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        Transform t = factory.create(value, ctx);
        if (sig.currentBuffer() == null) {
            throw ctx.error("transform " + name + " needs a sticky buffer");
        }
        // Suricata 5 accepts a transform after the buffer's content and still applies it to the whole buffer
        sig.addTransform(sig.currentBuffer(), value == null ? name : name + ":" + value, t);
    }
}
