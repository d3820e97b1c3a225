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
}
