package io.crowsnest.decoders.defrag;

import java.util.ArrayDeque;

/**
 * Byte buffers for the trackers' stores, in power-of-two size classes from 2 KiB to
 * {@link #MAX_BUFFER}. A buffer handed back is kept for the next datagram, so steady-state
 * reassembly allocates nothing; new buffers are only made while the pool has none of the class,
 * and every live buffer (in use or pooled) is counted in {@link #bytes()} for the memcap.
 * Not thread-safe: one per {@link Defragmenter}.
 */
final class BufferPool {
    static final int MIN_SHIFT = 11;
    static final int MAX_SHIFT = 17;
    /** 128 KiB: a 65,535-byte datagram plus its header and some overlap, with room to spare. */
    static final int MAX_BUFFER = 1 << MAX_SHIFT;

    @SuppressWarnings("unchecked")
    private final ArrayDeque<byte[]>[] free = new ArrayDeque[MAX_SHIFT - MIN_SHIFT + 1];
    private long bytes;
    private long pooledBytes;

    BufferPool() {
        for (int i = 0; i < free.length; i++) {
            free[i] = new ArrayDeque<>();
        }
    }

    /** Size of the class holding {@code n} bytes, or -1 when {@code n} exceeds {@link #MAX_BUFFER}. */
    static int classSize(int n) {
        if (n > MAX_BUFFER) {
            return -1;
        }
        int size = 1 << MIN_SHIFT;
        while (size < n) {
            size <<= 1;
        }
        return size;
    }

    private static int index(int size) {
        return Integer.numberOfTrailingZeros(size) - MIN_SHIFT;
    }

    /** A pooled buffer of exactly {@code size} bytes (a class size), or null when the pool has none. */
    byte[] poll(int size) {
        byte[] b = free[index(size)].pollLast();
        if (b != null) {
            pooledBytes -= b.length;
        }
        return b;
    }

    /** A new buffer of {@code size} bytes; the caller made room under the memcap. */
    byte[] allocate(int size) {
        bytes += size;
        return new byte[size];
    }

    void release(byte[] b) {
        free[index(b.length)].addLast(b);
        pooledBytes += b.length;
    }

    /** Lets one pooled buffer go (the largest); returns false when the pool is empty. */
    boolean discardOne() {
        for (int i = free.length - 1; i >= 0; i--) {
            byte[] b = free[i].pollLast();
            if (b != null) {
                pooledBytes -= b.length;
                bytes -= b.length;
                return true;
            }
        }
        return false;
    }

    /** Bytes of every live buffer, in use or pooled. */
    long bytes() {
        return bytes;
    }

    long pooledBytes() {
        return pooledBytes;
    }
}
