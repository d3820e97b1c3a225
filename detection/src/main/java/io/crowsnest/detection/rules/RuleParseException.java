package io.crowsnest.detection.rules;

/** Thrown while parsing one rule; the loader turns it into a {@link RuleError}. */
public class RuleParseException extends Exception {
    public RuleParseException(String message) {
        super(message, null, false, false);
    }
}
