package io.crowsnest.decoders.stream;

/**
 * One direction of a TCP session: the next expected sequence number, the out-of-order segments (sorted,
 * non-overlapping, bounded) and the raw-inspection window (the last bytes delivered, for payload rules
 * that match across segment boundaries). Sequence numbers are compared modulo 2^32.
 */
public final class TcpStream {
    boolean hasBase;
    int nextSeq;
    long delivered;
    boolean depthReached;
    boolean finSeen;
    int finSeq;
    boolean closed;
    Segment head;
    int segCount;
    int oooBytes;

    /** The peer acknowledged data of this direction at least once; {@link #ackedSeq} is then its highest ACK. */
    boolean ackSeen;
    int ackedSeq;

    /** Raw window: the last {@link #windowLength()} bytes delivered, oldest first (null until data). */
    byte[] window;
    /** The configured window size: the pooled buffer may be larger (its size class), the window is not. */
    int windowSize;
    int windowLen;
    /** Bytes of the window delivered while processing the current packet (its "new" part). */
    int windowNew;
    /** Bytes gapped since the window was last reset. */

    public boolean tracking() {
        return hasBase && !closed;
    }

    public int nextSeq() {
        return nextSeq;
    }

    public long delivered() {
        return delivered;
    }

    public boolean depthReached() {
        return depthReached;
    }

    public boolean closed() {
        return closed;
    }

    public int outOfOrderBytes() {
        return oooBytes;
    }

    /** The raw window buffer (bytes {@code [0, windowLength())} are valid), or null. */
    public byte[] window() {
        return window;
    }

    public int windowLength() {
        return windowLen;
    }

    /**
     * How many of the window's last bytes the peer has not acknowledged (all of them when it never sent an
     * ACK for this direction): the raw stream data a flow-end inspection looks at.
     */
    public int unacknowledgedBytes() {
        if (!hasBase || windowLen == 0) {
            return 0;
        }
        long held = Math.min(delivered, windowLen);
        if (!ackSeen) {
            return (int) held;
        }
        int pending = nextSeq - ackedSeq; // modulo 2^32
        return pending <= 0 ? 0 : (int) Math.min(pending, held);
    }

    /** How many of the window's last bytes were delivered by the packet being processed. */
    public int windowNew() {
        return windowNew;
    }

    void appendWindow(byte[] b, int off, int len) {
        if (window == null) {
            return;
        }
        int cap = windowSize;
        if (len >= cap) {
            System.arraycopy(b, off + len - cap, window, 0, cap);
            windowLen = cap;
        } else {
            int keep = Math.min(windowLen, cap - len);
            if (keep < windowLen) {
                System.arraycopy(window, windowLen - keep, window, 0, keep);
            }
            System.arraycopy(b, off, window, keep, len);
            windowLen = keep + len;
        }
        windowNew = Math.min(windowLen, windowNew + len);
    }

    void reset(SegmentPool pool) {
        Segment s = head;
        while (s != null) {
            Segment n = s.next;
            pool.release(s);
            s = n;
        }
        head = null;
        segCount = 0;
        oooBytes = 0;
        if (window != null) {
            pool.give(window);
            window = null;
        }
        windowLen = windowNew = windowSize = 0;
        hasBase = false;
        ackSeen = false;
        nextSeq = 0;
        delivered = 0;
        depthReached = false;
        finSeen = false;
        finSeq = 0;
        closed = false;
    }
}
