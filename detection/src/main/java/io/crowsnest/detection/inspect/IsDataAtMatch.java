package io.crowsnest.detection.inspect;

import static io.crowsnest.detection.inspect.PayloadInspector.DISCONTINUE;
import static io.crowsnest.detection.inspect.PayloadInspector.NO_MATCH;

/** {@code isdataat:[!]N[,relative]}. */
public final class IsDataAtMatch extends PayloadElement {
    public final int dataAt;
    public final boolean negated, relative;
    /** byte_extract variable slot, -1 when a constant. */
    public int dataAtVar = -1;

    public IsDataAtMatch(int dataAt, boolean negated, boolean relative) {
        this.dataAt = dataAt;
        this.negated = negated;
        this.relative = relative;
    }

    @Override
    public boolean isRelative() {
        return relative;
    }

    @Override
    protected int inspect(PayloadElement[] els, int i, byte[] buf, int off, int len, InspectionContext ctx) {
        final long dataAt = dataAtVar >= 0 ? ctx.vars[dataAtVar] : this.dataAt;
        if (relative) {
            if ((long) ctx.cursor + dataAt > len) {
                return negated ? PayloadInspector.next(els, i, buf, off, len, ctx) : DISCONTINUE;
            }
            return negated ? NO_MATCH : PayloadInspector.next(els, i, buf, off, len, ctx);
        }
        if (dataAt < len) {
            return negated ? DISCONTINUE : PayloadInspector.next(els, i, buf, off, len, ctx);
        }
        return negated ? PayloadInspector.next(els, i, buf, off, len, ctx) : DISCONTINUE;
    }
}
