package io.crowsnest.detection.pcre;

/** A rule's {@code pcre} value that cannot be compiled: bad delimiters or modifiers, invalid or unsupported syntax. */
public final class PcreSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String value;
    private final int index;

    public PcreSyntaxException(String message, String value, int index) {
        super(message + (index >= 0 ? " at index " + index : "") + " in pcre " + quote(value));
        this.value = value;
        this.index = index;
    }

    /** The pcre value (or pattern) as given. */
    public String value() {
        return value;
    }

    /** Index into the pattern (between the slashes) where the problem was found, or -1. */
    public int index() {
        return index;
    }

    private static String quote(String v) {
        return v == null ? "null" : '"' + v + '"';
    }
}
