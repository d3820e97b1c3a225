package io.crowsnest.detection.prefilter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** When Hyperscan cannot be used the builder hands out Aho-Corasick, warns once per cause, and counts. */
class MpmFallbackTest {
    private final List<String> warnings = new ArrayList<>();
    private Consumer<String> savedSink;
    private String savedProperty;

    @BeforeEach
    void captureWarnings() {
        savedSink = MpmFallbacks.sink;
        MpmFallbacks.sink = warnings::add;
        MpmFallbacks.resetWarningsForTests();
        savedProperty = System.getProperty(MpmAlgo.PROPERTY);
    }

    @AfterEach
    void restore() {
        HyperscanLibrary.simulateLoadFailure(null);
        HyperscanMatcher.simulatedCompileFailure = null;
        MpmFallbacks.sink = savedSink;
        MpmFallbacks.resetWarningsForTests();
        if (savedProperty == null) {
            System.clearProperty(MpmAlgo.PROPERTY);
        } else {
            System.setProperty(MpmAlgo.PROPERTY, savedProperty);
        }
    }

    static PatternSetBuilder set() {
        PatternSetBuilder b = new PatternSetBuilder();
        b.add("needle".getBytes(StandardCharsets.ISO_8859_1), false);
        b.add("HAY".getBytes(StandardCharsets.ISO_8859_1), true);
        return b;
    }

    static int[] scan(MultiPatternMatcher m, String text) {
        MatchSet out = new MatchSet(m.patternCount());
        byte[] t = text.getBytes(StandardCharsets.ISO_8859_1);
        m.scan(t, 0, t.length, out);
        return out.toSortedArray();
    }

    @Test
    void aLoadFailureFallsBackToAhoCorasickWithOneWarningAndEveryFallbackCounted() {
        HyperscanLibrary.simulateLoadFailure("simulated: libstdc++.so.6: cannot open shared object file");
        long before = MpmFallbacks.count();
        for (int i = 0; i < 3; i++) {
            MultiPatternMatcher m = set().buildHyperscan();
            assertInstanceOf(AhoCorasickMatcher.class, m);
            assertArrayEquals(new int[] {0, 1}, scan(m, "a needle in the hay"));
        }
        assertEquals(before + 3, MpmFallbacks.count());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("crowsnest: warning: Hyperscan is not available (simulated: libstdc++.so.6"),
                warnings.get(0));
        assertTrue(warnings.get(0).contains("Aho-Corasick"), warnings.get(0));
    }

    @Test
    void aCompileFailureFallsBackForThatSetOnly() {
        HyperscanMatcher.simulatedCompileFailure = "simulated: Pattern is too large";
        long before = MpmFallbacks.count();
        MultiPatternMatcher m = set().buildHyperscan();
        assertInstanceOf(AhoCorasickMatcher.class, m);
        assertArrayEquals(new int[] {0, 1}, scan(m, "needle hay"));
        set().buildHyperscan();
        assertEquals(before + 2, MpmFallbacks.count());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("could not compile a set of 2 fast patterns (simulated: Pattern is too large)"),
                warnings.get(0));
        HyperscanMatcher.simulatedCompileFailure = null;
        assertInstanceOf(HyperscanMatcher.class, set().buildHyperscan(), "the next set compiles again");
    }

    @Test
    void thePropertyChoosesTheEngineOfBuild() {
        System.setProperty(MpmAlgo.PROPERTY, "hs");
        assertInstanceOf(HyperscanMatcher.class, set().build());
        System.setProperty(MpmAlgo.PROPERTY, " AC ");
        assertInstanceOf(AhoCorasickMatcher.class, set().build());
        System.clearProperty(MpmAlgo.PROPERTY);
        MultiPatternMatcher d = set().build();
        assertEquals(PatternSetBuilder.DEFAULT_ALGO == MpmAlgo.HS ? HyperscanMatcher.class : AhoCorasickMatcher.class,
                d.getClass(), "the benchmark's default");
        System.setProperty(MpmAlgo.PROPERTY, "hyperscan");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> set().build());
        assertEquals("-Dcrowsnest.mpm: unknown mpm-algo 'hyperscan' (allowed: ac, hs)", e.getMessage());
        assertEquals(0, warnings.size(), warnings.toString());
    }

    @Test
    void hsAsDefaultFallsBackTooWhenTheLibraryIsMissing() {
        HyperscanLibrary.simulateLoadFailure("simulated");
        System.setProperty(MpmAlgo.PROPERTY, "hs");
        assertInstanceOf(AhoCorasickMatcher.class, set().build());
        assertEquals(1, warnings.size());
    }

    /**
     * The real thing, in a fresh JVM: JavaCPP told it runs on linux-arm64, for which no natives are shipped,
     * so loading fails with UnsatisfiedLinkError exactly as on an ARM node; the sets still match, one warning.
     */
    @Test
    void aJvmWhereTheNativesDoNotLoadStillMatchesAndWarnsOnce() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Dorg.bytedeco.javacpp.platform=linux-arm64",
                "-D" + MpmAlgo.PROPERTY + "=hs", "-cp", System.getProperty("java.class.path"),
                FallbackMain.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        List<String> lines = out.lines().toList();
        assertEquals(1, lines.stream().filter(l -> l.startsWith("crowsnest: warning: Hyperscan is not available")).count(), out);
        assertTrue(out.contains("UnsatisfiedLinkError"), out);
        assertTrue(out.contains("linux-arm64"), out);
        assertTrue(out.contains("engine AhoCorasickMatcher ids [0, 1] fallbacks 3"), out);
    }

    /** The child JVM of the test above. */
    public static final class FallbackMain {
        public static void main(String[] args) throws IOException {
            MultiPatternMatcher m = null;
            for (int i = 0; i < 3; i++) {
                m = set().build();
            }
            System.out.println("engine " + m.getClass().getSimpleName() + " ids " + java.util.Arrays.toString(scan(m, "needle hay"))
                    + " fallbacks " + MpmFallbacks.count());
        }
    }
}
