package io.crowsnest.detection.inspect;

/**
 * Suricata's DetectEngineContentInspection over one buffer: elements in order, relative ones anchored at
 * the end of the previous match, and backtracking (an earlier content/pcre is retried at its next
 * occurrence when a later relative element fails), bounded by a per-signature step budget.
 */
public final class PayloadInspector {
    public static final int MATCH = 1;
    public static final int NO_MATCH = 0;
    public static final int DISCONTINUE = -1;

    private PayloadInspector() {}

    /** Marks {@link PayloadElement#relativeNext} on each element followed by a relative one. */
    public static void link(PayloadElement[] els) {
        for (int i = 0; i < els.length; i++) {
            els[i].relativeNext = i + 1 < els.length && els[i + 1].isRelative();
        }
    }

    /** True when the elements match {@code buf[off, off+len)}. Allocation-free. */
    public static boolean inspect(PayloadElement[] els, byte[] buf, int off, int len, InspectionContext ctx) {
        if (els.length == 0) {
            return true;
        }
        ctx.reset();
        return run(els, 0, buf, off, len, ctx) == MATCH;
    }

    static int run(PayloadElement[] els, int i, byte[] buf, int off, int len, InspectionContext ctx) {
        if (--ctx.budget < 0) {
            if (ctx.budget == -1) {
                ctx.budgetExhausted++;
            }
            return DISCONTINUE;
        }
        return els[i].inspect(els, i, buf, off, len, ctx);
    }

    /** Continues with the element after {@code i}, or reports a match when {@code i} was the last. */
    public static int next(PayloadElement[] els, int i, byte[] buf, int off, int len, InspectionContext ctx) {
        if (i + 1 >= els.length) {
            return MATCH;
        }
        return run(els, i + 1, buf, off, len, ctx);
    }
}
