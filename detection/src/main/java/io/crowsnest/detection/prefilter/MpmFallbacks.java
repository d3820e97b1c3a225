package io.crowsnest.detection.prefilter;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Counts the pattern sets that were asked for Hyperscan and got Aho-Corasick instead, and prints one
 * warning per cause (the native library did not load; a set did not compile) for the whole process, so a
 * sensor on a machine without Hyperscan says so once instead of once per rule group and reload.
 */
public final class MpmFallbacks {
    private static final AtomicLong COUNT = new AtomicLong();
    private static volatile boolean warnedLoad;
    private static volatile boolean warnedCompile;
    /** Where the warning goes; tests swap it. */
    static volatile Consumer<String> sink = System.err::println;

    private MpmFallbacks() {
    }

    /** Pattern sets built with Aho-Corasick although Hyperscan was asked for, since the process started. */
    public static long count() {
        return COUNT.get();
    }

    /** The native library could not be loaded (or does not run on this CPU). */
    static void loadFailed(String reason) {
        COUNT.incrementAndGet();
        if (!warnedLoad) {
            synchronized (MpmFallbacks.class) {
                if (!warnedLoad) {
                    warnedLoad = true;
                    sink.accept("crowsnest: warning: Hyperscan is not available (" + reason
                            + "); the prefilter uses Aho-Corasick (mpm-algo ac). Further fallbacks are only counted.");
                }
            }
        }
    }

    /** The library loaded but one pattern set did not compile. */
    static void compileFailed(int patterns, String reason) {
        COUNT.incrementAndGet();
        if (!warnedCompile) {
            synchronized (MpmFallbacks.class) {
                if (!warnedCompile) {
                    warnedCompile = true;
                    sink.accept("crowsnest: warning: Hyperscan could not compile a set of " + patterns
                            + " fast patterns (" + reason + "); that set uses Aho-Corasick. Further fallbacks are only counted.");
                }
            }
        }
    }

    /** Test hook: forget the warnings already printed (the count stays: it is a process total). */
    static void resetWarningsForTests() {
        warnedLoad = false;
        warnedCompile = false;
    }
}
