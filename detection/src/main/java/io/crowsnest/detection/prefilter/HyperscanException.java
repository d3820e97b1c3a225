package io.crowsnest.detection.prefilter;

/** Hyperscan refused a pattern set (compile error) or a native allocation; the builder falls back to Aho-Corasick. */
final class HyperscanException extends Exception {
    private static final long serialVersionUID = 1L;

    HyperscanException(String message) {
        super(message);
    }
}
