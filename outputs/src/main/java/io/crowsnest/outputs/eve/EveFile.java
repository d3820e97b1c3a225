package io.crowsnest.outputs.eve;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.LongSupplier;
import java.util.zip.GZIPOutputStream;

/**
 * {@code eve.json} as the writers see it: an append-only stream that can be rotated by size and
 * by age ({@code eve.json.20261123-201500}, optionally gzip-compressed in the background) and
 * reopened after an external rotation (logrotate moves the file, then SIGHUP). Rotation and
 * reopening happen only at record boundaries ({@link #boundary()}), so no record is split
 * across files. Single writer thread; {@link #requestReopen()} may be called from any thread.
 */
public final class EveFile extends OutputStream {
    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final Path file;
    private final long maxBytes;
    private final long maxAgeMillis;
    private final boolean compress;
    private final LongSupplier clockMillis;
    private OutputStream out;
    private long bytes;
    private long openedAtMillis;
    private volatile boolean reopenRequested;
    private long rotations;
    private long reopens;

    /**
     * @param maxBytes     rotate when the file would pass this size (0: never)
     * @param maxAgeMillis rotate when the file is older than this (0: never)
     * @param compress     gzip rotated files (in a background thread; the .json is removed after)
     */
    public EveFile(Path file, long maxBytes, long maxAgeMillis, boolean compress, LongSupplier clockMillis)
            throws IOException {
        this.file = file;
        this.maxBytes = maxBytes;
        this.maxAgeMillis = maxAgeMillis;
        this.compress = compress;
        this.clockMillis = clockMillis;
        open();
    }

    public static EveFile plain(Path file) throws IOException {
        return new EveFile(file, 0, 0, false, System::currentTimeMillis);
    }

    private void open() throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND), 1 << 16);
        bytes = Files.size(file);
        openedAtMillis = clockMillis.getAsLong();
    }

    /** Asks for a reopen at the next record boundary (after logrotate moved the file away). */
    public void requestReopen() {
        reopenRequested = true;
    }

    /** Called by the writers between records: reopens or rotates when due. */
    public void boundary() throws IOException {
        if (reopenRequested) {
            reopenRequested = false;
            out.close();
            open();
            reopens++;
            return;
        }
        long now = clockMillis.getAsLong();
        if (bytes > 0 && ((maxBytes > 0 && bytes >= maxBytes) || (maxAgeMillis > 0 && now - openedAtMillis >= maxAgeMillis))) {
            rotate(now);
        }
    }

    private void rotate(long now) throws IOException {
        out.close();
        Path rotated = file.resolveSibling(file.getFileName() + "." + SUFFIX.format(Instant.ofEpochMilli(now)));
        for (int n = 1; Files.exists(rotated) || Files.exists(rotated.resolveSibling(rotated.getFileName() + ".gz")); n++) {
            rotated = file.resolveSibling(file.getFileName() + "." + SUFFIX.format(Instant.ofEpochMilli(now)) + "." + n);
        }
        Files.move(file, rotated, StandardCopyOption.ATOMIC_MOVE);
        rotations++;
        open();
        if (compress) {
            Path toCompress = rotated;
            Thread t = new Thread(() -> gzip(toCompress), "crowsnest-eve-gzip");
            t.setDaemon(false); // let a compression finish even when the run ends
            t.start();
        }
    }

    private static void gzip(Path src) {
        Path gz = src.resolveSibling(src.getFileName() + ".gz");
        Path tmp = src.resolveSibling(src.getFileName() + ".gz.tmp");
        try (InputStream in = Files.newInputStream(src); OutputStream os = new GZIPOutputStream(Files.newOutputStream(tmp))) {
            in.transferTo(os);
        } catch (IOException e) {
            System.err.println("crowsnest: error: compressing " + src + ": " + e.getMessage() + " (kept uncompressed)");
            return;
        }
        try {
            Files.move(tmp, gz, StandardCopyOption.ATOMIC_MOVE);
            Files.delete(src);
        } catch (IOException e) {
            System.err.println("crowsnest: error: compressing " + src + ": " + e.getMessage());
        }
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        bytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        bytes += len;
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    public long rotations() {
        return rotations;
    }

    public long reopens() {
        return reopens;
    }
}
