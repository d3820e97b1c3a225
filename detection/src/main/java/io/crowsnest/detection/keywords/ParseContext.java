package io.crowsnest.detection.keywords;

import io.crowsnest.detection.rules.ClassificationConfig;
import io.crowsnest.detection.rules.RuleParseException;

/** What a keyword may use while parsing: the classifications, the flowbit name registry, error helpers. */
public final class ParseContext {
    private final ClassificationConfig classifications;
    private final FlowbitRegistry flowbits;
    private String keyword;

    public ParseContext(ClassificationConfig classifications, FlowbitRegistry flowbits) {
        this.classifications = classifications;
        this.flowbits = flowbits;
    }

    public ClassificationConfig classifications() {
        return classifications;
    }

    public FlowbitRegistry flowbits() {
        return flowbits;
    }

    /** The keyword being parsed (set by the loader). */
    public void keyword(String keyword) {
        this.keyword = keyword;
    }

    public String keyword() {
        return keyword;
    }

    /** "bad value 'x' for depth" (the loader appends the column). */
    public RuleParseException bad(String value) {
        return new RuleParseException("bad value '" + value + "' for " + keyword);
    }

    public RuleParseException bad(String value, String why) {
        return new RuleParseException("bad value '" + value + "' for " + keyword + " (" + why + ")");
    }

    public RuleParseException error(String message) {
        return new RuleParseException(message);
    }
}
