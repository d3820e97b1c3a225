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

    /** The engine {@link #build()} uses when {@value MpmAlgo#PROPERTY} is not set; chosen by PrefilterBenchmark. */
    public static final MpmAlgo DEFAULT_ALGO = MpmAlgo.AC;

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
     * <p><b>Why Aho-Corasick is the default</b> (PrefilterBenchmark's sets and pseudo-HTTP text, MB per CPU-second
     * from {@code PrefilterCpuTime}, 2-core VM shared with other builds, load 4-6; JMH wall-clock runs agree in
     * direction but swing by tens of percent at that load):
     * <pre>
     * patterns  bytes per scan   Aho-Corasick   Hyperscan
     *        1        64 KiB        4,045 MB/s   37,907 MB/s  (9.4x; 78,787 when it stops at the first hit)
     *        1           512        3,294         7,082      (2.2x)
     *    1,000        64 KiB          444           563      (1.27x)
     *    1,000           512          349           156      (0.45x)
     *   20,000        64 KiB           92           193      (2.1x)
     *   20,000           512           54            48      (0.88x)
     * build, 20,000 patterns (JMH single shot): 35 ms Aho-Corasick, 334 ms Hyperscan
     * </pre>
     * Hyperscan's SIMD literal matcher wins on long buffers, but each scan costs a JNI call plus a copy into
     * native memory and each reported id a JNI upcall, which dominate at packet and header sizes with real
     * pattern sets; with ET Open on the synthetic HTTP capture the two were within noise of each other
     * (4,558-6,370 vs 3,629-5,859 packets/s), and its rule build is slower (2.4-3.6 s vs 1.5-1.9 s for the
     * engine). So the default stays Aho-Corasick (pure Java, every platform); {@code --mpm-algo hs} selects
     * Hyperscan, e.g. for large reassembled buffers. Re-measure with PrefilterBenchmark / PrefilterCpuTime.
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
