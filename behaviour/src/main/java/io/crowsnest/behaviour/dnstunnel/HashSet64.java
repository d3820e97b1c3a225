package io.crowsnest.behaviour.dnstunnel;

/**
 * A set of 64-bit hashes (open addressing) that stops growing at {@code cap} members: past it,
 * {@link #add} answers {@link #FULL} and the caller knows the count is "at least cap".
 */
final class HashSet64 {
    static final int ADDED = 1, PRESENT = 0, FULL = -1;
    /** Marks an empty slot; a name hashing to it is stored as 1 (one more collision in 2^64). */
    private static final long EMPTY = 0;

    private final int cap;
    private long[] slots = new long[16];
    private int size;

    HashSet64(int cap) {
        this.cap = cap;
    }

    int add(long h) {
        if (h == EMPTY) {
            h = 1;
        }
        int mask = slots.length - 1;
        int i = (int) (h ^ (h >>> 32)) & mask;
        while (slots[i] != EMPTY) {
            if (slots[i] == h) {
                return PRESENT;
            }
            i = (i + 1) & mask;
        }
        if (size >= cap) {
            return FULL;
        }
        slots[i] = h;
        size++;
        if (size * 2 > slots.length) {
            grow();
        }
        return ADDED;
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        int mask = slots.length - 1;
        for (long h : old) {
            if (h != EMPTY) {
                int i = (int) (h ^ (h >>> 32)) & mask;
                while (slots[i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                slots[i] = h;
            }
        }
    }

    int size() {
        return size;
    }
}
