package io.crowsnest.detection.prefilter;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects fast patterns and compiles them into one {@link MultiPatternMatcher}: Aho-Corasick
 * ({@link #buildAhoCorasick()}) or Hyperscan ({@link #buildHyperscan()}), which report the same ids for the
 * same input; {@link #build()} picks the process's engine.
 *
 * <p>Ids are handed out in insertion order, starting at 0. Adding the same bytes twice returns two ids; both
 * are reported by the matcher (they share one automaton state). Not thread-safe; the built matcher is
 * immutable and independent of the builder (later {@code add}s do not affect it).
 */
public final class PatternSetBuilder {
    /** Default cap on the dense (full-DFA) part of the state table, in table entries (4M ints = 16 MiB). */
    public static final int DEFAULT_DENSE_BUDGET = 1 << 22;

    /**
     * The engine {@link #build()} uses when {@value MpmAlgo#PROPERTY} is not set: Hyperscan, chosen by the
     * end-to-end replay benchmark (see {@link #build()}); Aho-Corasick wherever Hyperscan cannot load.
     */
    public static final MpmAlgo DEFAULT_ALGO = MpmAlgo.HS;

    private final List<byte[]> patterns = new ArrayList<>();
    private final List<Boolean> nocase = new ArrayList<>();
    private int denseBudget = DEFAULT_DENSE_BUDGET;

    /**
     * Adds a pattern and returns its id.
     *
     * @param pattern non-empty bytes (copied)
     * @param nocase  true to match any ASCII case ({@code A-Z == a-z}); false for exact bytes
     */
    public int add(byte[] pattern, boolean nocase) {
        if (pattern == null || pattern.length == 0) {
            throw new IllegalArgumentException("a fast pattern must be at least one byte");
        }
        patterns.add(pattern.clone());
        this.nocase.add(nocase);
        return patterns.size() - 1;
    }

    /** Number of patterns added so far. */
    public int size() {
        return patterns.size();
    }

    /**
     * Caps the number of dense state-table entries (states x alphabet classes). States beyond the cap, in
     * breadth-first order (so the deepest ones), are stored sparsely with failure links. Mainly for memory
     * control of very large sets and for tests.
     */
    public PatternSetBuilder denseBudget(int entries) {
        if (entries < 1) {
            throw new IllegalArgumentException("dense budget must be >= 1");
        }
        this.denseBudget = entries;
        return this;
    }

    /**
     * Builds the matcher with the process's engine: {@link MpmAlgo#configured} ({@code -Dcrowsnest.mpm=ac|hs},
     * set by the sensor's {@code --mpm-algo}), else {@link #DEFAULT_ALGO}.
     *
     * <p><b>Why Aho-Corasick is the default</b>: PrefilterBenchmark's sets over pseudo-HTTP text without embedded
     * patterns, MB per CPU-second ({@code PrefilterCpuTime}; JMH wall-clock in brackets), 2-core VM shared with
     * other builds, load 3-7:
     * <pre>
     * patterns  per scan   Aho-Corasick       Hyperscan
     *        1    64 KiB   4,330 [4,072]   39,495 [29,760]
     *        1     512 B   3,424 [3,584]    7,430  [3,868]
     *    1,000    64 KiB     457   [349]      577    [565]
     *    1,000     512 B     373   [260]      168    [142]
     *   20,000    64 KiB     142   [101]      221    [125]
     *   20,000     512 B      68    [55]       50     [29]
     * build of 20,000 patterns (JMH single shot): 35-54 ms Aho-Corasick, 334-406 ms Hyperscan
     * </pre>
     * Hyperscan's SIMD literal matcher wins on long buffers, but each scan costs a JNI call and a copy into
     * native memory and each reported id a JNI upcall, which dominate at packet and header sizes with real
     * pattern sets. With ET Open on the synthetic HTTP capture the two were within noise of each other
     * (4,558-6,370 vs 3,629-5,859 packets/s; its groups hold at most ~1,500 fast patterns), and the ET Open
     * engine built in 0.7-4.0 s with Hyperscan vs 0.5-1.9 s (load 7-10).
     * <p>That was before the per-buffer transaction prefilter, which scans every updated buffer of a
     * transaction (headers, bodies) with automata of thousands of patterns. End to end it now decides for
     * Hyperscan: replay of the 1,000,002-packet synthetic HTTP capture, same jar, runs alternating (load 5-8):
     * ET Open 64,391-73,712 packets/s and 13.9-14.5 s user CPU with Hyperscan against 32,424-35,051 and
     * 25.8-27.9 s with Aho-Corasick; the 111 shipped rules 128,982-174,521 against 108,391-119,199 packets/s.
     * So the default is Hyperscan, with Aho-Corasick (pure Java, every platform) where Hyperscan cannot load
     * (one warning, counted) and by {@code --mpm-algo ac}.
     *
     * @throws IllegalArgumentException when {@value MpmAlgo#PROPERTY} holds something else than ac or hs
     */
    public MultiPatternMatcher build() {
        return MpmAlgo.configured(DEFAULT_ALGO) == MpmAlgo.HS ? buildHyperscan() : buildAhoCorasick();
    }

    public MultiPatternMatcher buildAhoCorasick() {
        return AhoCorasickMatcher.build(patternArray(), nocaseArray(), denseBudget);
    }

    /**
     * Builds a {@link HyperscanMatcher}; never fails for Hyperscan's sake: when the native library cannot be
     * used here, or Hyperscan rejects this set, it returns {@link #buildAhoCorasick()} instead, counts that in
     * {@link MpmFallbacks#count()} and prints one warning per cause for the whole process.
     */
    public MultiPatternMatcher buildHyperscan() {
        String unavailable = HyperscanLibrary.unavailableReason();
        if (unavailable != null) {
            MpmFallbacks.loadFailed(unavailable);
            return buildAhoCorasick();
        }
        try {
            return HyperscanMatcher.compile(patternArray(), nocaseArray());
        } catch (HyperscanException | LinkageError | RuntimeException e) {
            // a native failure must not take the sensor down: Aho-Corasick matches the same ids
            MpmFallbacks.compileFailed(patterns.size(), e instanceof HyperscanException ? e.getMessage() : e.toString());
            return buildAhoCorasick();
        }
    }

    private byte[][] patternArray() {
        return patterns.toArray(new byte[0][]);
    }

    private boolean[] nocaseArray() {
        boolean[] nc = new boolean[patterns.size()];
        for (int i = 0; i < nc.length; i++) {
            nc[i] = nocase.get(i);
        }
        return nc;
    }

    @Override
    public String toString() {
        return "PatternSetBuilder[" + patterns.size() + " patterns, denseBudget=" + denseBudget + "]";
    }
}
