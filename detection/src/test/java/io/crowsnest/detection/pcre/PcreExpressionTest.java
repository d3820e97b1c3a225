package io.crowsnest.detection.pcre;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;

class PcreExpressionTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** pcre, input, expected start (-1 = no match), expected end (-1 = not checked), expected engine or null. */
    static Stream<Arguments> table() {
        return Stream.of(
            Arguments.of("/abc/", "xxabcxx", 2, 5, "re2j"),
            Arguments.of("/ABC/i", "xabcx", 1, 4, "re2j"),
            Arguments.of("/ABC/", "xabcx", -1, -1, "re2j"),
            Arguments.of("/a.c/", "a\nc", -1, -1, null),
            Arguments.of("/a.c/", "a\rc", 0, 3, null),
            Arguments.of("/a.c/s", "a\nc", 0, 3, null),
            Arguments.of("/^abc$/m", "x\nabc\ny", 2, 5, null),
            Arguments.of("/^abc$/", "x\nabc\ny", -1, -1, null),
            Arguments.of("/^abc$/", "abc", 0, 3, "re2j"),
            Arguments.of("/abc$/", "xabc\n", 1, -1, null),
            Arguments.of("/abc$/", "xabc\n\n", -1, -1, null),
            Arguments.of("/abc$/E", "xabc\n", -1, -1, null),
            Arguments.of("/abc$/E", "xabc", 1, 4, null),
            Arguments.of("/abc\\Z/", "abc\n", 0, -1, null),
            Arguments.of("/abc\\z/", "abc\n", -1, -1, null),
            Arguments.of("/abc$\\n/", "abc\n", 0, 4, "bounded-java"),
            Arguments.of("/^b/m", "a\nb", 2, 3, null),
            Arguments.of("/ a b c # comment\n d/x", "abcd", 0, 4, "re2j"),
            Arguments.of("/x[ ]y/x", "x y", 0, 3, null),
            Arguments.of("/a\\ b/x", "a b", 0, 3, null),
            Arguments.of("/a+/G", "aaa", 0, 1, null),
            Arguments.of("/a+?/G", "aaa", 0, 3, null),
            Arguments.of("/a(?U)b+/", "abbb", 0, 2, null),
            Arguments.of("/\\x41\\x{42}/", "zAB", 1, 3, "re2j"),
            Arguments.of("/\\101\\0/", "A\0", 0, 2, null),
            Arguments.of("/\\xff\\x00/", "a\u00ff\u0000", 1, 3, null),
            Arguments.of("/[\\x00-\\x1f]/", "ab\u0005", 2, 3, null),
            Arguments.of("/[[:digit:]]+/", "ab123c", 2, 5, null),
            Arguments.of("/[^a-z]/i", "abcD1", 4, 5, null),
            Arguments.of("/[]a]+/", "x]a]", 1, 4, null),
            Arguments.of("/[a-]+/", "x-a", 1, 3, null),
            Arguments.of("/[\\d\\s]+/", "ab1 2c", 2, 5, null),
            Arguments.of("/[[]/", "a[", 1, 2, null),
            Arguments.of("/[a&&b]+/", "a&&b", 0, 4, null),
            Arguments.of("/cat|dog/", "hotdog", 3, 6, "re2j"),
            Arguments.of("/\\/etc\\/passwd/", "GET /etc/passwd", 4, 15, "re2j"),
            Arguments.of("/\\d{3,}/", "ab12 3456", 5, 9, null),
            Arguments.of("/a{,2}/", "aa{,2}", 1, 6, null),
            Arguments.of("/a{2}b{1,2}/", "aaabbb", 1, 5, null),
            Arguments.of("/\\bfoo\\b/", "a foo b", 2, 5, null),
            Arguments.of("/\\bfoo\\b/", "afoob", -1, -1, null),
            Arguments.of("/(a)\\1/", "xaa", 1, 3, "bounded-java"),
            Arguments.of("/(?<w>a)\\k<w>/i", "xaA", 1, 3, "bounded-java"),
            Arguments.of("/(?<=a)b/", "ab", 1, 2, "bounded-java"),
            Arguments.of("/a(?!b)/", "abac", 2, 3, "bounded-java"),
            Arguments.of("/(?i)abc/", "ABC", 0, 3, null),
            Arguments.of("/a(?i)bc/", "aBC", 0, 3, null),
            Arguments.of("/a(?i)bc/", "ABC", -1, -1, null),
            Arguments.of("/a(?i:b)c/", "aBC", -1, -1, null),
            Arguments.of("/a(?i:b)c/", "aBc", 0, 3, null),
            Arguments.of("/(a(?i)b)c/", "aBC", -1, -1, null),
            Arguments.of("/^GET\\s+\\/[a-z]{3,}/i", "get  /AbcD x", 0, 10, "re2j"),
            Arguments.of("/a++b/", "aab", 0, 3, "bounded-java"),
            Arguments.of("/a{1001}/", "a".repeat(1001), 0, 1001, "bounded-java"),
            Arguments.of("/\\Qa.b\\E+/", "a.bb", 0, 4, null),
            Arguments.of("/\\x/", "\0", 0, 1, null),
            Arguments.of("/\\cA\\e\\t/", "\u0001\u001b\t", 0, 3, null),
            Arguments.of("/\\h+\\R/", "a \t\r\n", 1, 5, null),
            Arguments.of("/\\;\\\"/", "x;\"", 1, 3, null),
            Arguments.of("/[\\b]/", "a\bb", 1, 2, null),
            Arguments.of("/\\u00e9/i".replace("\\u00e9", "\u00e9"), "\u00c9\u00e9", 1, 2, null),
            Arguments.of("/(?#comment)ab/", "ab", 0, 2, null),
            Arguments.of("/(?P<x>a)(?P=x)/", "aa", 0, 2, "bounded-java"),
            Arguments.of("/\\p{Lu}/", "aB", 1, 2, "bounded-java"),
            Arguments.of("/x*/", "aaa", 0, 0, null),
            Arguments.of("/^/m", "", 0, 0, null),
            Arguments.of("/^$/m", "a\n", -1, -1, "re2j"),
            Arguments.of("/abc$/", "xabc\n", 1, 4, "re2j"));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("table")
    void table(String pcre, String input, int start, int end, String engine) throws Exception {
        for (boolean forceJava : new boolean[] {false, true}) {
            PcreExpression e = PcreExpression.compile(pcre, forceJava);
            if (!forceJava && engine != null) {
                assertEquals(engine, e.engineName(), () -> e.translated());
            }
            byte[] buf = b("##" + input + "##");
            boolean found = e.find(buf, 2, input.length(), 2);
            String desc = pcre + " [" + e.engineName() + ": " + e.translated() + "]";
            assertEquals(start >= 0, found, desc);
            if (found) {
                assertEquals(start + 2, e.lastStart(), desc);
                if (end >= 0) {
                    assertEquals(end + 2, e.lastEnd(), desc);
                }
            }
        }
    }

    @Test
    void newlineRulesAtTheEndAreExactOnBothEngines() throws Exception {
        for (boolean forceJava : new boolean[] {false, true}) {
            PcreExpression e = PcreExpression.compile("/abc$/", forceJava);
            assertTrue(e.find(b("abc\n"), 0, 4, 0));
            assertEquals(3, e.lastEnd(), e.engineName()); // $ before the final newline does not consume it
            PcreExpression z = PcreExpression.compile("/c\\Z|q/", forceJava);
            assertTrue(z.find(b("abc\n"), 0, 4, 0));
            assertEquals(3, z.lastEnd(), z.engineName());
            PcreExpression a = PcreExpression.compile("/^x?/m", forceJava);
            assertFalse(a.find(b("ab\n"), 0, 3, 1), a.engineName()); // never after the final newline
            assertTrue(a.find(b("ab\nc"), 0, 4, 1), a.engineName());
            assertEquals(3, a.lastStart());
        }
        assertEquals("re2j", PcreExpression.compile("/abc$/").engineName());
    }

    @Test
    void relativeAndAnchored() throws Exception {
        byte[] buf = b("foobar barbaz");
        PcreExpression rel = PcreExpression.compile("/^bar/R");
        assertTrue(rel.relative());
        assertTrue(rel.find(buf, 0, buf.length, 3));
        assertEquals(3, rel.lastStart());
        assertEquals(6, rel.lastEnd());
        assertFalse(rel.find(buf, 0, buf.length, 4)); // ^ anchors at the relative start
        assertTrue(rel.find(buf, 0, buf.length, 7));
        assertEquals(7, rel.lastStart());

        PcreExpression abs = PcreExpression.compile("/^bar/");
        assertFalse(abs.relative());
        assertFalse(abs.find(buf, 0, buf.length, 3)); // ^ is the buffer start
        PcreExpression search = PcreExpression.compile("/bar/");
        assertTrue(search.find(buf, 0, buf.length, 4));
        assertEquals(7, search.lastStart());

        for (boolean forceJava : new boolean[] {false, true}) {
            PcreExpression a = PcreExpression.compile("/bar/A", forceJava);
            assertTrue(a.anchored());
            assertTrue(a.find(buf, 0, buf.length, 3));
            assertEquals(3, a.lastStart());
            assertFalse(a.find(buf, 0, buf.length, 2));
            assertFalse(a.find(buf, 0, buf.length, 0));
            PcreExpression ar = PcreExpression.compile("/bar/AR", forceJava);
            assertTrue(ar.find(buf, 0, buf.length, 7));
            assertEquals(10, ar.lastEnd());
            assertFalse(ar.find(buf, 0, buf.length, 6));
        }
        // \b looks behind 'from' when not relative
        PcreExpression wb = PcreExpression.compile("/\\bar/");
        assertFalse(wb.find(buf, 0, buf.length, 4));
        // from at the end: only empty matches
        assertTrue(PcreExpression.compile("/x*/").find(buf, 0, buf.length, buf.length));
        assertThrows(IndexOutOfBoundsException.class, () -> search.find(buf, 2, 3, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> search.find(buf, 2, 3, 6));
    }

    @Test
    void negationAndModifiers() throws Exception {
        assertTrue(PcreExpression.compile("!/abc/").negated());
        assertTrue(PcreExpression.compile("!\"/abc/\"").negated());
        assertTrue(PcreExpression.compile("\"!/abc/\"").negated());
        assertFalse(PcreExpression.compile("\"/abc/\"").negated());
        PcreExpression e = PcreExpression.compile("/abc/UIRsiHU");
        assertEquals("UIH", e.bufferFlags());
        assertTrue(e.relative());
        assertEquals("abc", e.pattern());
        assertEquals("", PcreExpression.compile("/abc/smi").bufferFlags());
        assertEquals("PHDMCSYBOQVWK", PcreExpression.compile("/a/PHDMCSYBOQVWK").bufferFlags());
        // negation is reported, not applied
        PcreExpression n = PcreExpression.compile("!/abc/");
        assertTrue(n.find(b("abc"), 0, 3, 0));
        // a slash inside the pattern: the last slash ends it
        PcreExpression slash = PcreExpression.compile("/a/b/i");
        assertEquals("a/b", slash.pattern());
        assertTrue(slash.find(b("A/B"), 0, 3, 0));
    }

    @Test
    void catastrophicPatternIsBounded() throws Exception {
        byte[] input = b("a".repeat(30) + "!");
        // the classic case: RE2/J is linear and simply does not match
        PcreExpression re2 = PcreExpression.compile("/(a+)+$/");
        assertEquals("re2j", re2.engineName());
        assertFalse(re2.find(input, 0, input.length, 0));
        // forced onto java.util.regex it must also return false (JDK 9+ memoises this simple loop)
        assertFalse(PcreExpression.compile("/(a+)+$/", true).find(input, 0, input.length, 0));
        // patterns that need the backtracking engine and are exponential there: the budget stops them
        for (String p : new String[] {"/(a|a)+\\1$/", "/((a+)+)\\2$/"}) {
            PcreExpression java = PcreExpression.compile(p);
            assertEquals("bounded-java", java.engineName());
            long before = PcreExpression.budgetExhausted();
            assertFalse(java.find(input, 0, input.length, 0), p);
            assertEquals(before + 1, PcreExpression.budgetExhausted(), p);
            // the same expression still matches ordinary input afterwards
            byte[] ok = b("xaa");
            assertTrue(java.find(ok, 0, ok.length, 0), p);
            assertEquals(3, java.lastEnd());
        }
    }

    @Test
    void stepBudgetIsConfigurable() throws Exception {
        long old = PcreExpression.stepBudget();
        try {
            PcreExpression e = PcreExpression.compile("/(a)b\\1/");
            byte[] buf = b("x".repeat(200) + "aba");
            PcreExpression.setStepBudget(50);
            long before = PcreExpression.budgetExhausted();
            assertFalse(e.find(buf, 0, buf.length, 0));
            assertEquals(before + 1, PcreExpression.budgetExhausted());
            PcreExpression.setStepBudget(10_000);
            assertTrue(e.find(buf, 0, buf.length, 0));
            assertEquals(200, e.lastStart());
            assertThrows(IllegalArgumentException.class, () -> PcreExpression.setStepBudget(0));
        } finally {
            PcreExpression.setStepBudget(old);
        }
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
            Arguments.of("/abc", "closing '/'"),
            Arguments.of("abc/", "must start with '/'"),
            Arguments.of("", "must start with '/'"),
            Arguments.of("/(abc/", "missing )"),
            Arguments.of("/abc)/", "unmatched closing parenthesis"),
            Arguments.of("/[abc/", "missing terminating ]"),
            Arguments.of("/*a/", "quantifier does not follow"),
            Arguments.of("/a**/", "quantifier does not follow"),
            Arguments.of("/a{3,2}/", "out of order"),
            Arguments.of("/[z-a]/", "range out of order"),
            Arguments.of("/abc/Z", "unknown pcre modifier 'Z'"),
            Arguments.of("/\\q/", "unrecognized escape"),
            Arguments.of("/(a)\\2/", "non-existent subpattern"),
            Arguments.of("/\\k<x>/", "non-existent named subpattern"),
            Arguments.of("/(?<n>a)(?<n>b)/", "same name"),
            Arguments.of("/a\\K/", "\\K"),
            Arguments.of("/(?(1)a|b)/", "conditional"),
            Arguments.of("/(?R)/", "recursion"),
            Arguments.of("/[[:foo:]]/", "unknown POSIX class"),
            Arguments.of("/abc\\/", "\\ at end"),
            Arguments.of("/\\x{110000}/", "out of range"),
            Arguments.of("/(?z)/", "unrecognized character after (?"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("invalid")
    void invalidPatternsThrow(String pcre, String message) {
        PcreSyntaxException ex = assertThrows(PcreSyntaxException.class, () -> PcreExpression.compile(pcre));
        assertTrue(ex.getMessage().contains(message), ex.getMessage());
        assertTrue(ex.getMessage().contains("pcre \""), ex.getMessage());
    }

    // ------------------------------------------------------------------ differential

    private static final String[] ATOMS = {"a", "b", "A", "\\n", "-", ".", "[a-c]", "[^b]", "\\d", "\\w", "\\s",
        "\\W", "[a-cA]", "\\x41", "1"}; // no POSIX classes: the java.util.regex oracle lacks them
    private static final String[] QUANTS = {"", "", "", "*", "+", "?", "{1,2}", "*?", "+?", "{2}"};

    private static String randomRegex(SplittableRandom r, int depth) {
        StringBuilder sb = new StringBuilder();
        int branches = 1 + (r.nextInt(4) == 0 ? 1 : 0);
        for (int br = 0; br < branches; br++) {
            if (br > 0) {
                sb.append('|');
            }
            int n = 1 + r.nextInt(4);
            for (int k = 0; k < n; k++) {
                if (depth < 2 && r.nextInt(6) == 0) {
                    sb.append(r.nextBoolean() ? "(" : "(?:").append(randomRegex(r, depth + 1)).append(')');
                } else if (r.nextInt(12) == 0) {
                    sb.append("\\b");
                    continue;
                } else {
                    sb.append(ATOMS[r.nextInt(ATOMS.length)]);
                }
                sb.append(QUANTS[r.nextInt(QUANTS.length)]);
            }
        }
        return sb.toString();
    }

    /**
     * Random patterns: the RE2/J translation, the Java translation and java.util.regex on the original pattern
     * (UNIX_LINES makes Java's '.', '^' and '$' behave like PCRE's for this subset) must agree.
     */
    @Test
    void translationsAgreeWithEachOtherAndWithJavaOnTheOriginal() throws Exception {
        String alphabet = "abcAB1 \n-";
        int checked = 0;
        for (long seed = 1; seed <= 1500; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            String re = randomRegex(r, 0);
            boolean caret = r.nextInt(5) == 0;
            boolean dollar = r.nextInt(5) == 0;
            String full = (caret ? "^" : "") + "(?:" + re + ")" + (dollar ? "$" : "");
            String mods = (r.nextBoolean() ? "i" : "") + (r.nextBoolean() ? "s" : "") + (r.nextBoolean() ? "m" : "");
            int flags = Pattern.UNIX_LINES | (mods.contains("i") ? Pattern.CASE_INSENSITIVE : 0)
                    | (mods.contains("s") ? Pattern.DOTALL : 0) | (mods.contains("m") ? Pattern.MULTILINE : 0);
            Pattern oracle = Pattern.compile(full, flags);
            PcreExpression fast = PcreExpression.compile("/" + full + "/" + mods);
            PcreExpression slow = PcreExpression.compile("/" + full + "/" + mods, true);
            for (int t = 0; t < 8; t++) {
                StringBuilder in = new StringBuilder();
                int len = r.nextInt(12);
                for (int k = 0; k < len; k++) {
                    in.append(alphabet.charAt(r.nextInt(alphabet.length())));
                }
                String s = in.toString();
                byte[] buf = b(s);
                int from = r.nextInt(len + 1);
                Matcher om = oracle.matcher(s);
                om.region(from, len).useTransparentBounds(true).useAnchoringBounds(false);
                boolean expect = om.find();
                if (len == 0 && caret && mods.contains("m")) {
                    continue; // Java's multiline ^ never matches an empty input; PCRE's (and ours) does
                }
                String desc = "seed " + seed + " /" + full + "/" + mods + " on '" + s.replace("\n", "\\n")
                        + "' from " + from + " -> " + fast.translated();
                for (PcreExpression e : new PcreExpression[] {fast, slow}) {
                    boolean got = e.find(buf, 0, len, from);
                    if (got != expect) {
                        fail(desc + " [" + e.engineName() + "] expected " + expect);
                    }
                    if (got) {
                        assertEquals(om.start(), e.lastStart(), desc + " [" + e.engineName() + "]");
                        assertEquals(om.end(), e.lastEnd(), desc + " [" + e.engineName() + "]");
                    }
                    checked++;
                }
            }
        }
        assertTrue(checked > 20000);
    }
}
