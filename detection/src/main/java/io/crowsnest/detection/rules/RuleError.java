package io.crowsnest.detection.rules;

/** One rule that could not be loaded: where it is, its sid (0 when unknown) and why. */
public record RuleError(String file, int line, long sid, String message) {
    @Override
    public String toString() {
        return file + ":" + line + (sid != 0 ? " sid " + sid : "") + ": " + message;
    }
}
