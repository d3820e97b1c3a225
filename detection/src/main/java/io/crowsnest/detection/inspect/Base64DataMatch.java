package io.crowsnest.detection.inspect;

/**
 * {@code base64_data}: the elements after it inspect the bytes the preceding {@code base64_decode} produced
 * (cursor reset to the start of the decoded data).
 */
public final class Base64DataMatch extends PayloadElement {
    @Override
    public boolean isRelative() {
        return false;
    }

    @Override
    protected int inspect(PayloadElement[] els, int i, byte[] buf, int off, int len, InspectionContext ctx) {
        if (ctx.base64Length <= 0) {
            return PayloadInspector.DISCONTINUE;
        }
        int saved = ctx.cursor;
        ctx.cursor = 0;
        int r = PayloadInspector.next(els, i, ctx.base64, 0, ctx.base64Length, ctx);
        ctx.cursor = saved;
        return r;
    }

    @Override
    public String toString() {
        return "base64_data";
    }
}
