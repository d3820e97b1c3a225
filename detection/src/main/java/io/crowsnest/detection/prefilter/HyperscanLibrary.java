package io.crowsnest.detection.prefilter;

import org.bytedeco.hyperscan.global.hyperscan;
import org.bytedeco.javacpp.Loader;

/**
 * Loads the native Hyperscan library (JavaCPP's {@code libjnihyperscan}, linux-x86_64 only) once per process
 * and says whether it can be used. Nothing here throws: every way loading can fail - no natives for this
 * platform, a missing {@code libstdc++.so.6}/{@code libgcc_s.so.1}, a CPU without SSSE3, a cache directory
 * JavaCPP cannot write - becomes a reason string, and the caller falls back to Aho-Corasick.
 *
 * <p>No other class may touch an {@code org.bytedeco.hyperscan} class before {@link #unavailableReason()}
 * returned null: a class whose static initializer failed to load its library stays unusable for the life of
 * the JVM ({@code NoClassDefFoundError} on every later use).
 */
final class HyperscanLibrary {
    /** Test hook: when set, the library counts as unavailable for this reason. */
    private static volatile String simulatedFailure;

    private HyperscanLibrary() {
    }

    /** Null when Hyperscan can be used here; otherwise why not, in one line. */
    static String unavailableReason() {
        String simulated = simulatedFailure;
        return simulated != null ? simulated : Loaded.REASON;
    }

    /** Package-private test hook: pretend loading failed with {@code reason} (null: back to the real outcome). */
    static void simulateLoadFailure(String reason) {
        simulatedFailure = reason;
    }

    /** Initialised on first use only, so a JVM that never asks for Hyperscan never loads it. */
    private static final class Loaded {
        static final String REASON = load();

        private static String load() {
            try {
                Loader.load(hyperscan.class);
                int rc = hyperscan.hs_valid_platform();
                if (rc != hyperscan.HS_SUCCESS) {
                    return "hs_valid_platform() = " + rc + ": this CPU lacks SSSE3, which Hyperscan needs";
                }
                return null;
            } catch (LinkageError | RuntimeException e) {
                // UnsatisfiedLinkError (no natives for os.arch, a missing libstdc++), ExceptionInInitializerError,
                // NoClassDefFoundError (JavaCPP classes missing), SecurityException
                // JavaCPP's own message is "no jnihyperscan in java.library.path"; the cause says what dlopen saw,
                // e.g. "libpthread.so.0: cannot open shared object file"
                Throwable root = e;
                while (root.getCause() != null && root.getCause() != root) {
                    root = root.getCause();
                }
                String m = root.getMessage();
                return e.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""))
                        + " (os.arch " + System.getProperty("os.arch") + ")";
            }
        }
    }
}
