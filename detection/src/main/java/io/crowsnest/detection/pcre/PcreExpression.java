package io.crowsnest.detection.pcre;

import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A rule's {@code pcre} option, compiled for bounded matching over raw bytes.
 *
 * <p><b>Value syntax</b> as in a Suricata rule: {@code [!]"/pattern/modifiers"} (the surrounding double quotes
 * are optional here; the rule parser normally strips them). Modifiers: PCRE {@code i s m x A E G} (G =
 * ungreedy), Suricata {@code R} (relative) and the buffer flags {@code U I P H D M C S Y B O Q V W K}, which
 * are only recorded ({@link #bufferFlags()}) for the engine.
 *
 * <p><b>Engines.</b> The pattern is translated by {@link PcreTranslator} to RE2/J when expressible (linear time,
 * so no budget is needed) - {@link #engineName()} {@code "re2j"} - and otherwise run with java.util.regex
 * over a view that counts every {@code charAt}: after {@link #stepBudget()} reads (default 1,000,000 per
 * {@code find} call) the search is abandoned, {@code find} returns false and {@link #budgetExhausted()} is
 * incremented ({@code "bounded-java"}).
 *
 * <p><b>Semantics.</b> Bytes are chars 0-255 (ISO-8859-1), matched without copying. Case-insensitivity is ASCII
 * only and {@code \d \w \s \b} are ASCII, as in PCRE without UTF. {@code .} does not match {@code \n} unless
 * {@code s}; {@code ^ $ \Z} follow PCRE ({@code $} without {@code m} matches at the end or before a final
 * {@code \n}; multiline {@code ^} does not match after a final newline). The RE2 translation cannot express
 * those two newline rules exactly, so a RE2 match that starts or ends at the end of a subject ending in
 * {@code \n} is re-run on the (exact) Java translation.
 * <br>Non-relative: the subject is {@code buf[off, off+len)} and the search starts at {@code from}; {@code ^}
 * matches only at {@code off}. Relative ({@code R}): like Suricata, the subject starts at {@code from} (the end of
 * the previous match), so {@code ^} anchors there. {@code A}: the match must start exactly at {@code from}.
 *
 * <p><b>Threads.</b> Instances are immutable and safe to share; {@link #lastStart()}/{@link #lastEnd()} report
 * the last successful {@code find} on the calling thread (per-thread state, reused, so {@code find} does not
 * allocate matcher objects on the Java path after the first call per thread).
 *
 * <p>Not supported (compile throws {@link PcreSyntaxException}): {@code \K}, {@code \X}, recursion, subroutine
 * calls, conditionals, branch reset, callouts, backtracking verbs, {@code (*UTF)}-style start options.
 */
public final class PcreExpression {
    /** Default budget of input reads per {@code find} for the java.util.regex fallback. */
    public static final long DEFAULT_STEP_BUDGET = 1_000_000L;

    private static volatile long stepBudget = DEFAULT_STEP_BUDGET;
    private static final LongAdder EXHAUSTED = new LongAdder();

    private final String value;
    private final String pattern;
    private final boolean negated;
    private final boolean relative;
    private final boolean anchored;
    private final String bufferFlags;
    private final String modifiers;
    private final com.google.re2j.Pattern re2;
    private final Pattern java;
    private final boolean caretSuspect;
    private final boolean dollarSuspect;
    private final ThreadLocal<State> state = ThreadLocal.withInitial(State::new);

    private static final class State {
        final ByteCharSequence plain = new ByteCharSequence(false);
        final ByteCharSequence counting = new ByteCharSequence(true);
        com.google.re2j.Matcher re2m;
        Matcher javam;
        int lastStart = -1;
        int lastEnd = -1;
    }

    private PcreExpression(String value, String pattern, boolean negated, boolean relative, boolean anchored,
                           String bufferFlags, String modifiers, com.google.re2j.Pattern re2, Pattern java,
                           boolean caretSuspect, boolean dollarSuspect) {
        this.value = value;
        this.pattern = pattern;
        this.negated = negated;
        this.relative = relative;
        this.anchored = anchored;
        this.bufferFlags = bufferFlags;
        this.modifiers = modifiers;
        this.re2 = re2;
        this.java = java;
        this.caretSuspect = caretSuspect;
        this.dollarSuspect = dollarSuspect;
    }

    /**
     * Compiles a rule's pcre value, e.g. {@code "/^GET\s+\/[a-z]{3,}/Ri"} or {@code "!/evil/i"}.
     *
     * @throws PcreSyntaxException with a message naming the problem and its index
     */
    public static PcreExpression compile(String pcreValue) throws PcreSyntaxException {
        return compile(pcreValue, false);
    }

    /** As {@link #compile(String)}; {@code forceJava} skips RE2/J (tests, diagnostics). */
    static PcreExpression compile(String pcreValue, boolean forceJava) throws PcreSyntaxException {
        if (pcreValue == null) {
            throw new PcreSyntaxException("pcre value is null", null, -1);
        }
        String v = pcreValue.trim();
        boolean neg = false;
        if (v.startsWith("!")) {
            neg = true;
            v = v.substring(1).trim();
        }
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            v = v.substring(1, v.length() - 1);
            if (!neg && v.startsWith("!")) {
                neg = true;
                v = v.substring(1);
            }
        }
        if (!v.startsWith("/")) {
            throw new PcreSyntaxException("pcre must start with '/' (after an optional '!')", pcreValue, -1);
        }
        int last = v.lastIndexOf('/');
        if (last == 0) {
            throw new PcreSyntaxException("pcre is missing its closing '/'", pcreValue, -1);
        }
        String pat = v.substring(1, last);
        String mods = v.substring(last + 1);
        boolean i = false, s = false, m = false, x = false, a = false, e = false, g = false, r = false;
        StringBuilder buffers = new StringBuilder();
        for (int k = 0; k < mods.length(); k++) {
            char c = mods.charAt(k);
            switch (c) {
                case 'i': i = true; break;
                case 's': s = true; break;
                case 'm': m = true; break;
                case 'x': x = true; break;
                case 'A': a = true; break;
                case 'E': e = true; break;
                case 'G': g = true; break;
                case 'R': r = true; break;
                case 'U': case 'I': case 'P': case 'H': case 'D': case 'M': case 'C': case 'S': case 'Y':
                case 'B': case 'O': case 'Q': case 'V': case 'W': case 'K':
                    if (buffers.indexOf(String.valueOf(c)) < 0) {
                        buffers.append(c);
                    }
                    break;
                default:
                    throw new PcreSyntaxException("unknown pcre modifier '" + c + "'", pcreValue, -1);
            }
        }
        PcreTranslator.Result t = PcreTranslator.translate(pat, pcreValue, i, s, m, x, e, g);
        Pattern jp;
        try {
            jp = Pattern.compile(t.java);
        } catch (PatternSyntaxException ex) {
            throw new PcreSyntaxException("invalid regular expression: " + ex.getDescription(), pcreValue, -1);
        } catch (StackOverflowError ex) {
            throw new PcreSyntaxException("regular expression too complex", pcreValue, -1);
        }
        com.google.re2j.Pattern rp = null;
        if (t.re2 != null && !forceJava) {
            try {
                rp = com.google.re2j.Pattern.compile(t.re2);
            } catch (RuntimeException | StackOverflowError ex) {
                rp = null; // e.g. program too large: the bounded Java engine still works
            }
        }
        return new PcreExpression(pcreValue, pat, neg, r, a, buffers.toString(), mods, rp, jp,
                t.re2CaretSuspect, t.re2DollarSuspect);
    }

    /** True for {@code pcre:!"..."}: the rule matches when the pattern does not. */
    public boolean negated() {
        return negated;
    }

    /** The {@code R} modifier. */
    public boolean relative() {
        return relative;
    }

    /** The {@code A} modifier. */
    public boolean anchored() {
        return anchored;
    }

    /** Suricata buffer modifiers in the order first seen, e.g. {@code "UI"}; empty if none. */
    public String bufferFlags() {
        return bufferFlags;
    }

    /** All modifiers as written. */
    public String modifiers() {
        return modifiers;
    }

    /** The pattern between the slashes, as written. */
    public String pattern() {
        return pattern;
    }

    /** {@code "re2j"} or {@code "bounded-java"}. */
    public String engineName() {
        return re2 != null ? "re2j" : "bounded-java";
    }

    /** The translated expression actually run (diagnostics). */
    public String translated() {
        return re2 != null ? re2.pattern() : java.pattern();
    }

    /**
     * Finds the first match in {@code buf[off, off+len)}, searching from absolute index {@code from}
     * ({@code off <= from <= off+len}). On a match returns true and sets {@link #lastStart()}/{@link #lastEnd()}
     * (absolute, end exclusive). Returns false when there is no match or when the step budget ran out (then
     * {@link #budgetExhausted()} is incremented). Does not apply {@link #negated()}: that is the engine's job.
     */
    public boolean find(byte[] buf, int off, int len, int from) {
        if (off < 0 || len < 0 || off > buf.length - len) {
            throw new IndexOutOfBoundsException("off=" + off + " len=" + len + " length=" + buf.length);
        }
        if (from < off || from > off + len) {
            throw new IndexOutOfBoundsException("from=" + from + " outside [" + off + ", " + (off + len) + "]");
        }
        State st = state.get();
        int base = relative ? from : off;
        int subjectLen = off + len - base;
        int start = from - base;
        boolean useRe2 = re2 != null && !(anchored && start > 0);
        try {
            if (useRe2) {
                ByteCharSequence seq = st.plain.set(buf, base, subjectLen);
                com.google.re2j.Matcher m = st.re2m;
                if (m == null) {
                    m = re2.matcher(seq);
                    st.re2m = m;
                } else {
                    m.reset(seq);
                }
                boolean ok = anchored ? m.lookingAt() : m.find(start);
                if (!ok) {
                    return false;
                }
                boolean recheck = subjectLen > 0 && buf[base + subjectLen - 1] == '\n'
                        && ((caretSuspect && m.start() == subjectLen) || (dollarSuspect && m.end() == subjectLen));
                if (!recheck) {
                    st.lastStart = base + m.start();
                    st.lastEnd = base + m.end();
                    return true;
                }
            }
            ByteCharSequence seq = st.counting.set(buf, base, subjectLen);
            seq.budget(stepBudget);
            Matcher m = st.javam;
            if (m == null) {
                m = java.matcher(seq);
                st.javam = m;
            } else {
                m.reset(seq);
            }
            m.region(start, subjectLen);
            m.useTransparentBounds(true); // lookbehind and \b may see text before 'from'
            m.useAnchoringBounds(false);  // ^ and \A stay at the subject start
            boolean ok;
            try {
                ok = anchored ? m.lookingAt() : m.find();
            } catch (ByteCharSequence.BudgetExceeded ex) {
                EXHAUSTED.increment();
                return false;
            } catch (StackOverflowError ex) {
                EXHAUSTED.increment();
                return false;
            }
            if (ok) {
                st.lastStart = base + m.start();
                st.lastEnd = base + m.end();
            }
            return ok;
        } finally {
            st.plain.release();
            st.counting.release();
        }
    }

    /** Absolute start of the last successful {@code find} on this thread, or -1. */
    public int lastStart() {
        return state.get().lastStart;
    }

    /** Absolute end (exclusive) of the last successful {@code find} on this thread, or -1. */
    public int lastEnd() {
        return state.get().lastEnd;
    }

    /** Total number of {@code find} calls, process-wide, abandoned because the step budget ran out. */
    public static long budgetExhausted() {
        return EXHAUSTED.sum();
    }

    /** Sets the step budget (input reads per {@code find}) for the java.util.regex fallback. */
    public static void setStepBudget(long steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("step budget must be >= 1");
        }
        stepBudget = steps;
    }

    public static long stepBudget() {
        return stepBudget;
    }

    @Override
    public String toString() {
        return "PcreExpression[" + value + ", engine=" + engineName() + "]";
    }
}
