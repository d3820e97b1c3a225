package io.crowsnest.detection.inspect;

import static io.crowsnest.detection.inspect.PayloadInspector.NO_MATCH;

import io.crowsnest.detection.pcre.PcreExpression;

/** {@code pcre:"/re/flags"} in the payload list, incl. relative (R) and negation, with retry on later failure. */
public final class PcreMatch extends PayloadElement {
    public final PcreExpression expr;
    public final boolean negated, relative;
    public final String source;
    /** Relative pattern anchored with ^ (no m): retrying at a later start would move the anchor. */
    private final boolean anchoredRelative;

    public PcreMatch(PcreExpression expr, String source) {
        this.expr = expr;
        this.negated = expr.negated();
        this.relative = expr.relative();
        this.source = source;
        String pat = expr.pattern();
        this.anchoredRelative = relative && ((pat != null && pat.startsWith("^") && !expr.modifiers().contains("m"))
                || expr.anchored());
    }

    @Override
    public boolean isRelative() {
        return relative;
    }

    @Override
    protected int inspect(PayloadElement[] els, int i, byte[] buf, int off, int len, InspectionContext ctx) {
        final int prevBufferOffset = ctx.cursor;
        final int base = relative ? prevBufferOffset : 0;
        if (base > len) {
            return negated ? PayloadInspector.next(els, i, buf, off, len, ctx) : NO_MATCH;
        }
        int from = off + base;
        while (true) {
            boolean found = expr.find(buf, off + base, len - base, from);
            if (negated) {
                return found ? NO_MATCH : PayloadInspector.next(els, i, buf, off, len, ctx);
            }
            if (!found) {
                return NO_MATCH;
            }
            int start = expr.lastStart();
            ctx.cursor = expr.lastEnd() - off;
            if (!relativeNext) {
                return PayloadInspector.next(els, i, buf, off, len, ctx);
            }
            int r = PayloadInspector.next(els, i, buf, off, len, ctx);
            if (r != NO_MATCH) {
                return r;
            }
            ctx.cursor = prevBufferOffset;
            if (anchoredRelative) {
                return NO_MATCH;
            }
            from = start + 1;
            if (from > off + len) {
                return NO_MATCH;
            }
        }
    }

    @Override
    public String toString() {
        return "pcre:" + source;
    }
}
