package io.crowsnest.detection.engine;

import io.crowsnest.applayer.Buf;
import io.crowsnest.detection.inspect.Base64DataMatch;
import io.crowsnest.detection.inspect.ContentMatch;
import io.crowsnest.detection.inspect.PayloadElement;
import io.crowsnest.detection.prefilter.MultiPatternMatcher;
import io.crowsnest.detection.prefilter.PatternSetBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The prefilter of the transaction rules of one signature group and one app protocol: one multi-pattern
 * automaton per sticky buffer (http.uri, http.header, dns.query, …) over the fast patterns of the rules whose
 * fast pattern lies in that buffer, as Suricata's per-buffer MPM does. When a packet updates a transaction,
 * each buffer of it is scanned once by its automaton and only the rules whose buffer pattern occurs are
 * evaluated; rules with no usable buffer pattern (only pcre, only negated contents, a transformed buffer)
 * are always evaluated.
 *
 * <p>Before this, every transaction update evaluated every transaction rule of the protocol: with ET Open
 * that is thousands of HTTP rules per HTTP packet.
 *
 * <p>A rule's fast pattern is, as in Suricata, the content marked {@code fast_pattern}, else the longest
 * positive content, taken over all its buffers. Contents after {@code base64_data} inspect decoded bytes and
 * are never chosen. A buffer with transforms is matched after the transform, so its contents cannot be
 * prefiltered on the raw buffer: such rules go to {@link #always} unless another, untransformed buffer
 * supplies the pattern. Immutable; shared by all workers.
 */
final class TransactionPrefilter {
    /**
     * Dense state-table entries per buffer automaton (1 MiB of ints): the buffers scanned are short (a URI,
     * a header block; bodies only by their new bytes), so deep states can be sparse. With ET Open the
     * packet-sized default (16 MiB each) made the transaction automata ~105 MiB of heap, which a hot
     * reload holds twice.
     */
    static final int DENSE_BUDGET = 1 << 18;

    /** Signatures evaluated on every transaction update, ascending. */
    final int[] always;
    /** Buffer ids that have an automaton ({@link Buf} ids), parallel to {@link #matchers}. */
    final int[] bufIds;
    final MultiPatternMatcher[] matchers;
    /** Per buffer, per pattern id: the signatures whose fast pattern that is. */
    final int[][][] patternSigs;
    /** Per buffer: its longest fast pattern (how far back a match ending in new body bytes can start). */
    final int[] maxPatternLength;
    /** Largest pattern count of the automata (sizes the workers' match sets). */
    final int maxPatterns;

    private TransactionPrefilter(int[] always, int[] bufIds, MultiPatternMatcher[] matchers, int[][][] patternSigs,
            int[] maxPatternLength) {
        this.maxPatternLength = maxPatternLength;
        this.always = always;
        this.bufIds = bufIds;
        this.matchers = matchers;
        this.patternSigs = patternSigs;
        int max = 0;
        for (MultiPatternMatcher m : matchers) {
            max = Math.max(max, m.patternCount());
        }
        this.maxPatterns = max;
    }

    /**
     * Builds the prefilter over {@code nums} (signature numbers, ascending) with their bindings, for packets
     * going {@code toServer}; null when no rule is left. Rules whose transaction direction is the other one
     * (a rule with a response buffer never matches on a request packet, and vice versa: see
     * {@code DetectionContext.matchTx}) are left out, so a response packet does not rescan the request's
     * buffers for request-only rules.
     */
    static TransactionPrefilter build(int[] nums, AppBinding[] app, io.crowsnest.detection.rules.Signature[] sigs,
            boolean toServer) {
        List<Integer> always = new ArrayList<>();
        Map<Integer, PerBuffer> perBuffer = new HashMap<>();
        for (int num : nums) {
            AppBinding ab = app[num];
            if (ab != null && ab.txDir == (toServer ? 2 : 1)) {
                continue;
            }
            int slot = ab == null ? -1 : fastPatternSlot(ab);
            if (slot < 0) {
                always.add(num);
                continue;
            }
            ContentMatch fp = fastPattern(ab.elems[slot]);
            perBuffer.computeIfAbsent(ab.bufIds[slot], k -> new PerBuffer()).add(fp, num);
        }
        if (always.isEmpty() && perBuffer.isEmpty()) {
            return null;
        }
        int[] ids = perBuffer.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
        MultiPatternMatcher[] ms = new MultiPatternMatcher[ids.length];
        int[][][] ps = new int[ids.length][][];
        int[] longest = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            PerBuffer pb = perBuffer.get(ids[i]);
            longest[i] = pb.longest;
            ms[i] = pb.builder.build();
            ps[i] = new int[ms[i].patternCount()][];
            for (int p = 0; p < ps[i].length; p++) {
                ps[i][p] = pb.sigs.get(p).stream().mapToInt(Integer::intValue).toArray();
            }
        }
        return new TransactionPrefilter(always.stream().mapToInt(Integer::intValue).toArray(), ids, ms, ps, longest);
    }

    /**
     * The buffer slot of the binding that holds the rule's fast pattern, or -1 when none can be used:
     * an explicit {@code fast_pattern} wins, else the longest positive content of any untransformed buffer.
     */
    static int fastPatternSlot(AppBinding ab) {
        int best = -1;
        int bestLen = -1;
        for (int b = 0; b < ab.elems.length; b++) {
            ContentMatch c = fastPattern(ab.elems[b]);
            if (c == null) {
                continue;
            }
            if (c.fastPattern) {
                return ab.transformed[b] ? -1 : b;
            }
            if (!ab.transformed[b] && c.fastPatternBytes().length > bestLen) {
                best = b;
                bestLen = c.fastPatternBytes().length;
            }
        }
        return best;
    }

    /** The buffer's explicit fast pattern, else its longest positive content (before base64_data); or null. */
    static ContentMatch fastPattern(PayloadElement[] elems) {
        ContentMatch longest = null;
        for (PayloadElement e : elems) {
            if (e instanceof Base64DataMatch) {
                break;
            }
            if (e instanceof ContentMatch c && !c.negated) {
                if (c.fastPattern) {
                    return c;
                }
                if (longest == null || c.fastPatternBytes().length > longest.fastPatternBytes().length) {
                    longest = c;
                }
            }
        }
        return longest;
    }

    /** The fast patterns of one buffer, deduplicated by bytes and case. */
    private static final class PerBuffer {
        final PatternSetBuilder builder = new PatternSetBuilder().denseBudget(DENSE_BUDGET);
        final Map<String, Integer> index = new HashMap<>();
        final List<List<Integer>> sigs = new ArrayList<>();
        int longest;

        void add(ContentMatch fp, int num) {
            byte[] bytes = fp.fastPatternBytes();
            longest = Math.max(longest, bytes.length);
            String key = (fp.nocase ? "i:" : "c:") + new String(bytes, StandardCharsets.ISO_8859_1);
            Integer id = index.get(key);
            if (id == null) {
                id = builder.add(bytes, fp.nocase);
                index.put(key, id);
                sigs.add(new ArrayList<>());
            }
            sigs.get(id).add(num);
        }
    }

    int patternTotal() {
        int n = 0;
        for (MultiPatternMatcher m : matchers) {
            n += m.patternCount();
        }
        return n;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TransactionPrefilter[always=").append(always.length);
        for (int i = 0; i < bufIds.length; i++) {
            sb.append(", ").append(Buf.name(bufIds[i])).append('=').append(matchers[i].patternCount());
        }
        return sb.append(']').toString();
    }
}
