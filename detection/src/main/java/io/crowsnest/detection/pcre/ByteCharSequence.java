package io.crowsnest.detection.pcre;

import java.nio.charset.StandardCharsets;

/**
 * A mutable, zero-copy {@link CharSequence} view of {@code buf[off, off+len)} with bytes mapped 1:1 to chars
 * (ISO-8859-1). Optionally counts {@link #charAt} calls and aborts with {@link BudgetExceeded} once a step
 * budget is spent; this is how the java.util.regex fallback is bounded (every backtracking step reads input).
 */
final class ByteCharSequence implements CharSequence {
    /** Thrown by {@link #charAt} when the step budget is spent; stackless and shared. */
    static final class BudgetExceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final BudgetExceeded INSTANCE = new BudgetExceeded();

        private BudgetExceeded() {
            super("regex step budget exhausted", null, false, false);
        }
    }

    private byte[] buf = new byte[0];
    private int off;
    private int len;
    private final boolean counting;
    private long remaining = Long.MAX_VALUE;

    ByteCharSequence(boolean counting) {
        this.counting = counting;
    }

    ByteCharSequence set(byte[] buf, int off, int len) {
        this.buf = buf;
        this.off = off;
        this.len = len;
        return this;
    }

    void budget(long steps) {
        this.remaining = steps;
    }

    /** Drops the reference to the caller's buffer. */
    void release() {
        this.buf = new byte[0];
        this.off = 0;
        this.len = 0;
    }

    @Override
    public int length() {
        return len;
    }

    @Override
    public char charAt(int index) {
        if (counting && --remaining < 0) {
            throw BudgetExceeded.INSTANCE;
        }
        if (index < 0 || index >= len) {
            throw new IndexOutOfBoundsException("index " + index + ", length " + len);
        }
        return (char) (buf[off + index] & 0xff);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        if (start < 0 || end > len || start > end) {
            throw new IndexOutOfBoundsException("[" + start + ", " + end + ") of " + len);
        }
        return new ByteCharSequence(false).set(buf, off + start, end - start);
    }

    @Override
    public String toString() {
        return new String(buf, off, len, StandardCharsets.ISO_8859_1);
    }
}
