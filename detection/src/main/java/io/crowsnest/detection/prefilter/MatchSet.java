package io.crowsnest.detection.prefilter;

import java.util.Arrays;

/**
 * A reusable set of pattern ids in {@code [0, capacity)}, filled by {@link MultiPatternMatcher#scan}.
 *
 * <p>Membership is a bitset; insertion order is kept in a dense list so iteration is {@code get(0..size-1)}.
 * {@link #clear()} only resets the bits that were set, so clearing after a sparse scan is O(size), not
 * O(capacity). Not thread-safe: use one per worker thread. Allocation-free after construction.
 */
public final class MatchSet {
    private final long[] bits;
    private final int[] ids;
    private int size;

    /** @param capacity the number of distinct ids this set can hold (ids must be in {@code [0, capacity)}) */
    public MatchSet(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity < 0: " + capacity);
        }
        this.bits = new long[(capacity + 63) >>> 6];
        this.ids = new int[capacity];
    }

    public int capacity() {
        return ids.length;
    }

    /** Removes every id; cost proportional to the number of ids present. */
    public void clear() {
        final long[] b = bits;
        final int[] l = ids;
        for (int i = 0, n = size; i < n; i++) {
            b[l[i] >>> 6] = 0L;
        }
        size = 0;
    }

    public int size() {
        return size;
    }

    /** The i-th recorded id, in recording order. */
    public int get(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("index " + i + ", size " + size);
        }
        return ids[i];
    }

    public boolean contains(int id) {
        return id >= 0 && id < ids.length && (bits[id >>> 6] & (1L << id)) != 0;
    }

    /** Adds an id; returns true if it was not present. */
    public boolean add(int id) {
        if (id < 0 || id >= ids.length) {
            throw new IndexOutOfBoundsException("id " + id + " outside [0, " + ids.length + ")");
        }
        final long mask = 1L << id;
        final int w = id >>> 6;
        final long word = bits[w];
        if ((word & mask) != 0) {
            return false;
        }
        bits[w] = word | mask;
        ids[size++] = id;
        return true;
    }

    /** A copy of the recorded ids, sorted (allocates; for tests and diagnostics). */
    public int[] toSortedArray() {
        int[] r = Arrays.copyOf(ids, size);
        Arrays.sort(r);
        return r;
    }

    @Override
    public String toString() {
        return Arrays.toString(toSortedArray());
    }
}
