package io.crowsnest.detection.prefilter;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import org.bytedeco.hyperscan.global.hyperscan;
import org.bytedeco.hyperscan.hs_compile_error_t;
import org.bytedeco.hyperscan.hs_database_t;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * The same contract as {@link AhoCorasickMatcher}, on Intel's Hyperscan (5.4.2, through JavaCPP's
 * {@code org.bytedeco:hyperscan} binding): the patterns are compiled with {@code hs_compile_lit_multi} as
 * literals (any bytes, NUL included), pattern {@code i} with id {@code i}, {@code HS_FLAG_CASELESS} for nocase
 * (ASCII letters only, as in the Aho-Corasick matcher) and {@code HS_FLAG_SINGLEMATCH}, so an id is reported
 * at most once per scan. Duplicates (the same bytes, or for two nocase patterns the same letters in any case)
 * are compiled once and every one of their ids is reported, as in the Aho-Corasick matcher.
 * One exception: Hyperscan 5.4's literal API refuses a literal that starts with a NUL byte (it reads it as an
 * empty string), so those patterns go into a second database, compiled with {@code hs_compile_multi} as regular
 * expressions that spell every byte {@code \xHH}; a set with both kinds costs two {@code hs_scan} calls.
 *
 * <h2>Scanning</h2>
 * Block mode. The caller's bytes are copied into the thread's native input buffer (see
 * {@link HyperscanScratch}, which also holds the thread's scratch) and scanned; the shared match callback adds
 * each id to the caller's {@link MatchSet}. After a thread's first scan nothing is allocated: no Java objects
 * (the callback gets a null context), no native memory unless a longer buffer than before arrives. Buffers
 * longer than {@link HyperscanScratch#MAX_CHUNK} are scanned in chunks that overlap by the longest pattern
 * minus one byte, so no match is lost and the native buffer stays bounded.
 *
 * <h2>Native memory</h2>
 * The database is freed by {@link #close()} or, when nobody closes the matcher, by a {@link Cleaner} once the
 * matcher is unreachable - which is how the detection engine lets go of the matchers of a replaced rule set:
 * a matcher only becomes unreachable after the last packet that could scan it, so no scan can race the free.
 * {@code close()} is for owners that know no thread scans any more; a later scan throws
 * {@link IllegalStateException}. Instances are otherwise immutable and thread-safe.
 */
public final class HyperscanMatcher implements MultiPatternMatcher, AutoCloseable {
    /** Test hook: when set, every compile fails with this message. */
    static volatile String simulatedCompileFailure;

    private final int patternCount;
    private final hs_database_t db;      // the literals that do not start with NUL; null if none
    private final hs_database_t nulDb;   // those that do, as escaped regular expressions; null if none
    private final int[] nextDup;         // id -> next id with the same expression, -1 at the end; null: no duplicates
    private final int scratchVersion;
    private final int overlap;           // longest pattern - 1
    private final Cleaner.Cleanable cleanable;
    private volatile boolean closed;

    private HyperscanMatcher(int patternCount, hs_database_t db, hs_database_t nulDb, int[] nextDup,
                             int scratchVersion, int overlap) {
        this.patternCount = patternCount;
        this.db = db;
        this.nulDb = nulDb;
        this.nextDup = nextDup;
        this.scratchVersion = scratchVersion;
        this.overlap = overlap;
        this.cleanable = db == null && nulDb == null ? null
                : HyperscanScratch.CLEANER.register(this, new FreeDatabases(db, nulDb));
    }

    /**
     * Compiles {@code patterns[i]} (nocase when {@code nocase[i]}) as id {@code i}.
     * Callers must have checked {@link HyperscanLibrary#unavailableReason()} first.
     *
     * @throws HyperscanException when Hyperscan rejects the set (the message is Hyperscan's, with the pattern id)
     */
    static HyperscanMatcher compile(byte[][] patterns, boolean[] nocase) throws HyperscanException {
        int n = patterns.length;
        if (nocase.length != n) {
            throw new IllegalArgumentException(n + " patterns but " + nocase.length + " nocase flags");
        }
        if (simulatedCompileFailure != null) {
            throw new HyperscanException(simulatedCompileFailure);
        }
        // identical expressions (same bytes, or same letters ignoring case when both are nocase) are compiled
        // once, under the smallest of their ids; the callback adds the others from nextDup, as Aho-Corasick's
        // shared output lists do - each report is a JNI upcall, the dominant cost of a scan with many matches
        int[] nextDup = new int[n];
        java.util.Arrays.fill(nextDup, -1);
        boolean dups = false;
        java.util.Map<String, Integer> lastOf = new java.util.HashMap<>();
        int longest = 0;
        int nulLed = 0;
        int distinct = 0;
        boolean[] compiled = new boolean[n];
        for (int i = 0; i < n; i++) {
            byte[] p = patterns[i];
            if (p.length == 0) {
                throw new IllegalArgumentException("a fast pattern must be at least one byte");
            }
            longest = Math.max(longest, p.length);
            Integer prev = lastOf.put(key(p, nocase[i]), i);
            if (prev != null) {
                nextDup[prev] = i;
                dups = true;
                continue;
            }
            compiled[i] = true;
            distinct++;
            nulLed += p[0] == 0 ? 1 : 0;
        }
        int[] plain = new int[distinct - nulLed];
        int[] nul = new int[nulLed];
        for (int i = 0, a = 0, b = 0; i < n; i++) {
            if (!compiled[i]) {
                continue;
            }
            if (patterns[i][0] == 0) {
                nul[b++] = i;
            } else {
                plain[a++] = i;
            }
        }
        hs_database_t db = null;
        hs_database_t nulDb = null;
        try {
            db = plain.length == 0 ? null : compileSubset(patterns, nocase, plain, false);
            nulDb = nul.length == 0 ? null : compileSubset(patterns, nocase, nul, true);
            int version = 0;
            if (db != null) {
                version = HyperscanScratch.register(db);
            }
            if (nulDb != null) {
                version = HyperscanScratch.register(nulDb);
            }
            return new HyperscanMatcher(n, db, nulDb, dups ? nextDup : null, version, Math.max(0, longest - 1));
        } catch (HyperscanException | RuntimeException e) {
            new FreeDatabases(db, nulDb).run();
            throw e;
        }
    }

    /**
     * One database for {@code patterns[ids[k]]}, reported as {@code ids[k]}. Hyperscan 5.4's literal API takes
     * a literal whose first byte is NUL for an empty string and refuses it, so those go through
     * {@code hs_compile_multi} as regular expressions that spell every byte {@code \xHH} ({@code escape}):
     * the same matches, but about 1 ms of compile time per pattern instead of ~20 us.
     */
    private static hs_database_t compileSubset(byte[][] patterns, boolean[] nocase, int[] subset, boolean escape)
            throws HyperscanException {
        int n = subset.length;
        long total = 0;
        for (int id : subset) {
            total += escape ? patterns[id].length * 4L + 1 : patterns[id].length;
        }
        try (BytePointer bytes = new BytePointer(total);
             PointerPointer<BytePointer> exprs = new PointerPointer<>(n);
             IntPointer flags = new IntPointer(n);
             IntPointer ids = new IntPointer(n);
             SizeTPointer lens = new SizeTPointer(n);
             PointerPointer<hs_database_t> dbOut = new PointerPointer<>(1);
             PointerPointer<hs_compile_error_t> errOut = new PointerPointer<>(1)) {
            long pos = 0;
            for (int k = 0; k < n; k++) {
                int id = subset[k];
                byte[] p = escape ? escaped(patterns[id]) : patterns[id];
                bytes.position(pos).put(p, 0, p.length);
                exprs.put(k, bytes); // stores address + position
                flags.put(k, hyperscan.HS_FLAG_SINGLEMATCH | (nocase[id] ? hyperscan.HS_FLAG_CASELESS : 0));
                ids.put(k, id);
                lens.put(k, p.length);
                pos += p.length;
            }
            bytes.position(0);
            int rc = escape
                    ? hyperscan.hs_compile_multi(exprs, flags, ids, n, hyperscan.HS_MODE_BLOCK, null, dbOut, errOut)
                    : hyperscan.hs_compile_lit_multi(exprs, flags, ids, lens, n, hyperscan.HS_MODE_BLOCK, null,
                            dbOut, errOut);
            if (rc != hyperscan.HS_SUCCESS) {
                String why = (escape ? "hs_compile_multi" : "hs_compile_lit_multi") + " returned " + rc;
                Pointer e = errOut.get(0); // JavaCPP gives null for a NULL entry
                if (e != null && !e.isNull()) {
                    hs_compile_error_t err = new hs_compile_error_t(e);
                    int at = err.expression();
                    why = err.message().getString() + (at >= 0 && at < n ? " (pattern id " + subset[at] + ")" : "");
                    hyperscan.hs_free_compile_error(err);
                }
                throw new HyperscanException(why);
            }
            return new hs_database_t(dbOut.get(0));
        }
    }

    /** Equal for two patterns exactly when Hyperscan would match them at the same places. */
    private static String key(byte[] p, boolean nocase) {
        char[] c = new char[p.length + 1];
        c[0] = nocase ? 'i' : 'c';
        for (int i = 0; i < p.length; i++) {
            int b = p[i] & 0xff;
            c[i + 1] = (char) (nocase ? AhoCorasickMatcher.fold(b) : b);
        }
        return new String(c);
    }

    /** {@code p} as a NUL-terminated regular expression that matches exactly its bytes: each one as {@code \xHH}. */
    private static byte[] escaped(byte[] p) {
        byte[] r = new byte[p.length * 4 + 1];
        for (int i = 0; i < p.length; i++) {
            int v = p[i] & 0xff;
            r[4 * i] = '\\';
            r[4 * i + 1] = 'x';
            r[4 * i + 2] = (byte) Character.forDigit(v >>> 4, 16);
            r[4 * i + 3] = (byte) Character.forDigit(v & 15, 16);
        }
        return r; // last byte stays 0
    }

    @Override
    public int patternCount() {
        return patternCount;
    }

    @Override
    public int scan(byte[] buf, int off, int len, MatchSet out) {
        MultiPatternMatcher.checkScanArguments(buf, off, len, out, patternCount);
        if (closed) {
            throw new IllegalStateException("HyperscanMatcher used after close()");
        }
        if (patternCount == 0 || len == 0) {
            return 0;
        }
        HyperscanScratch t = HyperscanScratch.forThread(scratchVersion);
        int chunk = Math.max(HyperscanScratch.MAX_CHUNK, 2 * overlap + 1);
        BytePointer input = t.input(Math.min(len, chunk));
        t.out = out;
        t.nextDup = nextDup;
        t.found = 0;
        try {
            int pos = off;
            int end = off + len;
            while (true) {
                int n = Math.min(end - pos, chunk);
                input.put(buf, pos, n);
                if (db != null) {
                    check(hyperscan.hs_scan(db, input, n, 0, t.scratch(), HyperscanScratch.CALLBACK, null));
                }
                if (nulDb != null) {
                    check(hyperscan.hs_scan(nulDb, input, n, 0, t.scratch(), HyperscanScratch.CALLBACK, null));
                }
                if (pos + n == end) {
                    break;
                }
                pos += n - overlap; // the next chunk starts early enough to hold any match that crosses this end
            }
            return t.found;
        } finally {
            t.out = null;
            t.nextDup = null;
            Reference.reachabilityFence(this); // the database must outlive the native call
        }
    }

    private static void check(int rc) {
        if (rc != hyperscan.HS_SUCCESS) {
            throw new IllegalStateException("hs_scan returned " + rc);
        }
    }

    /** Frees the database now. Only when no thread will scan with this matcher again. Idempotent. */
    @Override
    public void close() {
        closed = true;
        if (cleanable != null) {
            cleanable.clean();
        }
    }

    @Override
    public String toString() {
        return "HyperscanMatcher[" + patternCount + " patterns]";
    }

    /** The Cleaner action: must not refer to the matcher, or it would never become unreachable. */
    private static final class FreeDatabases implements Runnable {
        private final hs_database_t db;
        private final hs_database_t nulDb;

        FreeDatabases(hs_database_t db, hs_database_t nulDb) {
            this.db = db;
            this.nulDb = nulDb;
        }

        @Override
        public void run() {
            if (db != null) {
                hyperscan.hs_free_database(db);
            }
            if (nulDb != null) {
                hyperscan.hs_free_database(nulDb);
            }
        }
    }
}
