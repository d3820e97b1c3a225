package io.crowsnest.sensor.replay;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** A one-line progress bar on stderr, redrawn at most five times a second. */
final class ReplayProgress {
    private final List<Path> files;
    private final PrintStream err;
    private int fileIndex;
    private long fileSize;
    private long lastDraw;

    ReplayProgress(List<Path> files, PrintStream err) {
        this.files = files;
        this.err = err;
    }

    void startFile(int index, long size) {
        this.fileIndex = index;
        this.fileSize = size;
    }

    void update(long position, long packets) {
        long now = System.nanoTime();
        if (now - lastDraw < 200_000_000L) {
            return;
        }
        lastDraw = now;
        int pct = fileSize > 0 ? (int) Math.min(100, position * 100 / fileSize) : 0;
        int bars = pct / 4;
        err.print("\r[" + "#".repeat(bars) + " ".repeat(25 - bars) + "] " + pct + "% "
                + files.get(fileIndex).getFileName() + " (" + (fileIndex + 1) + "/" + files.size() + ") "
                + packets + " packets");
        err.flush();
    }

    void finish() {
        err.print("\r" + " ".repeat(100) + "\r");
        err.flush();
    }
}
