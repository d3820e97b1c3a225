package io.crowsnest.decoders.stream;

/**
 * Byte buffers by power-of-two size class (256 B .. 64 KiB) with free lists, and the memory account of one
 * reassembler: a request that would take the buffers in use over the cap is refused (null), never grown.
 */
final class SegmentPool {
    private static final int MIN_SHIFT = 8, MAX_SHIFT = 16;
    private final byte[][][] free = new byte[MAX_SHIFT - MIN_SHIFT + 1][][];
    private final int[] freeCount = new int[MAX_SHIFT - MIN_SHIFT + 1];
    private Segment freeSegs;
    private final long memcap;
    private long inUse;

    SegmentPool(long memcap) {
        this.memcap = memcap;
        for (int i = 0; i < free.length; i++) {
            free[i] = new byte[16][];
        }
    }

    private static int cls(int len) {
        int shift = Math.max(MIN_SHIFT, 32 - Integer.numberOfLeadingZeros(Math.max(1, len) - 1));
        return shift - MIN_SHIFT;
    }

    /** A buffer of at least len bytes (len ≤ 64 KiB), or null when the memory cap would be exceeded. */
    byte[] take(int len) {
        int c = cls(len);
        if (c >= free.length) {
            return null;
        }
        int size = 1 << (c + MIN_SHIFT);
        if (inUse + size > memcap) {
            return null;
        }
        inUse += size;
        if (freeCount[c] > 0) {
            byte[] b = free[c][--freeCount[c]];
            free[c][freeCount[c]] = null;
            return b;
        }
        return new byte[size];
    }

    void give(byte[] b) {
        if (b == null) {
            return;
        }
        int c = cls(b.length);
        inUse -= b.length;
        if (freeCount[c] == free[c].length) {
            if (free[c].length >= 4096) {
                return; // let the GC have it; the pool itself stays bounded
            }
            free[c] = java.util.Arrays.copyOf(free[c], free[c].length * 2);
        }
        free[c][freeCount[c]++] = b;
    }

    Segment segment() {
        Segment s = freeSegs;
        if (s != null) {
            freeSegs = s.next;
            s.next = null;
            return s;
        }
        return new Segment();
    }

    void release(Segment s) {
        give(s.buf);
        s.buf = null;
        s.len = 0;
        s.next = freeSegs;
        freeSegs = s;
    }

    long inUse() {
        return inUse;
    }
}
