package io.crowsnest.detection.prefilter;

import java.lang.ref.Cleaner;
import org.bytedeco.hyperscan.global.hyperscan;
import org.bytedeco.hyperscan.hs_database_t;
import org.bytedeco.hyperscan.hs_scratch_t;
import org.bytedeco.hyperscan.match_event_handler;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * One thread's native scan state, shared by every {@link HyperscanMatcher} that thread scans with: a Hyperscan
 * scratch, a native input buffer (Hyperscan reads native memory, the caller has a {@code byte[]}), and the
 * {@link MatchSet} the current scan reports into.
 *
 * <h2>Why one scratch per thread, not per matcher and thread</h2>
 * A scratch can serve several databases once it has been sized for all of them (Suricata keeps one per
 * thread the same way). Every database compiled in this process grows a <em>prototype</em> scratch and gets
 * the prototype's version; a thread whose scratch is older than the matcher it scans with clones the
 * prototype again. So native memory is one scratch (the largest any database needed) plus one input buffer
 * (at most {@link #MAX_CHUNK}) per scanning thread, however many rule groups and reloads there are.
 *
 * <h2>Freeing</h2>
 * The state lives in a {@link ThreadLocal}; when its thread ends it becomes unreachable and a {@link Cleaner}
 * frees the scratch and the buffer. The prototype lives as long as the process.
 *
 * <h2>The match callback</h2>
 * JavaCPP binds at most ten {@code match_event_handler} instances per process, so there is one, shared by
 * all threads; it finds the scanning thread's state through the same {@link ThreadLocal}. The callback's
 * context argument is always null: a non-null one would make JavaCPP allocate a {@code Pointer} per match.
 */
final class HyperscanScratch {
    /** Longest input handed to one {@code hs_scan}; longer buffers are scanned in overlapping chunks. */
    static final int MAX_CHUNK = 1 << 20;
    private static final int MIN_INPUT = 1 << 16;

    static final Cleaner CLEANER = Cleaner.create();
    static final match_event_handler CALLBACK = new Callback();
    private static final ThreadLocal<HyperscanScratch> CURRENT = ThreadLocal.withInitial(HyperscanScratch::new);

    private static hs_scratch_t prototype; // guarded by HyperscanScratch.class
    private static int prototypeVersion;   // guarded by HyperscanScratch.class

    private final Natives natives = new Natives();
    private int version;
    /** Where the running scan reports; null between scans. */
    MatchSet out;
    /** The running matcher's duplicate chains (id -> next id with the same expression, -1 at the end), or null. */
    int[] nextDup;
    /** Ids newly added to {@link #out} by the running scan. */
    int found;

    private HyperscanScratch() {
        CLEANER.register(this, natives);
    }

    /**
     * Grows the prototype scratch to fit {@code db}; returns the version a thread's scratch must have to scan it.
     *
     * @throws HyperscanException when Hyperscan cannot allocate the scratch
     */
    static synchronized int register(hs_database_t db) throws HyperscanException {
        hs_scratch_t p = prototype != null ? prototype : new hs_scratch_t();
        int rc = hyperscan.hs_alloc_scratch(db, p);
        if (rc != hyperscan.HS_SUCCESS) {
            throw new HyperscanException("hs_alloc_scratch returned " + rc);
        }
        prototype = p;
        return ++prototypeVersion;
    }

    /** This thread's state, with a scratch that fits every database of version {@code <= version}. */
    static HyperscanScratch forThread(int version) {
        HyperscanScratch t = CURRENT.get();
        if (t.version < version) {
            t.refresh();
        }
        return t;
    }

    private void refresh() {
        synchronized (HyperscanScratch.class) {
            hs_scratch_t fresh = new hs_scratch_t();
            int rc = hyperscan.hs_clone_scratch(prototype, fresh);
            if (rc != hyperscan.HS_SUCCESS) {
                throw new IllegalStateException("hs_clone_scratch returned " + rc);
            }
            natives.replaceScratch(fresh);
            version = prototypeVersion;
        }
    }

    hs_scratch_t scratch() {
        return natives.scratch;
    }

    /** The native input buffer, at least {@code len} bytes ({@code len <= MAX_CHUNK}); grown by doubling. */
    BytePointer input(int len) {
        if (natives.capacity < len) {
            int cap = Math.max(MIN_INPUT, Math.min(MAX_CHUNK, Integer.highestOneBit(Math.max(1, len - 1)) << 1));
            natives.replaceInput(Math.max(cap, len));
        }
        return natives.input;
    }

    /** The native memory, apart from the state object so that the {@link Cleaner} action does not keep it alive. */
    private static final class Natives implements Runnable {
        hs_scratch_t scratch;
        BytePointer input;
        int capacity;

        void replaceScratch(hs_scratch_t fresh) {
            if (scratch != null) {
                hyperscan.hs_free_scratch(scratch);
            }
            scratch = fresh;
        }

        void replaceInput(int bytes) {
            // plain malloc/free, outside JavaCPP's own accounting and garbage-collected deallocators
            Pointer p = Pointer.malloc(bytes);
            if (p == null || p.isNull()) {
                throw new OutOfMemoryError("malloc(" + bytes + ") for the Hyperscan input buffer");
            }
            if (input != null) {
                Pointer.free(input);
            }
            input = new BytePointer(p);
            capacity = bytes;
        }

        @Override
        public void run() {
            if (scratch != null) {
                hyperscan.hs_free_scratch(scratch);
                scratch = null;
            }
            if (input != null) {
                Pointer.free(input);
                input = null;
            }
        }
    }

    /** Records each reported id into the scanning thread's {@link MatchSet}; never throws (it runs under C frames). */
    private static final class Callback extends match_event_handler {
        @Override
        public int call(int id, long from, long to, int flags, Pointer context) {
            HyperscanScratch t = CURRENT.get();
            MatchSet o = t.out;
            if (o == null) {
                return 0;
            }
            int[] next = t.nextDup;
            for (int i = id; i >= 0 && i < o.capacity(); i = next == null ? -1 : next[i]) {
                if (o.add(i)) {
                    t.found++;
                }
            }
            return 0; // keep scanning
        }
    }
}
