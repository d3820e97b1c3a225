package io.crowsnest.detection.inspect;

import java.util.function.LongPredicate;

/** {@code bsize} / {@code urilen}: the length of the whole buffer being inspected satisfies a comparison. */
public final class BufferSizeMatch extends PayloadElement {
    public final LongPredicate test;
    public final String source;

    public BufferSizeMatch(LongPredicate test, String source) {
        this.test = test;
        this.source = source;
    }

    @Override
    public boolean isRelative() {
        return false;
    }

    @Override
    protected int inspect(PayloadElement[] els, int i, byte[] buf, int off, int len, InspectionContext ctx) {
        return test.test(len) ? PayloadInspector.next(els, i, buf, off, len, ctx) : PayloadInspector.DISCONTINUE;
    }

    @Override
    public String toString() {
        return source;
    }
}
