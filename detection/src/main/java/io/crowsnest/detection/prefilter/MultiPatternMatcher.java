package io.crowsnest.detection.prefilter;

/**
 * A compiled set of byte patterns ("fast patterns") searched for in one pass over a buffer.
 * Implementations are immutable and thread-safe; all per-scan state lives in the caller's {@link MatchSet}.
 */
public interface MultiPatternMatcher {
    /**
     * Scans {@code buf[off, off+len)} and records each distinct pattern id that occurs into {@code out}.
     * {@code out} is not cleared first (so several buffers can be accumulated); ids already present are not
     * recorded again. Returns the number of distinct ids this call newly recorded. Allocation-free.
     *
     * @throws IllegalArgumentException if {@code out.capacity() < patternCount()}
     */
    int scan(byte[] buf, int off, int len, MatchSet out);

    /** Number of ids handed out by the builder ({@code ids are 0..patternCount()-1}). */
    int patternCount();

    /** The argument checks every {@link #scan} makes first (shared so the engines cannot drift apart). */
    static void checkScanArguments(byte[] buf, int off, int len, MatchSet out, int patternCount) {
        if (off < 0 || len < 0 || off > buf.length - len) {
            throw new IndexOutOfBoundsException("off=" + off + " len=" + len + " length=" + buf.length);
        }
        if (out.capacity() < patternCount) {
            throw new IllegalArgumentException("MatchSet capacity " + out.capacity() + " < pattern count " + patternCount);
        }
    }
}
