package io.crowsnest.decoders.defrag;

/**
 * One IP datagram under reassembly: its key, the fragments taken so far and their bytes.
 * Pooled by the {@link Defragmenter} and reused for datagram after datagram (its arrays and
 * store buffer are kept or handed back to the pool, never dropped per datagram).
 *
 * <p>Fragments are kept sorted by (offset as received, arrival): that order is the BSD policy's
 * precedence, the first wins. {@link #start} may lie after {@link #rank} when the front of the
 * fragment was already covered by a fragment that takes precedence: those bytes are not stored.
 */
final class DefragTracker {
    /** Bytes counted against the memcap for a tracker besides its arrays (object, fields, links). */
    static final int BASE_BYTES = 128;
    static final int INITIAL_FRAGMENTS = 8;

    // ---- key ----
    int version;
    long srcHi, srcLo, dstHi, dstLo;
    int ipId;
    /** IPv4 protocol; IPv6: the fragment header's next header. */
    int proto;
    int vlanId;
    int tunnelId;
    int hash;

    // ---- table links ----
    DefragTracker hashNext;
    DefragTracker lruPrev, lruNext;
    long lastSeenNanos;
    boolean inUse;

    // ---- fragments, sorted by (rank, arrival) ----
    int count;
    /** Fragments received for this datagram, stored or not (the max-fragments limit counts these). */
    int received;
    /** Offset the fragment was sent with: its precedence under the BSD policy. */
    int[] rank = new int[INITIAL_FRAGMENTS];
    /** First byte stored (>= rank), end (exclusive), position of byte {@code start} in {@link #store}. */
    int[] start = new int[INITIAL_FRAGMENTS];
    int[] end = new int[INITIAL_FRAGMENTS];
    int[] pos = new int[INITIAL_FRAGMENTS];

    /** End of the datagram's payload, from the fragment without MF; -1 until seen. */
    int lastEnd = -1;

    // ---- the first fragment's IP header (IPv4 with options; IPv6 with the unfragmentable part) ----
    int hdrPos = -1;
    int hdrLen;
    /** IPv6: offset (from the IPv6 header) of the next-header byte that names the fragment header. */
    int nhFix;
    /** IPv6: the fragment header's next header, written at {@link #nhFix} when rebuilding. */
    int nextHeader;

    /** Header and fragment bytes, appended; from the defragmenter's buffer pool (null until needed). */
    byte[] store;
    int storeUsed;

    static long arrayBytes(int capacity) {
        return 4L * 4 * capacity;
    }

    int capacity() {
        return rank.length;
    }

    /** Clears the datagram (the caller has returned {@link #store}); arrays are kept for reuse. */
    void reset() {
        count = 0;
        received = 0;
        lastEnd = -1;
        hdrPos = -1;
        hdrLen = 0;
        nhFix = 0;
        nextHeader = 0;
        store = null;
        storeUsed = 0;
        hashNext = null;
        lruPrev = lruNext = null;
        inUse = false;
    }

    /** Inserts a fragment's metadata after every fragment of rank <= {@code r} (arrival breaks ties). */
    void insert(int r, int s, int e, int p) {
        int i = count;
        while (i > 0 && rank[i - 1] > r) {
            i--;
        }
        int n = count - i;
        System.arraycopy(rank, i, rank, i + 1, n);
        System.arraycopy(start, i, start, i + 1, n);
        System.arraycopy(end, i, end, i + 1, n);
        System.arraycopy(pos, i, pos, i + 1, n);
        rank[i] = r;
        start[i] = s;
        end[i] = e;
        pos[i] = p;
        count++;
    }

    /** Grows the metadata arrays to {@code capacity} (the caller accounts the bytes). */
    void grow(int capacity) {
        rank = java.util.Arrays.copyOf(rank, capacity);
        start = java.util.Arrays.copyOf(start, capacity);
        end = java.util.Arrays.copyOf(end, capacity);
        pos = java.util.Arrays.copyOf(pos, capacity);
    }
}
