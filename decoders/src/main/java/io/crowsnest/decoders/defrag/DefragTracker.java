package io.crowsnest.decoders.defrag;

/**
 * One IP datagram under reassembly: its key, its overlap policy, the fragments taken so far and
 * their bytes. Pooled by the {@link Defragmenter} and reused for datagram after datagram (its
 * arrays and store buffer are kept or handed back to the pool, never dropped per datagram).
 *
 * <p>Fragments are kept as Suricata keeps them in its red-black tree: sorted by offset, a fragment
 * with the same offset as held ones after them (arrival order), each with the offset and length it
 * was stored with (after the policy trimmed its front) and an {@link #ltrim} that later fragments
 * may raise to hide its first bytes.
 */
final class DefragTracker {
    /** Bytes counted against the memcap for a tracker besides its arrays (object, fields, links). */
    static final int BASE_BYTES = 128;
    static final int INITIAL_FRAGMENTS = 8;
    /** int arrays per fragment slot, for the memcap. */
    private static final int ARRAYS = 7;

    // ---- key ----
    int version;
    long srcHi, srcLo, dstHi, dstLo;
    int ipId;
    /** IPv4 protocol; IPv6: the fragment header's next header. */
    int proto;
    int vlanId;
    int tunnelId;
    int hash;
    /** Chosen by destination when the datagram's first fragment arrives (Suricata: at tracker setup). */
    DefragPolicy policy;

    // ---- table links ----
    DefragTracker hashNext;
    DefragTracker lruPrev, lruNext;
    long lastSeenNanos;
    boolean inUse;

    // ---- fragments, sorted by (offset, arrival) ----
    int count;
    /** Fragments received for this datagram, stored or not (the max-fragments limit counts these). */
    int received;
    /** A fragment without MF was stored (Suricata's {@code seen_last}). */
    boolean seenLast;
    /** Offset and length as stored (Suricata's {@code offset}, {@code data_len}). */
    int[] off = new int[INITIAL_FRAGMENTS];
    int[] len = new int[INITIAL_FRAGMENTS];
    /** Leading bytes later fragments hid (Suricata's {@code ltrim}); ignored for offset 0, as there. */
    int[] ltrim = new int[INITIAL_FRAGMENTS];
    /** 1 when the fragment had MF set. */
    int[] more = new int[INITIAL_FRAGMENTS];
    /** Position in {@link #store} of the fragment's byte at {@link #off}. */
    int[] pos = new int[INITIAL_FRAGMENTS];
    /** Offset-0 fragments: position of their IP header copy in {@link #store}, else -1; and its length. */
    int[] hdr = new int[INITIAL_FRAGMENTS];
    int[] hdrLen = new int[INITIAL_FRAGMENTS];

    /** Header and fragment bytes, appended; from the defragmenter's buffer pool (null until needed). */
    byte[] store;
    int storeUsed;

    static long arrayBytes(int capacity) {
        return 4L * ARRAYS * capacity;
    }

    int capacity() {
        return off.length;
    }

    /** Clears the datagram (the caller has returned {@link #store}); arrays are kept for reuse. */
    void reset() {
        count = 0;
        received = 0;
        seenLast = false;
        policy = null;
        store = null;
        storeUsed = 0;
        hashNext = null;
        lruPrev = lruNext = null;
        inUse = false;
    }

    /** Index of the first fragment with offset >= {@code o}; {@link #count} when none. */
    int firstAtOrAfter(int o) {
        int a = 0;
        int b = count;
        while (a < b) {
            int m = (a + b) >>> 1;
            if (off[m] < o) {
                a = m + 1;
            } else {
                b = m;
            }
        }
        return a;
    }

    /** Inserts a fragment after every fragment of offset <= {@code o} (arrival breaks ties). */
    void insert(int o, int l, boolean mf, int p, int h, int hl) {
        int i = count;
        while (i > 0 && off[i - 1] > o) {
            i--;
        }
        shift(i, 1);
        off[i] = o;
        len[i] = l;
        ltrim[i] = 0;
        more[i] = mf ? 1 : 0;
        pos[i] = p;
        hdr[i] = h;
        hdrLen[i] = hl;
        count++;
    }

    /** Forgets fragment {@code i} (its bytes stay in the store until it is compacted). */
    void remove(int i) {
        shift(i + 1, -1);
        count--;
    }

    private void shift(int from, int by) {
        int n = count - from;
        System.arraycopy(off, from, off, from + by, n);
        System.arraycopy(len, from, len, from + by, n);
        System.arraycopy(ltrim, from, ltrim, from + by, n);
        System.arraycopy(more, from, more, from + by, n);
        System.arraycopy(pos, from, pos, from + by, n);
        System.arraycopy(hdr, from, hdr, from + by, n);
        System.arraycopy(hdrLen, from, hdrLen, from + by, n);
    }

    /** Grows the metadata arrays to {@code capacity} (the caller accounts the bytes). */
    void grow(int capacity) {
        off = java.util.Arrays.copyOf(off, capacity);
        len = java.util.Arrays.copyOf(len, capacity);
        ltrim = java.util.Arrays.copyOf(ltrim, capacity);
        more = java.util.Arrays.copyOf(more, capacity);
        pos = java.util.Arrays.copyOf(pos, capacity);
        hdr = java.util.Arrays.copyOf(hdr, capacity);
        hdrLen = java.util.Arrays.copyOf(hdrLen, capacity);
    }

    /**
     * First store byte fragment {@code i} keeps: its header copy when it has one, else its first
     * data byte. Bytes hidden by {@link #ltrim} are kept: a later BSD fragment may lower ltrim
     * again (Suricata assigns it), and then they are written.
     */
    int liveStart(int i) {
        return hdr[i] >= 0 ? hdr[i] : pos[i];
    }

    int liveEnd(int i) {
        return pos[i] + len[i];
    }
}
