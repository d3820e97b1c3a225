package io.crowsnest.detection.prefilter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AhoCorasickMatcherTest {

    // ---------------------------------------------------------------- reference

    private static int fold(int b) {
        return (b >= 'A' && b <= 'Z') ? b + 32 : b;
    }

    private static boolean occurs(byte[] text, int off, int len, byte[] p, boolean nocase) {
        outer:
        for (int i = off; i + p.length <= off + len; i++) {
            for (int k = 0; k < p.length; k++) {
                int a = text[i + k] & 0xff;
                int b = p[k] & 0xff;
                if (nocase ? fold(a) != fold(b) : a != b) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static int[] reference(List<byte[]> ps, List<Boolean> nc, byte[] text, int off, int len) {
        List<Integer> r = new ArrayList<>();
        for (int id = 0; id < ps.size(); id++) {
            if (occurs(text, off, len, ps.get(id), nc.get(id))) {
                r.add(id);
            }
        }
        return r.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] scan(MultiPatternMatcher m, byte[] text, int off, int len) {
        MatchSet out = new MatchSet(m.patternCount());
        int n = m.scan(text, off, len, out);
        assertEquals(out.size(), n, "return value = number of ids recorded");
        return out.toSortedArray();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    // ---------------------------------------------------------------- random differential

    @Test
    void randomSetsMatchNaiveReference() {
        int cases = 0;
        for (long s = 1; s <= 4000; s++) {
            final long seed = s;
            SplittableRandom rnd = new SplittableRandom(seed);
            // alphabet: tiny (forces overlaps/prefixes/suffixes), letters (case mixing) or all 256 values
            int kind = rnd.nextInt(3);
            byte[] alphabet;
            if (kind == 0) {
                alphabet = b("abAB");
            } else if (kind == 1) {
                alphabet = b("abcxyzABCXYZ01 /");
            } else {
                alphabet = new byte[256];
                for (int i = 0; i < 256; i++) {
                    alphabet[i] = (byte) i;
                }
            }
            int np = rnd.nextInt(40);
            List<byte[]> ps = new ArrayList<>();
            List<Boolean> nc = new ArrayList<>();
            PatternSetBuilder builder = new PatternSetBuilder();
            int budgetKind = rnd.nextInt(3);
            if (budgetKind == 0) {
                builder.denseBudget(1); // only the root dense: exercises the sparse path
            } else if (budgetKind == 1) {
                builder.denseBudget(1 + rnd.nextInt(2000));
            }
            for (int i = 0; i < np; i++) {
                byte[] p;
                if (!ps.isEmpty() && rnd.nextInt(8) == 0) {
                    p = ps.get(rnd.nextInt(ps.size())).clone(); // duplicate (maybe with other nocase)
                } else {
                    p = new byte[1 + rnd.nextInt(kind == 2 ? 3 : 6)];
                    for (int k = 0; k < p.length; k++) {
                        p[k] = alphabet[rnd.nextInt(alphabet.length)];
                    }
                }
                boolean nocase = rnd.nextBoolean();
                ps.add(p);
                nc.add(nocase);
                assertEquals(i, builder.add(p, nocase));
            }
            assertEquals(np, builder.size());
            MultiPatternMatcher m = builder.buildAhoCorasick();
            assertEquals(np, m.patternCount());
            for (int t = 0; t < 3; t++) {
                int len = rnd.nextInt(300);
                byte[] text = new byte[len + 10];
                for (int k = 0; k < text.length; k++) {
                    text[k] = alphabet[rnd.nextInt(alphabet.length)];
                }
                // plant a few patterns (sometimes in flipped case)
                for (int k = 0; k < 3 && !ps.isEmpty(); k++) {
                    byte[] p = ps.get(rnd.nextInt(ps.size()));
                    if (p.length <= text.length) {
                        int at = rnd.nextInt(text.length - p.length + 1);
                        for (int j = 0; j < p.length; j++) {
                            int c = p[j] & 0xff;
                            if (rnd.nextInt(4) == 0 && Character.isLetter(c) && c < 128) {
                                c ^= 0x20;
                            }
                            text[at + j] = (byte) c;
                        }
                    }
                }
                int off = rnd.nextInt(5);
                int l = Math.min(len, text.length - off);
                assertArrayEquals(reference(ps, nc, text, off, l), scan(m, text, off, l),
                        () -> "seed " + seed + ", matcher " + m);
                cases++;
            }
        }
        assertTrue(cases >= 12000);
    }

    // ---------------------------------------------------------------- edge cases

    @Test
    void emptySet() {
        MultiPatternMatcher m = new PatternSetBuilder().buildAhoCorasick();
        assertEquals(0, m.patternCount());
        assertArrayEquals(new int[0], scan(m, b("anything"), 0, 8));
        assertArrayEquals(new int[0], scan(m, new byte[0], 0, 0));
    }

    @Test
    void emptyPatternRejected() {
        assertThrows(IllegalArgumentException.class, () -> new PatternSetBuilder().add(new byte[0], false));
    }

    @Test
    void oneBytePatternsAndAll256Values() {
        PatternSetBuilder bld = new PatternSetBuilder();
        for (int v = 0; v < 256; v++) {
            assertEquals(v, bld.add(new byte[] {(byte) v}, false));
        }
        MultiPatternMatcher m = bld.buildAhoCorasick();
        byte[] all = new byte[256];
        for (int v = 0; v < 256; v++) {
            all[v] = (byte) v;
        }
        int[] expect = new int[256];
        Arrays.setAll(expect, i -> i);
        assertArrayEquals(expect, scan(m, all, 0, 256));
        assertArrayEquals(new int[] {0x41, 0x42}, scan(m, all, 0x41, 2));
        // class table for all 256 folded values still works with nocase
        PatternSetBuilder b2 = new PatternSetBuilder();
        b2.add(new byte[] {(byte) 0xff, 0}, true);
        b2.add(new byte[] {'Q'}, true);
        assertArrayEquals(new int[] {0, 1}, scan(b2.buildAhoCorasick(), new byte[] {'q', (byte) 0xff, 0}, 0, 3));
    }

    @Test
    void prefixesSuffixesAndOverlaps() {
        PatternSetBuilder bld = new PatternSetBuilder();
        bld.add(b("he"), false);      // 0
        bld.add(b("she"), false);     // 1
        bld.add(b("his"), false);     // 2
        bld.add(b("hers"), false);    // 3
        bld.add(b("e"), false);       // 4
        bld.add(b("ushers"), false);  // 5
        bld.add(b("rs"), false);      // 6
        MultiPatternMatcher m = bld.buildAhoCorasick();
        assertArrayEquals(new int[] {0, 1, 3, 4, 5, 6}, scan(m, b("ushers"), 0, 6));
        assertArrayEquals(new int[] {0, 1, 4}, scan(m, b("xshex"), 0, 5));
        assertArrayEquals(new int[] {2}, scan(m, b("this"), 0, 4));
        // overlapping occurrences of one pattern
        PatternSetBuilder b2 = new PatternSetBuilder();
        b2.add(b("aa"), false);
        b2.add(b("aaa"), false);
        b2.add(b("aaaa"), false);
        assertArrayEquals(new int[] {0, 1}, scan(b2.buildAhoCorasick(), b("aaa"), 0, 3));
    }

    @Test
    void nocaseVersusExactCase() {
        PatternSetBuilder bld = new PatternSetBuilder();
        int exact = bld.add(b("GET"), false);
        int any = bld.add(b("get"), true);
        int exactLower = bld.add(b("get"), false);
        int digits = bld.add(b("/1.1"), false);
        MultiPatternMatcher m = bld.buildAhoCorasick();
        assertArrayEquals(new int[] {exact, any}, scan(m, b("GET / HTTP"), 0, 10));
        assertArrayEquals(new int[] {any}, scan(m, b("gEt"), 0, 3));
        assertArrayEquals(new int[] {any, exactLower, digits}, scan(m, b("get /1.1"), 0, 8));
        // exact-case pattern found later in the buffer after a case-mismatching occurrence
        assertArrayEquals(new int[] {exact, any}, scan(m, b("Get GET"), 0, 7));
    }

    @Test
    void duplicatesEachReported() {
        PatternSetBuilder bld = new PatternSetBuilder();
        bld.add(b("abc"), false);
        bld.add(b("abc"), false);
        bld.add(b("ABC"), true);
        bld.add(b("ABC"), false);
        MultiPatternMatcher m = bld.buildAhoCorasick();
        assertArrayEquals(new int[] {0, 1, 2}, scan(m, b("xabcx"), 0, 5));
        assertArrayEquals(new int[] {2, 3}, scan(m, b("ABC"), 0, 3));
    }

    @Test
    void respectsOffsetAndLength() {
        PatternSetBuilder bld = new PatternSetBuilder();
        bld.add(b("abc"), false);
        MultiPatternMatcher m = bld.buildAhoCorasick();
        byte[] t = b("abcabc");
        assertArrayEquals(new int[0], scan(m, t, 1, 4)); // "bcab"
        assertArrayEquals(new int[] {0}, scan(m, t, 1, 5));
        assertThrows(IndexOutOfBoundsException.class, () -> m.scan(t, 4, 3, new MatchSet(1)));
        assertThrows(IllegalArgumentException.class, () -> m.scan(t, 0, 6, new MatchSet(0)));
    }

    @Test
    void scanAccumulatesAndReturnsNewlyRecorded() {
        PatternSetBuilder bld = new PatternSetBuilder();
        bld.add(b("a"), false);
        bld.add(b("b"), false);
        MultiPatternMatcher m = bld.buildAhoCorasick();
        MatchSet out = new MatchSet(2);
        assertEquals(1, m.scan(b("aaa"), 0, 3, out));
        assertEquals(1, m.scan(b("ab"), 0, 2, out));
        assertEquals(2, out.size());
        out.clear();
        assertEquals(0, out.size());
        assertFalse(out.contains(0));
        assertEquals(2, m.scan(b("ba"), 0, 2, out));
        assertEquals(1, out.get(0));
        assertEquals(0, out.get(1));
    }

    @Test
    void matchSetBasics() {
        MatchSet s = new MatchSet(130);
        assertTrue(s.add(129));
        assertFalse(s.add(129));
        assertTrue(s.add(0));
        assertTrue(s.contains(129) && s.contains(0) && !s.contains(64) && !s.contains(-1) && !s.contains(500));
        assertEquals(2, s.size());
        s.clear();
        assertFalse(s.contains(129));
        assertThrows(IndexOutOfBoundsException.class, () -> s.add(130));
        assertThrows(IndexOutOfBoundsException.class, () -> s.get(0));
    }

    // ---------------------------------------------------------------- large sets

    static List<byte[]> realisticPatterns(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        String[] words = {"GET", "POST", "HTTP/1.1", "Host:", "User-Agent:", "/admin", "/cgi-bin/", ".php",
            "cmd.exe", "/etc/passwd", "select", "union", "script", "Content-Type", "../", "%2e%2e", "eval(",
            "base64", "wget", "curl", "passwd", "shell", "login", "token", "session"};
        String chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-=?&%:;()<>\"' ";
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = 4 + rnd.nextInt(17);
            StringBuilder sb = new StringBuilder();
            if (rnd.nextInt(3) == 0) {
                sb.append(words[rnd.nextInt(words.length)]);
            }
            while (sb.length() < len) {
                sb.append(chars.charAt(rnd.nextInt(chars.length())));
            }
            byte[] p = b(sb.substring(0, len));
            if (rnd.nextInt(50) == 0) {
                p[rnd.nextInt(p.length)] = (byte) rnd.nextInt(256); // a few binary bytes
            }
            out.add(p);
        }
        return out;
    }

    @Test
    void twentyThousandPatternsCorrectAndBounded() {
        List<byte[]> ps = realisticPatterns(20000, 42);
        List<Boolean> nc = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(7);
        PatternSetBuilder bld = new PatternSetBuilder();
        for (byte[] p : ps) {
            boolean n = rnd.nextInt(4) == 0;
            nc.add(n);
            bld.add(p, n);
        }
        AhoCorasickMatcher m = (AhoCorasickMatcher) bld.buildAhoCorasick();
        // bounded memory: dense part capped at the default budget, everything else small
        assertTrue(m.memoryBytes() < 40L << 20, m.toString());
        assertTrue((long) m.denseStateCount() * m.alphabetSize() <= PatternSetBuilder.DEFAULT_DENSE_BUDGET);
        byte[] text = new byte[8192];
        for (int i = 0; i < text.length; i++) {
            text[i] = (byte) ("GET /index.html HTTP/1.1\r\nHost: example\r\n".charAt(i % 41));
        }
        for (int k = 0; k < 60; k++) { // plant patterns
            byte[] p = ps.get(rnd.nextInt(ps.size()));
            System.arraycopy(p, 0, text, rnd.nextInt(text.length - p.length), p.length);
        }
        assertArrayEquals(reference(ps, nc, text, 0, text.length), scan(m, text, 0, text.length));
        // the same set with a tiny dense part must agree
        PatternSetBuilder small = new PatternSetBuilder().denseBudget(1000);
        for (int i = 0; i < ps.size(); i++) {
            small.add(ps.get(i), nc.get(i));
        }
        assertArrayEquals(reference(ps, nc, text, 0, text.length), scan(small.buildAhoCorasick(), text, 0, text.length));
    }

    @Test
    void smallSetsUseCompactTable() {
        PatternSetBuilder bld = new PatternSetBuilder();
        for (byte[] p : realisticPatterns(1000, 3)) {
            bld.add(p, false);
        }
        AhoCorasickMatcher m = (AhoCorasickMatcher) bld.buildAhoCorasick();
        assertTrue(m.compactTable(), m.toString());
        assertTrue(m.alphabetSize() < 120, m.toString());
    }

    @Test
    void scanDoesNotAllocate() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        if (!(bean instanceof com.sun.management.ThreadMXBean)) {
            return;
        }
        com.sun.management.ThreadMXBean tb = (com.sun.management.ThreadMXBean) bean;
        PatternSetBuilder small = new PatternSetBuilder();
        PatternSetBuilder sparse = new PatternSetBuilder().denseBudget(100);
        for (byte[] p : realisticPatterns(500, 5)) {
            small.add(p, true);
            sparse.add(p, false);
        }
        MultiPatternMatcher[] ms = {small.buildAhoCorasick(), sparse.buildAhoCorasick()};
        byte[] text = new byte[4096];
        new SplittableRandom(1).nextBytes(text);
        MatchSet out = new MatchSet(500);
        for (MultiPatternMatcher m : ms) {
            for (int i = 0; i < 2000; i++) {
                out.clear();
                m.scan(text, 0, text.length, out);
            }
            long before = tb.getThreadAllocatedBytes(Thread.currentThread().getId());
            for (int i = 0; i < 2000; i++) {
                out.clear();
                m.scan(text, 0, text.length, out);
            }
            long allocated = tb.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
            assertTrue(allocated < 4096, "scan allocated " + allocated + " bytes");
        }
    }
}
