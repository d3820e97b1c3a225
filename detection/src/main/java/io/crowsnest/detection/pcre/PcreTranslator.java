package io.crowsnest.detection.pcre;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Translates a PCRE pattern (the text between the rule's slashes) into an RE2/J pattern, when expressible, and
 * always into an equivalent java.util.regex pattern.
 *
 * <p>Everything PCRE-specific is resolved here so neither engine needs global flags: case-insensitivity is
 * expanded into ASCII case pairs ({@code a -> [aA]}, classes get both cases; PCRE without UTF folds ASCII only),
 * {@code .} becomes {@code [^\n]} or {@code (?s:.)}, {@code ^ $ \Z} become explicit assertions following PCRE
 * (not Java's or RE2's) newline rules, {@code x} whitespace and comments are dropped, ungreedy mode swaps each
 * quantifier's greediness, and every class is computed as a 256-bit set and emitted as explicit {@code \x{..}}
 * ranges (this removes the class-syntax differences: POSIX names, {@code [} and {@code &&} in Java classes,
 * {@code \b} as backspace, octal, ...). Backreferences, lookaround, atomic groups, possessive quantifiers,
 * {@code \G}, {@code \p}, counts above 1000 and a {@code $} that is not at the end of a branch make the result
 * Java-only.
 */
final class PcreTranslator {
    static final class Result {
        final String re2;      // null when RE2/J cannot express the pattern
        final String java;
        /**
         * The RE2 translation can differ from PCRE only for a match that starts (multiline {@code ^}) or ends
         * (non-multiline {@code $}, {@code \Z}) at the end of a subject that ends with a newline: RE2's {@code (?m:^)}
         * also matches after a final newline, and the {@code $} translation consumes the final newline. The matcher
         * re-runs such (rare) matches on the Java translation, which is exact.
         */
        final boolean re2CaretSuspect;
        final boolean re2DollarSuspect;

        Result(String re2, String java, boolean re2CaretSuspect, boolean re2DollarSuspect) {
            this.re2 = re2;
            this.java = java;
            this.re2CaretSuspect = re2CaretSuspect;
            this.re2DollarSuspect = re2DollarSuspect;
        }
    }

    private static final class Frame {
        final boolean i, s, m, x, u;
        final int re2Start, javaStart;

        Frame(boolean i, boolean s, boolean m, boolean x, boolean u, int re2Start, int javaStart) {
            this.i = i;
            this.s = s;
            this.m = m;
            this.x = x;
            this.u = u;
            this.re2Start = re2Start;
            this.javaStart = javaStart;
        }
    }

    private final String p;
    private final String value;
    private int pos;
    private boolean ci, dotall, multi, ext, ungreedy;
    private final boolean dollarEndOnly;
    private final StringBuilder re2 = new StringBuilder();
    private final StringBuilder jv = new StringBuilder();
    private boolean re2ok = true;
    private boolean caretSuspect;
    private boolean dollarSuspect;
    private int atomRe2 = -1;
    private int atomJava = -1;
    private int groups;
    private int maxRef;
    private int maxRefPos;
    private final Deque<Frame> frames = new ArrayDeque<>();
    private final Map<String, Integer> names = new HashMap<>();

    private PcreTranslator(String pattern, String value, boolean i, boolean s, boolean m, boolean x,
                           boolean dollarEndOnly, boolean ungreedy) {
        this.p = pattern;
        this.value = value;
        this.ci = i;
        this.dotall = s;
        this.multi = m;
        this.ext = x;
        this.dollarEndOnly = dollarEndOnly;
        this.ungreedy = ungreedy;
    }

    static Result translate(String pattern, String value, boolean i, boolean s, boolean m, boolean x,
                            boolean dollarEndOnly, boolean ungreedy) throws PcreSyntaxException {
        PcreTranslator t = new PcreTranslator(pattern, value, i, s, m, x, dollarEndOnly, ungreedy);
        t.run();
        return new Result(t.re2ok ? t.re2.toString() : null, t.jv.toString(), t.caretSuspect, t.dollarSuspect);
    }

    private PcreSyntaxException err(String msg, int at) {
        return new PcreSyntaxException(msg, value, at);
    }

    // ------------------------------------------------------------------ main loop

    private void run() throws PcreSyntaxException {
        if (p.startsWith("(*")) {
            throw err("unsupported PCRE start-of-pattern option " + p.substring(0, Math.min(p.length(), 12)), 0);
        }
        while (true) {
            skipExtended();
            if (pos >= p.length()) {
                break;
            }
            char c = p.charAt(pos);
            switch (c) {
                case '\\':
                    escape();
                    break;
                case '[':
                    boolean[] set = parseClass();
                    atom();
                    emitSet(set);
                    break;
                case '.':
                    pos++;
                    atom();
                    both(dotall ? "(?s:.)" : "[^\\x{0A}]");
                    break;
                case '^':
                    pos++;
                    noAtom();
                    if (multi) {
                        caretSuspect = true;
                        re2.append("(?m:^)");
                        jv.append("(?:\\A|(?<=\\n)(?!\\z))");
                    } else {
                        both("\\A");
                    }
                    break;
                case '$':
                    pos++;
                    dollar(pos - 1, false);
                    break;
                case '|':
                    pos++;
                    noAtom();
                    both("|");
                    break;
                case '(':
                    openGroup();
                    break;
                case ')':
                    closeGroup();
                    break;
                case '*':
                case '+':
                case '?':
                    pos++;
                    quantifier(c == '*' ? 0 : c == '+' ? 1 : 0, c == '?' ? 1 : -1, String.valueOf(c), pos - 1);
                    break;
                case '{':
                    if (!braceQuantifier()) {
                        pos++;
                        literal('{');
                    }
                    break;
                default:
                    pos++;
                    literal(c);
            }
        }
        if (!frames.isEmpty()) {
            throw err("missing )", p.length());
        }
        if (maxRef > groups) {
            throw err("reference to non-existent subpattern " + maxRef, maxRefPos);
        }
    }

    private void skipExtended() {
        if (!ext) {
            return;
        }
        while (pos < p.length()) {
            char c = p.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b) {
                pos++;
            } else if (c == '#') {
                while (pos < p.length() && p.charAt(pos) != '\n') {
                    pos++;
                }
            } else {
                break;
            }
        }
    }

    private void both(String s) {
        re2.append(s);
        jv.append(s);
    }

    private void atom() {
        atomRe2 = re2.length();
        atomJava = jv.length();
    }

    private void noAtom() {
        atomRe2 = -1;
        atomJava = -1;
    }

    // ------------------------------------------------------------------ literals and sets

    private void literal(int c) {
        atom();
        if (ci && isAsciiLetter(c)) {
            both("[" + (char) (c | 0x20) + (char) (c & ~0x20) + "]");
        } else {
            both(lit(c));
        }
    }

    private static boolean isAsciiLetter(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static String lit(int c) {
        if ((c >= '0' && c <= '9') || isAsciiLetter(c)) {
            return String.valueOf((char) c);
        }
        return "\\x{" + Integer.toHexString(c) + "}";
    }

    private void emitSet(boolean[] set) {
        if (ci) {
            for (int c = 'a'; c <= 'z'; c++) {
                if (set[c] || set[c - 32]) {
                    set[c] = true;
                    set[c - 32] = true;
                }
            }
        }
        StringBuilder sb = new StringBuilder("[");
        int count = 0;
        for (int c = 0; c < 256; c++) {
            if (!set[c]) {
                continue;
            }
            int e = c;
            while (e + 1 < 256 && set[e + 1]) {
                e++;
            }
            sb.append(lit(c));
            if (e > c) {
                if (e > c + 1) {
                    sb.append('-');
                }
                sb.append(lit(e));
            }
            count++;
            c = e;
        }
        if (count == 0) {
            both("[^\\x{0}-\\x{10FFFF}]"); // matches nothing
            return;
        }
        both(sb.append(']').toString());
    }

    private static boolean[] named(String name) {
        boolean[] s = new boolean[256];
        switch (name) {
            case "d": case "digit": range(s, '0', '9'); break;
            case "w": case "word": range(s, '0', '9'); range(s, 'a', 'z'); range(s, 'A', 'Z'); s['_'] = true; break;
            case "s": case "space":
                s[' '] = s['\t'] = s['\n'] = s[0x0b] = s['\f'] = s['\r'] = true;
                break;
            case "h": s[' '] = s['\t'] = s[0xa0] = true; break;
            case "v": s['\n'] = s[0x0b] = s['\f'] = s['\r'] = s[0x85] = true; break;
            case "alpha": range(s, 'a', 'z'); range(s, 'A', 'Z'); break;
            case "alnum": range(s, '0', '9'); range(s, 'a', 'z'); range(s, 'A', 'Z'); break;
            case "ascii": range(s, 0, 127); break;
            case "blank": s[' '] = s['\t'] = true; break;
            case "cntrl": range(s, 0, 31); s[127] = true; break;
            case "graph": range(s, 33, 126); break;
            case "print": range(s, 32, 126); break;
            case "lower": range(s, 'a', 'z'); break;
            case "upper": range(s, 'A', 'Z'); break;
            case "punct":
                range(s, 33, 47); range(s, 58, 64); range(s, 91, 96); range(s, 123, 126);
                break;
            case "xdigit": range(s, '0', '9'); range(s, 'a', 'f'); range(s, 'A', 'F'); break;
            default: return null;
        }
        return s;
    }

    private static void range(boolean[] s, int a, int b) {
        for (int c = a; c <= b; c++) {
            s[c] = true;
        }
    }

    private static void addAll(boolean[] into, boolean[] from, boolean negate) {
        for (int c = 0; c < 256; c++) {
            if (from[c] != negate) {
                into[c] = true;
            }
        }
    }

    /** For \d \D \w \W \s \S \h \H \v \V \N: the set, or null. */
    private static boolean[] classEscape(char e) {
        char lower = Character.toLowerCase(e);
        if ("dwshv".indexOf(lower) < 0) {
            return null;
        }
        boolean[] base = named(String.valueOf(lower));
        if (e == lower) {
            return base;
        }
        boolean[] r = new boolean[256];
        addAll(r, base, true);
        return r;
    }

    private boolean[] parseClass() throws PcreSyntaxException {
        int start = pos;
        pos++; // '['
        boolean negate = false;
        if (pos < p.length() && p.charAt(pos) == '^') {
            negate = true;
            pos++;
        }
        boolean[] set = new boolean[256];
        boolean first = true;
        while (true) {
            if (pos >= p.length()) {
                throw err("missing terminating ] for character class", start);
            }
            char c = p.charAt(pos);
            if (c == ']' && !first) {
                pos++;
                break;
            }
            first = false;
            if (c == '[' && pos + 1 < p.length() && (p.charAt(pos + 1) == ':' || p.charAt(pos + 1) == '.'
                    || p.charAt(pos + 1) == '=')) {
                int close = p.indexOf(p.charAt(pos + 1) + "]", pos + 2);
                if (close > 0) {
                    if (p.charAt(pos + 1) != ':') {
                        throw err("POSIX collating elements are not supported", pos);
                    }
                    String name = p.substring(pos + 2, close);
                    boolean neg = name.startsWith("^");
                    boolean[] ns = named(neg ? name.substring(1) : name);
                    if (ns == null) {
                        throw err("unknown POSIX class name [:" + name + ":]", pos);
                    }
                    addAll(set, ns, neg);
                    pos = close + 2;
                    continue;
                }
            }
            int lo;
            if (c == '\\') {
                int escAt = pos;
                if (pos + 1 >= p.length()) {
                    throw err("\\ at end of pattern", pos);
                }
                char e = p.charAt(pos + 1);
                boolean[] ce = classEscape(e);
                if (ce != null) {
                    pos += 2;
                    addAll(set, ce, false);
                    continue;
                }
                if (e == 'Q') { // \Q...\E inside a class
                    pos += 2;
                    while (pos < p.length() && !p.startsWith("\\E", pos)) {
                        addChar(set, p.charAt(pos++));
                    }
                    pos = Math.min(p.length(), pos + 2);
                    continue;
                }
                if (e == 'E') {
                    pos += 2;
                    continue;
                }
                lo = classCharEscape(escAt);
            } else {
                pos++;
                lo = c;
            }
            // range?
            if (pos + 1 < p.length() && p.charAt(pos) == '-' && p.charAt(pos + 1) != ']') {
                int dash = pos;
                pos++;
                int hi;
                char d = p.charAt(pos);
                if (d == '\\') {
                    if (pos + 1 < p.length() && classEscape(p.charAt(pos + 1)) != null) {
                        throw err("invalid range in character class", dash);
                    }
                    hi = classCharEscape(pos);
                } else if (d == '[' && pos + 1 < p.length() && p.charAt(pos + 1) == ':') {
                    throw err("invalid range in character class", dash);
                } else {
                    pos++;
                    hi = d;
                }
                if (hi < lo) {
                    throw err("range out of order in character class", dash);
                }
                for (int k = lo; k <= hi && k < 256; k++) {
                    set[k] = true;
                }
            } else {
                addChar(set, lo);
            }
        }
        if (negate) {
            boolean[] r = new boolean[256];
            addAll(r, set, true);
            if (ci) { // negation applies after case folding: [^a] with i excludes A too
                for (int k = 'a'; k <= 'z'; k++) {
                    if (!r[k] || !r[k - 32]) {
                        r[k] = false;
                        r[k - 32] = false;
                    }
                }
            }
            return r;
        }
        return set;
    }

    private static void addChar(boolean[] set, int c) {
        if (c < 256) {
            set[c] = true;
        }
    }

    /** A single-character escape inside a class, starting at the backslash; advances pos. */
    private int classCharEscape(int at) throws PcreSyntaxException {
        pos = at + 1;
        char e = p.charAt(pos);
        if (e == 'b') {
            pos++;
            return 0x08;
        }
        if (e >= '1' && e <= '7') {
            return octal(3);
        }
        if (e == '8' || e == '9') {
            throw err("invalid escape \\" + e + " in character class", at);
        }
        if (e == 'B' || e == 'R' || e == 'X' || e == 'N') {
            throw err("escape \\" + e + " is not allowed in a character class", at);
        }
        int v = charEscape(at);
        if (v < 0) {
            throw err("unrecognized escape \\" + e + " in character class", at);
        }
        return v;
    }

    /**
     * Escapes that stand for one character: \xHH \x{..} \o{..} \0oo \a \e \f \n \r \t \cX and escaped
     * non-alphanumerics. pos is at the char after the backslash; returns -1 (pos unchanged) if not one.
     */
    private int charEscape(int at) throws PcreSyntaxException {
        char e = p.charAt(pos);
        switch (e) {
            case 'a': pos++; return 0x07;
            case 'e': pos++; return 0x1b;
            case 'f': pos++; return 0x0c;
            case 'n': pos++; return 0x0a;
            case 'r': pos++; return 0x0d;
            case 't': pos++; return 0x09;
            case '0': return octal(3);
            case 'c': {
                if (pos + 1 >= p.length()) {
                    throw err("\\c at end of pattern", at);
                }
                char x = p.charAt(pos + 1);
                if (x > 127) {
                    throw err("\\c must be followed by an ASCII character", at);
                }
                pos += 2;
                return Character.toUpperCase(x) ^ 0x40;
            }
            case 'x': {
                pos++;
                if (pos < p.length() && p.charAt(pos) == '{') {
                    int close = p.indexOf('}', pos);
                    if (close < 0) {
                        throw err("missing } after \\x{", at);
                    }
                    int v = parseNumber(p.substring(pos + 1, close), 16, at);
                    pos = close + 1;
                    return v;
                }
                int v = 0;
                int n = 0;
                while (n < 2 && pos < p.length() && Character.digit(p.charAt(pos), 16) >= 0) {
                    v = v * 16 + Character.digit(p.charAt(pos), 16);
                    pos++;
                    n++;
                }
                return v;
            }
            case 'o': {
                if (pos + 1 >= p.length() || p.charAt(pos + 1) != '{') {
                    throw err("missing { after \\o", at);
                }
                int close = p.indexOf('}', pos);
                if (close < 0) {
                    throw err("missing } after \\o{", at);
                }
                int v = parseNumber(p.substring(pos + 2, close), 8, at);
                pos = close + 1;
                return v;
            }
            default:
                if (Character.isLetterOrDigit(e) && e < 128) {
                    return -1;
                }
                pos++;
                return e; // escaped punctuation / other: literal (covers the rule's \/ \; \" escaping)
        }
    }

    private int parseNumber(String digits, int radix, int at) throws PcreSyntaxException {
        try {
            int v = Integer.parseInt(digits.trim(), radix);
            if (v < 0 || v > 0x10FFFF) {
                throw err("character value out of range", at);
            }
            return v;
        } catch (NumberFormatException ex) {
            throw err("invalid number '" + digits + "' in escape", at);
        }
    }

    private int octal(int maxDigits) {
        int v = 0;
        int n = 0;
        while (n < maxDigits && pos < p.length() && p.charAt(pos) >= '0' && p.charAt(pos) <= '7') {
            v = v * 8 + (p.charAt(pos) - '0');
            pos++;
            n++;
        }
        return v & 0xff;
    }

    // ------------------------------------------------------------------ escapes outside classes

    private void escape() throws PcreSyntaxException {
        int at = pos;
        if (pos + 1 >= p.length()) {
            throw err("\\ at end of pattern", pos);
        }
        char e = p.charAt(pos + 1);
        boolean[] ce = classEscape(e);
        if (ce != null) {
            pos += 2;
            atom();
            emitSet(ce);
            return;
        }
        switch (e) {
            case 'N':
                pos += 2;
                atom();
                both("[^\\x{0A}]");
                return;
            case 'C':
                pos += 2;
                atom();
                both("(?s:.)");
                return;
            case 'R':
                pos += 2;
                atom();
                both("(?:\\x{0D}\\x{0A}|[\\x{0A}-\\x{0D}\\x{85}])");
                return;
            case 'b':
            case 'B':
                pos += 2;
                noAtom();
                re2.append('\\').append(e);
                jv.append(e == 'b' ? "(?:(?<=[0-9A-Za-z_])(?![0-9A-Za-z_])|(?<![0-9A-Za-z_])(?=[0-9A-Za-z_]))"
                        : "(?:(?<=[0-9A-Za-z_])(?=[0-9A-Za-z_])|(?<![0-9A-Za-z_])(?![0-9A-Za-z_]))");
                return;
            case 'A':
                pos += 2;
                noAtom();
                both("\\A");
                return;
            case 'z':
                pos += 2;
                noAtom();
                both("\\z");
                return;
            case 'Z':
                pos += 2;
                dollar(at, true);
                return;
            case 'G':
                pos += 2;
                noAtom();
                re2ok = false;
                jv.append("\\G");
                return;
            case 'Q': {
                pos += 2;
                int end = p.indexOf("\\E", pos);
                if (end < 0) {
                    end = p.length();
                }
                while (pos < end) {
                    literal(p.charAt(pos++));
                }
                pos = Math.min(p.length(), end + 2);
                return;
            }
            case 'E':
                pos += 2;
                return;
            case 'p':
            case 'P': {
                pos += 2;
                int start = pos;
                if (pos < p.length() && p.charAt(pos) == '{') {
                    int close = p.indexOf('}', pos);
                    if (close < 0) {
                        throw err("malformed \\" + e, at);
                    }
                    pos = close + 1;
                } else if (pos < p.length()) {
                    pos++;
                } else {
                    throw err("malformed \\" + e, at);
                }
                atom();
                re2ok = false;
                jv.append('\\').append(e).append(p, start, pos);
                return;
            }
            case 'g':
            case 'k':
                backrefNamedOrRelative(at, e);
                return;
            case 'K':
                throw err("\\K (reset match start) is not supported", at);
            case 'X':
                throw err("\\X (extended grapheme cluster) is not supported", at);
            default:
        }
        if (e >= '1' && e <= '9') {
            int end = pos + 1;
            while (end < p.length() && Character.isDigit(p.charAt(end))) {
                end++;
            }
            int num = Integer.parseInt(p.substring(pos + 1, Math.min(end, pos + 7)));
            if (num < 10 || e == '8' || e == '9' || num <= groups) {
                pos = end;
                backref(num, at);
                return;
            }
            pos++;
            literal(octal(3));
            return;
        }
        pos++;
        int v = charEscape(at);
        if (v < 0) {
            throw err("unrecognized escape \\" + e, at);
        }
        literal(v);
    }

    private void backrefNamedOrRelative(int at, char kind) throws PcreSyntaxException {
        pos += 2;
        if (pos >= p.length()) {
            throw err("malformed \\" + kind + " reference", at);
        }
        char open = p.charAt(pos);
        String ref;
        if (open == '{' || open == '<' || open == '\'') {
            char close = open == '{' ? '}' : open == '<' ? '>' : '\'';
            int end = p.indexOf(close, pos + 1);
            if (end < 0) {
                throw err("malformed \\" + kind + " reference", at);
            }
            ref = p.substring(pos + 1, end);
            pos = end + 1;
        } else if (kind == 'g' && (Character.isDigit(open) || open == '-' || open == '+')) {
            int end = pos + 1;
            while (end < p.length() && Character.isDigit(p.charAt(end))) {
                end++;
            }
            ref = p.substring(pos, end);
            pos = end;
        } else {
            throw err("malformed \\" + kind + " reference", at);
        }
        resolveRef(ref, at);
    }

    private void resolveRef(String ref, int at) throws PcreSyntaxException {
        int num;
        if (ref.matches("[-+]?[0-9]+")) {
            int v = Integer.parseInt(ref.startsWith("+") ? ref.substring(1) : ref);
            if (ref.startsWith("-")) {
                num = groups + 1 + v;
            } else if (ref.startsWith("+")) {
                throw err("forward relative references are not supported", at);
            } else {
                num = v;
            }
            if (num <= 0) {
                throw err("reference to non-existent subpattern", at);
            }
        } else {
            Integer n = names.get(ref);
            if (n == null) {
                throw err("reference to non-existent named subpattern '" + ref + "'", at);
            }
            num = n;
        }
        backref(num, at);
    }

    private void backref(int num, int at) {
        atom();
        re2ok = false;
        if (num > maxRef) {
            maxRef = num;
            maxRefPos = at;
        }
        jv.append(ci ? "(?i:\\" : "(?:\\").append(num).append(')');
    }

    // ------------------------------------------------------------------ anchors

    /** {@code $} or {@code \Z} (forceDefault: \Z ignores m and E). */
    private void dollar(int at, boolean isZ) throws PcreSyntaxException {
        noAtom();
        if (!isZ && multi) {
            re2.append("(?m:$)");
            jv.append("(?=\\n|\\z)");
            return;
        }
        if (!isZ && dollarEndOnly) {
            both("\\z");
            return;
        }
        jv.append("(?=\\n?\\z)");
        // RE2 has no lookahead: consume the optional final newline, valid only at the end of a branch
        int save = pos;
        skipExtended();
        boolean branchEnd = pos >= p.length() || p.charAt(pos) == '|' || p.charAt(pos) == ')';
        pos = save;
        if (branchEnd) {
            dollarSuspect = true;
            re2.append("(?:\\x{0A}?\\z)");
        } else {
            re2ok = false;
        }
    }

    // ------------------------------------------------------------------ groups

    private void openGroup() throws PcreSyntaxException {
        int at = pos;
        pos++;
        Frame f = new Frame(ci, dotall, multi, ext, ungreedy, re2.length(), jv.length());
        if (pos < p.length() && p.charAt(pos) == '*') {
            throw err("unsupported backtracking verb (*...)", at);
        }
        if (pos >= p.length() || p.charAt(pos) != '?') {
            groups++;
            frames.push(f);
            noAtom();
            both("(");
            return;
        }
        pos++;
        if (pos >= p.length()) {
            throw err("unterminated group", at);
        }
        char c = p.charAt(pos);
        switch (c) {
            case '#': {
                int close = p.indexOf(')', pos);
                if (close < 0) {
                    throw err("missing ) after (?# comment", at);
                }
                pos = close + 1;
                return;
            }
            case ':':
                pos++;
                frames.push(f);
                noAtom();
                both("(?:");
                return;
            case '=':
            case '!':
                pos++;
                frames.push(f);
                noAtom();
                re2ok = false;
                jv.append("(?").append(c);
                return;
            case '>':
                pos++;
                frames.push(f);
                noAtom();
                re2ok = false;
                jv.append("(?>");
                return;
            case '<':
                if (pos + 1 < p.length() && (p.charAt(pos + 1) == '=' || p.charAt(pos + 1) == '!')) {
                    jv.append("(?<").append(p.charAt(pos + 1));
                    pos += 2;
                    frames.push(f);
                    noAtom();
                    re2ok = false;
                    return;
                }
                namedGroup(at, '>', pos + 1, f);
                return;
            case '\'':
                namedGroup(at, '\'', pos + 1, f);
                return;
            case 'P':
                if (pos + 1 < p.length() && p.charAt(pos + 1) == '<') {
                    namedGroup(at, '>', pos + 2, f);
                    return;
                }
                if (pos + 1 < p.length() && p.charAt(pos + 1) == '=') {
                    int close = p.indexOf(')', pos);
                    if (close < 0) {
                        throw err("malformed (?P= reference", at);
                    }
                    String name = p.substring(pos + 2, close);
                    pos = close + 1;
                    resolveRef(name, at);
                    return;
                }
                throw err("unsupported (?P construct", at);
            case '|':
                throw err("branch reset groups (?| are not supported", at);
            case '(':
                throw err("conditional groups (?( are not supported", at);
            case 'R':
            case '&':
            case '+':
            case 'C':
                throw err("recursion, subroutine calls and callouts are not supported", at);
            default:
                if (Character.isDigit(c) || c == '-' && pos + 1 < p.length() && Character.isDigit(p.charAt(pos + 1))) {
                    throw err("subroutine calls are not supported", at);
                }
                optionGroup(at, f);
        }
    }

    private void namedGroup(int at, char close, int nameStart, Frame f) throws PcreSyntaxException {
        int end = p.indexOf(close, nameStart);
        if (end < 0) {
            throw err("syntax error in subpattern name (missing terminator)", at);
        }
        String name = p.substring(nameStart, end);
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw err("invalid subpattern name '" + name + "'", at);
        }
        groups++;
        if (names.putIfAbsent(name, groups) != null) {
            throw err("two named subpatterns have the same name '" + name + "'", at);
        }
        pos = end + 1;
        frames.push(f);
        noAtom();
        both("(");
    }

    /** (?imsxU-imsxU) or (?imsxU-imsxU: ... ). */
    private void optionGroup(int at, Frame f) throws PcreSyntaxException {
        boolean on = true;
        boolean i = ci, s = dotall, m = multi, x = ext, u = ungreedy;
        while (pos < p.length()) {
            char c = p.charAt(pos++);
            switch (c) {
                case '-': on = false; break;
                case 'i': i = on; break;
                case 's': s = on; break;
                case 'm': m = on; break;
                case 'x': x = on; break;
                case 'U': u = on; break;
                case 'J': case 'n': break;
                case ')':
                    ci = i; dotall = s; multi = m; ext = x; ungreedy = u;
                    return; // applies to the rest of the enclosing group
                case ':':
                    frames.push(f);
                    ci = i; dotall = s; multi = m; ext = x; ungreedy = u;
                    noAtom();
                    both("(?:");
                    return;
                default:
                    throw err("unrecognized character after (? or (?-: '" + c + "'", at);
            }
        }
        throw err("unterminated group options", at);
    }

    private void closeGroup() throws PcreSyntaxException {
        if (frames.isEmpty()) {
            throw err("unmatched closing parenthesis", pos);
        }
        pos++;
        Frame f = frames.pop();
        ci = f.i;
        dotall = f.s;
        multi = f.m;
        ext = f.x;
        ungreedy = f.u;
        both(")");
        atomRe2 = f.re2Start;
        atomJava = f.javaStart;
    }

    // ------------------------------------------------------------------ quantifiers

    private boolean braceQuantifier() throws PcreSyntaxException {
        int close = p.indexOf('}', pos);
        if (close < 0) {
            return false;
        }
        String body = p.substring(pos + 1, close);
        if (!body.matches("[0-9]+(,[0-9]*)?")) {
            return false; // PCRE: not a quantifier, a literal '{'
        }
        int at = pos;
        int comma = body.indexOf(',');
        long min = Long.parseLong(comma < 0 ? body : body.substring(0, comma));
        long max = comma < 0 ? min : comma == body.length() - 1 ? -1 : Long.parseLong(body.substring(comma + 1));
        if (min > 65535 || max > 65535) {
            throw err("number too big in {} quantifier", at);
        }
        if (max >= 0 && max < min) {
            throw err("numbers out of order in {} quantifier", at);
        }
        if (min > 1000 || max > 1000) {
            re2ok = false; // RE2 repeat limit
        }
        pos = close + 1;
        quantifier((int) min, (int) max, "{" + body + "}", at);
        return true;
    }

    private void quantifier(int min, int max, String q, int at) throws PcreSyntaxException {
        if (atomRe2 < 0 && atomJava < 0) {
            throw err("quantifier does not follow a repeatable item", at);
        }
        boolean lazy = false;
        boolean possessive = false;
        if (pos < p.length() && p.charAt(pos) == '?') {
            lazy = true;
            pos++;
        } else if (pos < p.length() && p.charAt(pos) == '+') {
            possessive = true;
            pos++;
        }
        if (!possessive && ungreedy) {
            lazy = !lazy;
        }
        String suffix = possessive ? "+" : lazy ? "?" : "";
        if (possessive) {
            re2ok = false;
        }
        re2.append(q).append(suffix);
        jv.append(q).append(suffix);
        noAtom();
    }
}
