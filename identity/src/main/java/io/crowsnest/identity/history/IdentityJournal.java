package io.crowsnest.identity.history;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * Appends every change of an {@link IdentityHistory} to a JSON-lines file ({@code --identity-out}): an interval is
 * written when it opens and again when it closes (same address, start and workload, now with {@code until_ns});
 * {@link IdentityHistory#readJsonLines} replays such a file to the same history. Writes are buffered and flushed
 * every {@code flushEvery} lines and on {@link #close()}; identity changes are rare, so this never sees packet rates.
 */
public final class IdentityJournal implements Consumer<Interval>, Closeable {

    private final BufferedWriter out;
    private final int flushEvery;
    private int pending;
    private long failures;
    private IOException lastFailure;

    public IdentityJournal(Path file, int flushEvery) throws IOException {
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        this.flushEvery = Math.max(1, flushEvery);
    }

    /** Writes the history's current content, then follows its changes. */
    public static IdentityJournal attach(IdentityHistory h, Path file, int flushEvery) throws IOException {
        IdentityJournal j = new IdentityJournal(file, flushEvery);
        synchronized (j) {
            h.writeJsonLines(j.out);
        }
        h.onChange(j);
        return j;
    }

    @Override
    public synchronized void accept(Interval iv) {
        try {
            out.write(IdentityHistory.toJsonLine(iv));
            out.write('\n');
            if (++pending >= flushEvery) {
                out.flush();
                pending = 0;
            }
        } catch (IOException e) {
            failures++; // never fail the writer that changed the history (the resolver's thread)
            lastFailure = e;
        }
    }

    public synchronized long failures() {
        return failures;
    }

    public synchronized IOException lastFailure() {
        return lastFailure;
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
