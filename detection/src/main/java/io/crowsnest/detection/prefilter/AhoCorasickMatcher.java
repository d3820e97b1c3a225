package io.crowsnest.detection.prefilter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Allocation-free Aho-Corasick matcher in the style of Suricata's {@code ac-ks} ("ac-tile").
 *
 * <h2>Design</h2>
 * <ul>
 *   <li><b>Compressed alphabet.</b> Every input byte is first mapped through a 256-entry table to an
 *       equivalence class: one class per (ASCII-lowercased) byte value that occurs in some pattern, and class 0
 *       for every byte that occurs in none. Typical HTTP-ish pattern sets use 40-100 classes instead of 256, so a
 *       state row is 2.5-6x smaller.</li>
 *   <li><b>nocase handling: one automaton on case-folded text plus verification.</b> The class table maps
 *       {@code 'A'..'Z'} to the same class as {@code 'a'..'z'} (case folding is free: it is part of the class
 *       lookup), and all patterns are inserted lowercased. A nocase pattern is reported as soon as its state is
 *       reached. A case-sensitive pattern that contains an ASCII letter is reported only after an exact byte
 *       compare at the match position (Suricata does the same memcmp in ac-ks); case-sensitive patterns without
 *       letters need no compare. Identical folded patterns share one state and its output list holds every id.</li>
 *   <li><b>Full DFA (goto and failure folded) as a flat row-major table</b> {@code table[state * classes + class]}.
 *       Each entry is the next state with a "has output" flag bit, so the inner loop only touches the output
 *       lists when a pattern ends there. When all states fit in 15 bits the table is a {@code char[]}
 *       (half the cache footprint), otherwise an {@code int[]} with the sign bit as flag.</li>
 *   <li><b>Memory cap for big sets.</b> States are numbered breadth-first; only the first
 *       {@code denseBudget / classes} states (the shallow ones, where nearly all time is spent) get dense rows.
 *       Deeper states - in large sets mostly single-child chains of pattern tails - keep only their own goto
 *       edges plus a failure link; a transition from such a state walks failure links until an edge or a dense
 *       state is found (amortised O(1) per byte, as in classic AC). For 20k patterns of 4-20 bytes this bounds the
 *       table at {@link PatternSetBuilder#DEFAULT_DENSE_BUDGET} entries (16 MiB) plus a few MiB of edges instead of
 *       ~100-250 MiB for a full int table.</li>
 *   <li><b>Outputs</b> are fully merged along failure links at build time and stored flat: the ids of state
 *       {@code s} are {@code outIds[outStart[s] .. outStart[s+1])}.</li>
 * </ul>
 * Instances are immutable and thread-safe.
 */
public final class AhoCorasickMatcher implements MultiPatternMatcher {
    private static final int CHAR_FLAG = 0x8000;
    private static final int CHAR_MASK = 0x7fff;
    private static final int INT_MASK = 0x7fffffff;

    private final int patternCount;
    private final int[] classMap;      // byte -> class
    private final int classes;
    private final int states;
    private final int denseStates;
    private final char[] table16;      // non-null when every state is dense and states <= 32768
    private final int[] table32;       // otherwise: dense rows for states [0, denseStates)
    // sparse states s >= denseStates, index j = s - denseStates
    private final int[] sparseEdgeStart;
    private final int[] sparseEdgeClass;
    private final int[] sparseEdgeTarget; // entries with the flag bit
    private final int[] sparseFail;
    // outputs
    private final int[] outStart;
    private final int[] outIds;
    // per-pattern verification data (case-sensitive patterns with letters)
    private final boolean[] verify;
    private final int[] patOff;
    private final int[] patLen;
    private final byte[] patBytes;
    // fast path when every state is dense: entries hold next*classes (premultiplied) | flag bit 31,
    // and rootLeaves[b] says whether byte b moves the automaton off the root (or ends a pattern)
    private final int[] premul;
    private final boolean[] rootLeaves;
    // SWAR skip at the root: when the bytes that leave the root fold (b | 0x20) onto at most
    // SWAR_KEYS values, eight bytes at a time are tested against those values broadcast to a long
    private static final int SWAR_KEYS = 4;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long CASE = 0x2020202020202020L;
    private final long[] swarKeys;
    // Pair skip: when every pattern has 2+ bytes and their first two bytes fold (| 0x20) onto at
    // most SWAR_KEYS pairs, candidates are positions whose byte AND next byte match a pair — far
    // rarer in payloads than a single byte ('u' is 2 % of text, "ui" 0.05 %).
    private final long[] pairFirst, pairSecond;
    private final boolean[] pairOk; // exact folded pair check, index (b0 | 0x20) << 8 | (b1 | 0x20)

    private AhoCorasickMatcher(int patternCount, int[] classMap, int classes, int states, int denseStates,
                               char[] table16, int[] table32, int[] sparseEdgeStart, int[] sparseEdgeClass,
                               int[] sparseEdgeTarget, int[] sparseFail, int[] outStart, int[] outIds,
                               boolean[] verify, int[] patOff, int[] patLen, byte[] patBytes) {
        this.patternCount = patternCount;
        this.classMap = classMap;
        this.classes = classes;
        this.states = states;
        this.denseStates = denseStates;
        this.table16 = table16;
        this.table32 = table32;
        this.sparseEdgeStart = sparseEdgeStart;
        this.sparseEdgeClass = sparseEdgeClass;
        this.sparseEdgeTarget = sparseEdgeTarget;
        this.sparseFail = sparseFail;
        this.outStart = outStart;
        this.outIds = outIds;
        this.verify = verify;
        this.patOff = patOff;
        this.patLen = patLen;
        this.patBytes = patBytes;
        long cells = (long) states * classes;
        if (denseStates == states && cells < (1L << 30)) {
            this.premul = new int[(int) cells];
            for (int st = 0; st < states; st++) {
                for (int cls = 0; cls < classes; cls++) {
                    int e = table16 != null ? table16[st * classes + cls] : table32[st * classes + cls];
                    boolean flag = table16 != null ? (e & CHAR_FLAG) != 0 : e < 0;
                    int next = table16 != null ? e & CHAR_MASK : e & INT_MASK;
                    premul[st * classes + cls] = next * classes | (flag ? Integer.MIN_VALUE : 0);
                }
            }
            this.rootLeaves = new boolean[256];
            boolean[] folded = new boolean[256];
            int keys = 0;
            for (int b = 0; b < 256; b++) {
                rootLeaves[b] = premul[classMap[b]] != 0;
                if (rootLeaves[b] && !folded[b | 0x20]) {
                    folded[b | 0x20] = true;
                    keys++;
                }
            }
            long[][] pairs = pairKeys(patternCount, patOff, patLen, patBytes);
            if (pairs != null) {
                this.pairFirst = pairs[0];
                this.pairSecond = pairs[1];
                this.pairOk = new boolean[1 << 16];
                for (int k = 0; k < pairFirst.length; k++) {
                    pairOk[(int) (pairFirst[k] & 0xff) << 8 | (int) (pairSecond[k] & 0xff)] = true;
                }
            } else {
                this.pairFirst = null;
                this.pairSecond = null;
                this.pairOk = null;
            }
            if (keys <= SWAR_KEYS) {
                this.swarKeys = new long[keys];
                int k = 0;
                for (int f = 0; f < 256; f++) {
                    if (folded[f]) {
                        swarKeys[k++] = ONES * f;
                    }
                }
            } else {
                this.swarKeys = null;
            }
        } else {
            this.premul = null;
            this.rootLeaves = null;
            this.swarKeys = null;
            this.pairFirst = null;
            this.pairSecond = null;
            this.pairOk = null;
        }
    }

    static int fold(int b) {
        return (b >= 'A' && b <= 'Z') ? b + 32 : b;
    }

    // ------------------------------------------------------------------ scanning

    @Override
    public int patternCount() {
        return patternCount;
    }

    @Override
    public int scan(byte[] buf, int off, int len, MatchSet out) {
        MultiPatternMatcher.checkScanArguments(buf, off, len, out, patternCount);
        if (states <= 1) {
            return 0; // empty set
        }
        if (premul != null) {
            return scanPremultiplied(buf, off, off + len, out);
        }
        return table16 != null ? scan16(buf, off, off + len, out) : scan32(buf, off, off + len, out);
    }

    /**
     * The all-dense fast path. Two things keep the per-byte dependency chain short: the table
     * holds premultiplied row offsets (no multiply between one load and the next), and while the
     * automaton sits at the root it skips bytes that cannot leave it with a plain lookup that has
     * no loop-carried dependency, which the CPU pipelines (most payload bytes start no pattern);
     * when few byte values can leave the root, it tests eight bytes at a time (SWAR).
     */
    private int scanPremultiplied(byte[] buf, int from, int end, MatchSet out) {
        final int[] t = premul;
        final int[] cm = classMap;
        final boolean[] leaves = rootLeaves;
        final long[] keys = swarKeys;
        final int c = classes;
        int s = 0;
        int found = 0;
        int i = from;
        while (i < end) {
            if (s == 0 && pairOk != null && i + 9 <= end) {
                // Eight positions per step while no (byte, next byte) folds onto a pattern's first
                // pair; a position that fails the exact pair check cannot start a match, and
                // restarting at the root one byte later is what the automaton would have done.
                long m;
                while ((m = pairMask((long) LONGS.get(buf, i) | CASE, (long) LONGS.get(buf, i + 1) | CASE)) == 0) {
                    i += 8;
                    if (i + 9 > end) {
                        break;
                    }
                }
                if (m == 0) {
                    continue; // near the end: the single-byte paths below take the rest
                }
                i += Long.numberOfTrailingZeros(m) >>> 3;
                if (!pairOk[((buf[i] | 0x20) & 0xff) << 8 | ((buf[i + 1] | 0x20) & 0xff)]) {
                    i++;
                    continue;
                }
            } else if (s == 0) {
                if (keys != null && i + 8 <= end) {
                    // Eight bytes per step while none of them can leave the root; then jump
                    // straight to the first candidate byte. Folding with | 0x20 may admit a few
                    // extra bytes (checked exactly here), never miss one.
                    long m;
                    while ((m = leaveMask((long) LONGS.get(buf, i) | CASE, keys)) == 0) {
                        i += 8;
                        if (i + 8 > end) {
                            break;
                        }
                    }
                    if (m != 0) {
                        i += Long.numberOfTrailingZeros(m) >>> 3;
                        if (!leaves[buf[i] & 0xff]) {
                            i++;
                            continue;
                        }
                    } else {
                        continue; // fewer than 8 bytes left: the byte loop below takes them
                    }
                } else {
                    while (i < end && !leaves[buf[i] & 0xff]) {
                        i++;
                    }
                    if (i == end) {
                        break;
                    }
                }
            }
            int e = t[s + cm[buf[i] & 0xff]];
            s = e & INT_MASK;
            if (e < 0) {
                found += emit(s / c, buf, i, out);
            }
            i++;
        }
        return found;
    }

    /** Positions where the byte matches some pair's first key and the next byte the same pair's second. */
    private long pairMask(long w0, long w1) {
        long mask = 0;
        final long[] a = pairFirst, b = pairSecond;
        for (int k = 0; k < a.length; k++) {
            long x = w0 ^ a[k];
            long y = w1 ^ b[k];
            mask |= ((x - ONES) & ~x & HIGHS) & ((y - ONES) & ~y & HIGHS);
        }
        return mask;
    }

    /** Broadcast folded first/second bytes of the patterns' distinct first pairs, or null when not applicable. */
    private static long[][] pairKeys(int n, int[] patOff, int[] patLen, byte[] patBytes) {
        java.util.LinkedHashSet<Integer> pairs = new java.util.LinkedHashSet<>();
        for (int id = 0; id < n; id++) {
            if (patLen[id] < 2) {
                return null;
            }
            int b0 = (patBytes[patOff[id]] | 0x20) & 0xff, b1 = (patBytes[patOff[id] + 1] | 0x20) & 0xff;
            pairs.add(b0 << 8 | b1);
            if (pairs.size() > SWAR_KEYS) {
                return null;
            }
        }
        long[] first = new long[pairs.size()], second = new long[pairs.size()];
        int k = 0;
        for (int pair : pairs) {
            first[k] = ONES * (pair >>> 8);
            second[k++] = ONES * (pair & 0xff);
        }
        return new long[][] {first, second};
    }

    /**
     * Bytes of {@code word} equal to some key, as a mask with the high bit of each such byte set.
     * Per key this is the exact "has a zero byte" test on {@code word ^ key}; its lowest set bit
     * is always a true match (borrows only create false bits above a true one), so
     * numberOfTrailingZeros finds the first candidate byte.
     */
    private static long leaveMask(long word, long[] keys) {
        long mask = 0;
        for (long key : keys) {
            long x = word ^ key;
            mask |= (x - ONES) & ~x & HIGHS;
        }
        return mask;
    }

    private int scan16(byte[] buf, int from, int end, MatchSet out) {
        final char[] t = table16;
        final int[] cm = classMap;
        final int c = classes;
        int s = 0;
        int found = 0;
        for (int i = from; i < end; i++) {
            int e = t[s * c + cm[buf[i] & 0xff]];
            s = e & CHAR_MASK;
            if (e >= CHAR_FLAG) {
                found += emit(s, buf, i, out);
            }
        }
        return found;
    }

    private int scan32(byte[] buf, int from, int end, MatchSet out) {
        final int[] t = table32;
        final int[] cm = classMap;
        final int c = classes;
        final int dense = denseStates;
        int s = 0;
        int found = 0;
        for (int i = from; i < end; i++) {
            int cls = cm[buf[i] & 0xff];
            int e = s < dense ? t[s * c + cls] : sparseNext(s, cls);
            s = e & INT_MASK;
            if (e < 0) {
                found += emit(s, buf, i, out);
            }
        }
        return found;
    }

    /** Transition from a sparse state: own goto edge, else follow failure links to an edge or a dense row. */
    private int sparseNext(int s, int cls) {
        final int dense = denseStates;
        do {
            int j = s - dense;
            for (int k = sparseEdgeStart[j], end = sparseEdgeStart[j + 1]; k < end; k++) {
                if (sparseEdgeClass[k] == cls) {
                    return sparseEdgeTarget[k];
                }
            }
            s = sparseFail[j];
        } while (s >= dense);
        return table32[s * classes + cls];
    }

    /** Records the outputs of state s, a match ending at buf[end]. */
    private int emit(int s, byte[] buf, int end, MatchSet out) {
        int added = 0;
        for (int k = outStart[s], stop = outStart[s + 1]; k < stop; k++) {
            int id = outIds[k];
            if (out.contains(id)) {
                continue;
            }
            if (verify[id] && !exact(id, buf, end)) {
                continue;
            }
            out.add(id);
            added++;
        }
        return added;
    }

    private boolean exact(int id, byte[] buf, int end) {
        int l = patLen[id];
        int start = end - l + 1;
        int po = patOff[id];
        final byte[] pb = patBytes;
        for (int k = 0; k < l; k++) {
            if (buf[start + k] != pb[po + k]) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ statistics

    /** Number of automaton states (root included; 1 for an empty set). */
    public int stateCount() {
        return states;
    }

    /** Number of states with a dense (full DFA) row. */
    public int denseStateCount() {
        return denseStates;
    }

    /** Number of byte equivalence classes (row width). */
    public int alphabetSize() {
        return classes;
    }

    /** True when the state table is the 16-bit variant. */
    public boolean compactTable() {
        return table16 != null;
    }

    /** Approximate heap bytes held by the matcher's arrays. */
    public long memoryBytes() {
        long b = 256L * 4;
        b += table16 != null ? 2L * table16.length : 0;
        b += table32 != null ? 4L * table32.length : 0;
        b += 4L * (sparseEdgeStart.length + sparseEdgeClass.length + sparseEdgeTarget.length + sparseFail.length);
        b += 4L * (outStart.length + outIds.length + patOff.length + patLen.length);
        b += verify.length + patBytes.length;
        return b;
    }

    @Override
    public String toString() {
        return "AhoCorasickMatcher[patterns=" + patternCount + ", states=" + states + ", dense=" + denseStates
                + ", classes=" + classes + ", table=" + (table16 != null ? "char" : "int")
                + ", bytes=" + memoryBytes() + "]";
    }

    // ------------------------------------------------------------------ construction

    static AhoCorasickMatcher build(byte[][] patterns, boolean[] nocase, int denseBudget) {
        final int n = patterns.length;

        // 1. alphabet compression over folded bytes
        int[] classOfFolded = new int[256];
        boolean[] used = new boolean[256];
        for (byte[] p : patterns) {
            for (byte b : p) {
                used[fold(b & 0xff)] = true;
            }
        }
        int classes = 1; // class 0: bytes in no pattern
        for (int v = 0; v < 256; v++) {
            if (used[v]) {
                classOfFolded[v] = classes++;
            }
        }
        int[] classMap = new int[256];
        for (int b = 0; b < 256; b++) {
            classMap[b] = classOfFolded[fold(b)];
        }

        // 2. trie with first-child / next-sibling lists
        Trie trie = new Trie(Math.max(16, totalLength(patterns) + 1));
        int[] ownHead = null; // per trie node: first pattern id ending there
        int[] ownNext = new int[n];
        int[] endNode = new int[n];
        for (int id = 0; id < n; id++) {
            int node = 0;
            for (byte b : patterns[id]) {
                node = trie.childOrAdd(node, classMap[b & 0xff]);
            }
            endNode[id] = node;
        }
        int trieStates = trie.size;
        ownHead = new int[trieStates];
        Arrays.fill(ownHead, -1);
        for (int id = n - 1; id >= 0; id--) { // keep ids ascending in each list
            ownNext[id] = ownHead[endNode[id]];
            ownHead[endNode[id]] = id;
        }

        // 3. breadth-first numbering
        int[] order = new int[trieStates];     // new -> old
        int[] newOf = new int[trieStates];     // old -> new
        int head = 0;
        int tail = 0;
        order[tail++] = 0;
        while (head < tail) {
            int u = order[head++];
            for (int v = trie.firstChild[u]; v >= 0; v = trie.nextSibling[v]) {
                order[tail++] = v;
            }
        }
        for (int i = 0; i < trieStates; i++) {
            newOf[order[i]] = i;
        }
        final int states = trieStates;
        final int denseStates = (int) Math.max(1, Math.min(states, (long) denseBudget / classes));
        final boolean compact = denseStates == states && states <= CHAR_MASK + 1;

        // 4. failure links, dense rows, merged outputs (all in BFS order; a state's fail precedes it)
        int[] fail = new int[states];
        int[] dense = new int[denseStates * classes]; // plain next-state ids (flags added later)
        IntList outIdsL = new IntList(Math.max(16, n));
        int[] outStart = new int[states + 1];
        // sparse children (new ids), built for states >= denseStates
        int sparseCount = states - denseStates;
        int[] sparseEdgeStart = new int[sparseCount + 1];
        IntList sparseCls = new IntList(Math.max(16, sparseCount));
        IntList sparseTgt = new IntList(Math.max(16, sparseCount));

        for (int s = 0; s < states; s++) {
            int old = order[s];
            // outputs: own, then fail's (already computed, fail < s)
            outStart[s] = outIdsL.size;
            for (int id = ownHead[old]; id >= 0; id = ownNext[id]) {
                outIdsL.add(id);
            }
            if (s != 0) {
                int f = fail[s];
                for (int k = outStart[f], e = outStart[f + 1]; k < e; k++) {
                    outIdsL.add(outIdsL.data[k]);
                }
            }
            // children: set their fail links; fill the dense row or the sparse edge list
            if (s < denseStates) {
                int row = s * classes;
                if (s != 0) {
                    System.arraycopy(dense, fail[s] * classes, dense, row, classes);
                }
            } else {
                sparseEdgeStart[s - denseStates] = sparseCls.size;
            }
            for (int v = trie.firstChild[old]; v >= 0; v = trie.nextSibling[v]) {
                int cls = trie.edgeClass[v];
                int child = newOf[v];
                fail[child] = s == 0 ? 0 : delta(fail[s], cls, denseStates, classes, dense, fail,
                        trie, order, newOf);
                if (s < denseStates) {
                    dense[s * classes + cls] = child;
                } else {
                    sparseCls.add(cls);
                    sparseTgt.add(child);
                }
            }
        }
        outStart[states] = outIdsL.size;
        sparseEdgeStart[sparseCount] = sparseCls.size;

        // 5. encode tables with the has-output flag
        char[] table16 = null;
        int[] table32 = null;
        if (compact) {
            table16 = new char[dense.length];
            for (int i = 0; i < dense.length; i++) {
                int t = dense[i];
                table16[i] = (char) (t | (outStart[t + 1] > outStart[t] ? CHAR_FLAG : 0));
            }
        } else {
            table32 = dense;
            for (int i = 0; i < dense.length; i++) {
                int t = dense[i];
                if (outStart[t + 1] > outStart[t]) {
                    table32[i] = t | Integer.MIN_VALUE;
                }
            }
        }
        int[] sparseTarget = sparseTgt.toArray();
        for (int i = 0; i < sparseTarget.length; i++) {
            int t = sparseTarget[i];
            if (outStart[t + 1] > outStart[t]) {
                sparseTarget[i] = t | Integer.MIN_VALUE;
            }
        }
        int[] sparseFail = Arrays.copyOfRange(fail, denseStates, states);

        // 6. verification data
        boolean[] verify = new boolean[n];
        int[] patOff = new int[n];
        int[] patLen = new int[n];
        byte[] patBytes = new byte[totalLength(patterns)];
        int pos = 0;
        for (int id = 0; id < n; id++) {
            byte[] p = patterns[id];
            patOff[id] = pos;
            patLen[id] = p.length;
            System.arraycopy(p, 0, patBytes, pos, p.length);
            pos += p.length;
            if (!nocase[id]) {
                for (byte b : p) {
                    if (fold(b & 0xff) != (b & 0xff) || (b >= 'a' && b <= 'z')) {
                        verify[id] = true;
                        break;
                    }
                }
            }
        }
        return new AhoCorasickMatcher(n, classMap, classes, states, denseStates, table16, table32,
                sparseEdgeStart, sparseCls.toArray(), sparseTarget, sparseFail, outStart, outIdsL.toArray(),
                verify, patOff, patLen, patBytes);
    }

    /** Build-time transition (new ids): dense row, else own trie edge, else via failure links. */
    private static int delta(int s, int cls, int denseStates, int classes, int[] dense, int[] fail,
                             Trie trie, int[] order, int[] newOf) {
        while (s >= denseStates) {
            int c = trie.child(order[s], cls);
            if (c >= 0) {
                return newOf[c];
            }
            s = fail[s];
        }
        return dense[s * classes + cls];
    }

    private static int totalLength(byte[][] patterns) {
        long t = 0;
        for (byte[] p : patterns) {
            t += p.length;
        }
        if (t > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("pattern set too large: " + t + " bytes");
        }
        return (int) t;
    }

    /** Growable trie over classes, children as sibling lists (build time only). */
    private static final class Trie {
        int[] firstChild;
        int[] nextSibling;
        int[] edgeClass;
        int size = 1;

        Trie(int cap) {
            firstChild = new int[cap];
            nextSibling = new int[cap];
            edgeClass = new int[cap];
            firstChild[0] = -1;
            nextSibling[0] = -1;
        }

        int child(int node, int cls) {
            for (int v = firstChild[node]; v >= 0; v = nextSibling[v]) {
                if (edgeClass[v] == cls) {
                    return v;
                }
            }
            return -1;
        }

        int childOrAdd(int node, int cls) {
            int c = child(node, cls);
            if (c >= 0) {
                return c;
            }
            if (size == firstChild.length) {
                int cap = size * 2;
                firstChild = Arrays.copyOf(firstChild, cap);
                nextSibling = Arrays.copyOf(nextSibling, cap);
                edgeClass = Arrays.copyOf(edgeClass, cap);
            }
            int v = size++;
            firstChild[v] = -1;
            edgeClass[v] = cls;
            nextSibling[v] = firstChild[node];
            firstChild[node] = v;
            return v;
        }
    }

    private static final class IntList {
        int[] data;
        int size;

        IntList(int cap) {
            data = new int[cap];
        }

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
