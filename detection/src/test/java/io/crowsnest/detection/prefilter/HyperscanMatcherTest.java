package io.crowsnest.detection.prefilter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link HyperscanMatcher} against {@link AhoCorasickMatcher}, the engine whose behaviour it must reproduce:
 * same ids, same return values, for random sets of 1..20,000 patterns over random buffers. These run the real
 * native library; on linux-x86_64 its absence is a failure, not a skip.
 */
class HyperscanMatcherTest {

    @BeforeAll
    static void hyperscanLoads() {
        String why = HyperscanLibrary.unavailableReason();
        if (why != null) {
            fail("Hyperscan must load on " + System.getProperty("os.name") + "/" + System.getProperty("os.arch")
                    + " for these tests: " + why);
        }
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static HyperscanMatcher hs(PatternSetBuilder b) {
        MultiPatternMatcher m = b.buildHyperscan();
        return assertInstanceOf(HyperscanMatcher.class, m, "buildHyperscan() fell back");
    }

    /** Scans with both engines into fresh sets and asserts equal ids and equal return values. */
    static int[] assertSame(MultiPatternMatcher ac, MultiPatternMatcher hs, byte[] text, int off, int len, String what) {
        MatchSet a = new MatchSet(ac.patternCount());
        MatchSet h = new MatchSet(hs.patternCount());
        int na = ac.scan(text, off, len, a);
        int nh = hs.scan(text, off, len, h);
        assertArrayEquals(a.toSortedArray(), h.toSortedArray(), what);
        assertEquals(na, nh, what + ": return value");
        assertEquals(h.size(), nh, what + ": return value = ids recorded");
        return h.toSortedArray();
    }

    static byte[] alphabet(int kind) {
        switch (kind) {
            case 0: return b("abAB");                       // overlaps, prefixes, suffixes everywhere
            case 1: return b("abcxyzABCXYZ01 /\u0000");     // case mixing and NUL
            default: {
                byte[] all = new byte[256];                  // every byte value, high bytes included
                for (int i = 0; i < 256; i++) {
                    all[i] = (byte) i;
                }
                return all;
            }
        }
    }

    /**
     * A random set: patterns of 1..maxLen bytes over the alphabet, a third nocase, some exact duplicates,
     * some same-bytes-other-case duplicates and some prefixes/suffixes of earlier patterns.
     */
    static PatternSetBuilder randomSet(SplittableRandom rnd, int n, byte[] alpha, int maxLen, List<byte[]> keep) {
        PatternSetBuilder b = new PatternSetBuilder();
        for (int i = 0; i < n; i++) {
            byte[] p;
            int r = rnd.nextInt(10);
            if (i > 0 && r == 0) {
                p = keep.get(rnd.nextInt(keep.size())).clone();                    // duplicate bytes
            } else if (i > 0 && r == 1) {
                byte[] q = keep.get(rnd.nextInt(keep.size()));                     // a prefix or suffix
                int l = 1 + rnd.nextInt(q.length);
                p = new byte[l];
                System.arraycopy(q, rnd.nextBoolean() ? 0 : q.length - l, p, 0, l);
            } else {
                p = new byte[1 + rnd.nextInt(maxLen)];
                for (int k = 0; k < p.length; k++) {
                    p[k] = alpha[rnd.nextInt(alpha.length)];
                }
            }
            keep.add(p);
            b.add(p, rnd.nextInt(3) == 0);
        }
        return b;
    }

    /** Random bytes over the alphabet with some patterns embedded, case-flipped at random. */
    static byte[] randomText(SplittableRandom rnd, int len, byte[] alpha, List<byte[]> ps) {
        byte[] t = new byte[len];
        for (int i = 0; i < len; i++) {
            t[i] = alpha[rnd.nextInt(alpha.length)];
        }
        for (int k = 0; k < 1 + len / 64 && !ps.isEmpty(); k++) {
            byte[] p = ps.get(rnd.nextInt(ps.size()));
            if (p.length > len) {
                continue;
            }
            int at = rnd.nextInt(len - p.length + 1);
            for (int j = 0; j < p.length; j++) {
                byte c = p[j];
                if (rnd.nextInt(4) == 0 && Character.isLetter(c & 0xff) && (c & 0xff) < 128) {
                    c = (byte) (c ^ 0x20);
                }
                t[at + j] = c;
            }
        }
        return t;
    }

    // ---------------------------------------------------------------- same ids as Aho-Corasick

    @Test
    void randomSmallSetsGiveTheSameMatchSetsAsAhoCorasick() {
        int compared = 0;
        int nonEmpty = 0;
        for (long seed = 1; seed <= 600; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            byte[] alpha = alphabet(rnd.nextInt(3));
            List<byte[]> ps = new ArrayList<>();
            PatternSetBuilder b = randomSet(rnd, 1 + rnd.nextInt(40), alpha, 1 + rnd.nextInt(8), ps);
            MultiPatternMatcher ac = b.buildAhoCorasick();
            try (HyperscanMatcher hs = hs(b)) {
                for (int t = 0; t < 5; t++) {
                    byte[] text = randomText(rnd, rnd.nextInt(300), alpha, ps);
                    int off = text.length == 0 ? 0 : rnd.nextInt(text.length + 1);
                    int len = rnd.nextInt(text.length - off + 1);
                    int[] ids = assertSame(ac, hs, text, off, len, "seed " + seed + " text " + t);
                    compared++;
                    nonEmpty += ids.length > 0 ? 1 : 0;
                }
            }
        }
        assertEquals(3000, compared);
        assertTrue(nonEmpty > 1500, "the texts must actually hit patterns: " + nonEmpty);
    }

    @Test
    void largeSetsUpTo20kPatternsGiveTheSameMatchSetsAsAhoCorasick() {
        for (int n : new int[] {1, 1_000, 5_000, 20_000}) {
            SplittableRandom rnd = new SplittableRandom(n);
            byte[] alpha = alphabet(n % 3 == 0 ? 1 : 2);
            List<byte[]> ps = new ArrayList<>();
            PatternSetBuilder b = randomSet(rnd, n, alpha, 12, ps);
            MultiPatternMatcher ac = b.buildAhoCorasick();
            try (HyperscanMatcher hs = hs(b)) {
                assertEquals(n, hs.patternCount());
                int hits = 0;
                for (int t = 0; t < 4; t++) {
                    byte[] text = randomText(rnd, 16 * 1024, alpha, ps);
                    hits += assertSame(ac, hs, text, 0, text.length, n + " patterns, text " + t).length;
                }
                assertTrue(hits > 0, n + " patterns: some must occur");
            }
        }
    }

    @Test
    void duplicatePatternsEachGetTheirOwnIdReported() {
        PatternSetBuilder b = new PatternSetBuilder();
        int a = b.add(b("evil"), false);
        int a2 = b.add(b("evil"), false);
        int a3 = b.add(b("EVIL"), true);
        int other = b.add(b("vil\u0000x"), false);
        int a4 = b.add(b("eViL"), true);  // the same expression as a3: compiled once, both reported
        try (HyperscanMatcher hs = hs(b)) {
            int[] ids = assertSame(b.buildAhoCorasick(), hs, b("..evil.."), 0, 8, "dup");
            assertArrayEquals(new int[] {a, a2, a3, a4}, ids);
            int[] ids2 = assertSame(b.buildAhoCorasick(), hs, b("EvIl vil\u0000x"), 0, 10, "nocase only + NUL");
            assertArrayEquals(new int[] {a3, other, a4}, ids2);
            MatchSet acc = new MatchSet(5);
            acc.add(a3);
            assertEquals(1, hs.scan(b("EVIL"), 0, 4, acc), "a3 was there already: only a4 is new");
        }
    }

    @Test
    void patternsThatStartWithNulCompileToo() {
        // the literal API refuses them ("empty string"); the set goes through the escaped-regex path instead
        PatternSetBuilder b = new PatternSetBuilder();
        b.add(new byte[] {0, 'A', 'b'}, true);
        b.add(new byte[] {0}, false);
        b.add(b("x.y"), false); // '.' must stay a literal dot
        b.add(new byte[] {(byte) 0xff, 0, '\\'}, false);
        try (HyperscanMatcher hs = hs(b)) {
            MultiPatternMatcher ac = b.buildAhoCorasick();
            assertArrayEquals(new int[] {0, 1}, assertSame(ac, hs, new byte[] {'-', 0, 'a', 'B', 'x', 'z', 'y'}, 0, 7, "nul"));
            assertArrayEquals(new int[] {1, 2, 3}, assertSame(ac, hs, new byte[] {'x', '.', 'y', (byte) 0xff, 0, '\\'}, 0, 6, "dot"));
        }
    }

    @Test
    void nocaseFoldsAsciiLettersOnly() {
        PatternSetBuilder b = new PatternSetBuilder();
        b.add(new byte[] {(byte) 0xc4, 'b'}, true);  // Ä is not folded to ä (0xe4)
        b.add(b("[a]"), true);                       // '[' (0x5b) is not '{' (0x7b)
        b.add(b("Ab"), false);
        try (HyperscanMatcher hs = hs(b)) {
            MultiPatternMatcher ac = b.buildAhoCorasick();
            assertArrayEquals(new int[0], assertSame(ac, hs, new byte[] {(byte) 0xe4, 'B', '{', 'A', ']', 'a', 'b'}, 0, 7, "no fold"));
            assertArrayEquals(new int[] {0, 1, 2}, assertSame(ac, hs, new byte[] {(byte) 0xc4, 'B', '[', 'A', ']', 'A', 'b'}, 0, 7, "fold"));
        }
    }

    @Test
    void accumulatesIntoAFilledSetAndCountsOnlyNewIds() {
        PatternSetBuilder b = new PatternSetBuilder();
        b.add(b("one"), false);
        b.add(b("two"), false);
        b.add(b("three"), false);
        try (HyperscanMatcher hs = hs(b)) {
            MatchSet out = new MatchSet(3);
            assertEquals(2, hs.scan(b("one two"), 0, 7, out));
            assertEquals(1, hs.scan(b("two three one"), 0, 13, out));
            assertEquals(0, hs.scan(b("three"), 0, 5, out));
            assertArrayEquals(new int[] {0, 1, 2}, out.toSortedArray());
        }
    }

    @Test
    void buffersLongerThanOneChunkLoseNoMatchAtTheSeams() {
        int chunk = HyperscanScratch.MAX_CHUNK;
        PatternSetBuilder b = new PatternSetBuilder();
        List<byte[]> ps = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            byte[] p = b(String.format("seam-%02d-%s", i, "x".repeat(i)));
            ps.add(p);
            b.add(p, i % 2 == 0);
        }
        // chunk k of a scan from 0 covers [k * (chunk - overlap), k * (chunk - overlap) + chunk); pattern i
        // straddles the end of chunk i, by 1 .. length-1 bytes
        int overlap = ps.get(ps.size() - 1).length - 1;
        byte[] text = new byte[ps.size() * (chunk - overlap) + chunk];
        java.util.Arrays.fill(text, (byte) '.');
        for (int i = 0; i < ps.size(); i++) {
            byte[] p = ps.get(i);
            int end = i * (chunk - overlap) + chunk;
            System.arraycopy(p, 0, text, end - 1 - i % (p.length - 1), p.length);
        }
        try (HyperscanMatcher hs = hs(b)) {
            int[] ids = assertSame(b.buildAhoCorasick(), hs, text, 0, text.length, ps.size() + " seams");
            assertEquals(ps.size(), ids.length, "every pattern that straddles a seam is found");
            assertSame(b.buildAhoCorasick(), hs, text, 7, text.length - 7, "seams moved by an offset");
        }
    }

    // ---------------------------------------------------------------- edges

    @Test
    void emptyBufferAndEmptySet() {
        PatternSetBuilder b = new PatternSetBuilder();
        b.add(b("x"), false);
        try (HyperscanMatcher hs = hs(b)) {
            MatchSet out = new MatchSet(1);
            assertEquals(0, hs.scan(new byte[0], 0, 0, out));
            assertEquals(0, hs.scan(b("xxx"), 3, 0, out));
            assertEquals(0, out.size());
        }
        try (HyperscanMatcher empty = hs(new PatternSetBuilder())) {
            assertEquals(0, empty.patternCount());
            assertEquals(0, empty.scan(b("anything"), 0, 8, new MatchSet(0)));
        }
    }

    @Test
    void boundsAndCapacityAreCheckedBeforeAnyNativeCall() {
        PatternSetBuilder b = new PatternSetBuilder();
        b.add(b("ab"), false);
        b.add(b("bc"), false);
        try (HyperscanMatcher hs = hs(b)) {
            byte[] t = b("abc");
            MatchSet out = new MatchSet(2);
            assertThrows(IndexOutOfBoundsException.class, () -> hs.scan(t, -1, 1, out));
            assertThrows(IndexOutOfBoundsException.class, () -> hs.scan(t, 0, -1, out));
            assertThrows(IndexOutOfBoundsException.class, () -> hs.scan(t, 2, 2, out));
            assertThrows(IndexOutOfBoundsException.class, () -> hs.scan(t, 4, 0, out));
            assertThrows(IndexOutOfBoundsException.class, () -> hs.scan(t, Integer.MAX_VALUE, 2, out));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> hs.scan(t, 0, 3, new MatchSet(1)));
            assertTrue(e.getMessage().contains("capacity 1 < pattern count 2"), e.getMessage());
            // only the range is scanned: "bc" lies outside [0, 2)
            assertEquals(1, hs.scan(t, 0, 2, out));
            assertArrayEquals(new int[] {0}, out.toSortedArray());
        }
    }

    @Test
    void scanAfterCloseIsAClearErrorAndCloseIsIdempotent() {
        PatternSetBuilder b = new PatternSetBuilder();
        b.add(b("x"), false);
        HyperscanMatcher hs = hs(b);
        hs.close();
        hs.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> hs.scan(b("x"), 0, 1, new MatchSet(1)));
        assertTrue(e.getMessage().contains("close"), e.getMessage());
    }

    // ---------------------------------------------------------------- threads, scratch, allocation

    @Test
    void threadsScanOneMatcherConcurrentlyWithTheirOwnScratch() throws Exception {
        SplittableRandom rnd = new SplittableRandom(77);
        byte[] alpha = alphabet(1);
        List<byte[]> ps = new ArrayList<>();
        PatternSetBuilder b = randomSet(rnd, 2_000, alpha, 10, ps);
        MultiPatternMatcher ac = b.buildAhoCorasick();
        byte[][] texts = new byte[16][];
        int[][] expected = new int[16][];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = randomText(rnd, 4096 + rnd.nextInt(100_000), alpha, ps);
            MatchSet m = new MatchSet(ac.patternCount());
            ac.scan(texts[i], 0, texts[i].length, m);
            expected[i] = m.toSortedArray();
        }
        try (HyperscanMatcher hs = hs(b)) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Integer>> done = new ArrayList<>();
                for (int w = 0; w < 4; w++) {
                    final int start = w;
                    done.add(pool.submit((Callable<Integer>) () -> {
                        MatchSet out = new MatchSet(hs.patternCount());
                        for (int round = 0; round < 48; round++) {
                            int i = (start + round) % texts.length;
                            out.clear();
                            hs.scan(texts[i], 0, texts[i].length, out);
                            assertArrayEquals(expected[i], out.toSortedArray(), "text " + i);
                        }
                        return 48;
                    }));
                }
                for (Future<Integer> f : done) {
                    assertEquals(48, f.get());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aThreadsScratchIsRegrownForALargerDatabaseBuiltAfterItsFirstScan() {
        PatternSetBuilder small = new PatternSetBuilder();
        small.add(b("tiny"), false);
        try (HyperscanMatcher s = hs(small)) {
            MatchSet o1 = new MatchSet(1);
            assertEquals(1, s.scan(b("a tiny one"), 0, 10, o1));
            SplittableRandom rnd = new SplittableRandom(5);
            List<byte[]> ps = new ArrayList<>();
            PatternSetBuilder big = randomSet(rnd, 20_000, alphabet(2), 16, ps);
            try (HyperscanMatcher g = hs(big)) {
                byte[] text = randomText(rnd, 50_000, alphabet(2), ps);
                assertSame(big.buildAhoCorasick(), g, text, 0, text.length, "big after small");
                o1.clear();
                assertEquals(1, s.scan(b("tiny"), 0, 4, o1), "the small one still scans with the grown scratch");
            }
        }
    }

    @Test
    void scanningAllocatesNothingAfterWarmUp() {
        SplittableRandom rnd = new SplittableRandom(9);
        List<byte[]> ps = new ArrayList<>();
        PatternSetBuilder b = randomSet(rnd, 1_000, alphabet(2), 10, ps);
        byte[] text = randomText(rnd, 64 * 1024, alphabet(2), ps);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long me = Thread.currentThread().getId();
        try (HyperscanMatcher hs = hs(b)) {
            MatchSet out = new MatchSet(hs.patternCount());
            int hits = 0;
            for (int i = 0; i < 500; i++) { // warm-up: thread state, buffer, JIT
                out.clear();
                hits = hs.scan(text, 0, text.length, out);
            }
            assertTrue(hits > 10, "the callback must run in the measured loop: " + hits);
            long before = mx.getThreadAllocatedBytes(me);
            for (int i = 0; i < 2_000; i++) {
                out.clear();
                hs.scan(text, i & 127, text.length - 128, out);
            }
            long allocated = mx.getThreadAllocatedBytes(me) - before;
            assertTrue(allocated < 2_000, "2,000 scans (" + hits + " callbacks each) allocated " + allocated + " bytes");
        }
    }
}
