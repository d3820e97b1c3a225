package io.crowsnest.detection.prefilter;

import java.util.Locale;

/**
 * The multi-pattern engine behind {@link PatternSetBuilder#build()} (Suricata calls this setting
 * {@code mpm-algo}). Chosen for the whole process: the system property {@value #PROPERTY}, which the
 * sensor's {@code --mpm-algo} option sets, or {@link PatternSetBuilder#DEFAULT_ALGO}.
 */
public enum MpmAlgo {
    /** {@link AhoCorasickMatcher}: pure Java, always available. */
    AC("ac"),
    /** {@link HyperscanMatcher}: native, linux-x86_64 with SSSE3; falls back to {@link #AC} when it cannot load. */
    HS("hs");

    /** The system property that selects the engine: {@code ac} or {@code hs}. */
    public static final String PROPERTY = "crowsnest.mpm";

    private final String key;

    MpmAlgo(String key) {
        this.key = key;
    }

    /** The name used on the command line and in {@value #PROPERTY}. */
    public String key() {
        return key;
    }

    /**
     * Parses {@code ac} or {@code hs} (any case, surrounding blanks ignored).
     *
     * @throws IllegalArgumentException naming the value and the allowed ones
     */
    public static MpmAlgo parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (MpmAlgo a : values()) {
            if (a.key.equals(v)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown mpm-algo '" + value + "' (allowed: ac, hs)");
    }

    /**
     * The engine {@value #PROPERTY} selects, or {@code fallback} when it is unset or blank.
     *
     * @throws IllegalArgumentException when the property holds something else than ac or hs
     */
    public static MpmAlgo configured(MpmAlgo fallback) {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return parse(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + ": " + e.getMessage(), e);
        }
    }
}
