package io.crowsnest.applayer;

/** A growable byte buffer with a hard cap: bytes beyond the cap are dropped and counted. */
public final class ByteBuf {
    private byte[] a;
    private int n;
    private final int cap;
    private long dropped;
    private long expected = -1;

    public ByteBuf(int initial, int cap) {
        this.a = new byte[Math.max(0, Math.min(initial, cap))];
        this.cap = cap;
    }

    /** Appends up to the cap; returns the bytes taken. */
    public int append(byte[] b, int off, int len) {
        int take = Math.min(len, cap - n);
        if (take < len) {
            dropped += len - take;
        }
        if (take <= 0) {
            return 0;
        }
        if (n + take > a.length) {
            long size = Math.max(n + take, Math.max(64, a.length * 2));
            if (n == 0 && expected > take) {
                // an announced length: one array for it instead of a copy per doubling (HTTP bodies were
                // most of the live sensor's allocated bytes); at most 4x what arrived, so a length that
                // lies costs no more than the doubling could
                size = Math.min(expected, 4L * take);
            }
            a = java.util.Arrays.copyOf(a, (int) Math.min(cap, size));
        }
        System.arraycopy(b, off, a, n, take);
        n += take;
        return take;
    }

    /**
     * The length announced for what will be appended (an HTTP body's Content-Length): the first append
     * sizes the array for it, up to four times what that append brings and the cap. Only the capacity
     * changes, never what is kept.
     */
    public void expect(long bytes) {
        expected = bytes;
    }

    /** The array's current size (what is allocated, not what is kept). */
    int capacity() {
        return a.length;
    }

    public void append(int b) {
        if (n >= cap) {
            dropped++;
            return;
        }
        if (n == a.length) {
            a = java.util.Arrays.copyOf(a, Math.min(cap, Math.max(64, a.length * 2)));
        }
        a[n++] = (byte) b;
    }

    public byte[] array() {
        return a;
    }

    public int length() {
        return n;
    }

    public boolean full() {
        return n >= cap;
    }

    public long dropped() {
        return dropped;
    }

    public void clear() {
        n = 0;
    }

    public byte[] toArray() {
        return java.util.Arrays.copyOf(a, n);
    }

    @Override
    public String toString() {
        return new String(a, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
