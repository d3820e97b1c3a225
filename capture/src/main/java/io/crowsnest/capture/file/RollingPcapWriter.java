package io.crowsnest.capture.file;

import io.crowsnest.decoders.Packet;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bounded ring of classic pcap files ({@code capture-000001.pcap}, …): a new file starts when
 * the current one would pass {@code maxFileBytes} or when a packet of another link type arrives
 * (a pcap file has one), and the oldest files are deleted so at most {@code maxFiles} remain.
 * It keeps the evidence of a container that lives minutes without filling the node's disk.
 * Numbering continues after the highest file already in the directory, so a restarted sensor
 * neither overwrites nor forgets the previous ring. Single-threaded.
 */
public final class RollingPcapWriter implements AutoCloseable {
    private static final Pattern NAME = Pattern.compile("capture-(\\d{6,})\\.pcap");

    private final Path dir;
    private final long maxFileBytes;
    private final int maxFiles;
    private final Deque<Path> files = new ArrayDeque<>();
    private PcapWriter current;
    private int currentLinkType = -1;
    private long currentBytes;
    private long nextIndex;
    private long written;

    public RollingPcapWriter(Path dir, long maxFileBytes, int maxFiles) throws IOException {
        if (maxFileBytes < 1024) {
            throw new IllegalArgumentException("a pcap ring file must allow at least 1024 bytes, got " + maxFileBytes);
        }
        if (maxFiles < 1) {
            throw new IllegalArgumentException("a pcap ring needs at least one file, got " + maxFiles);
        }
        this.dir = dir;
        this.maxFileBytes = maxFileBytes;
        this.maxFiles = maxFiles;
        Files.createDirectories(dir);
        List<Path> existing = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "capture-*.pcap")) {
            for (Path p : ds) {
                if (NAME.matcher(p.getFileName().toString()).matches()) {
                    existing.add(p);
                }
            }
        }
        existing.sort((a, b) -> Long.compare(index(a), index(b)));
        files.addAll(existing);
        nextIndex = existing.isEmpty() ? 1 : index(existing.get(existing.size() - 1)) + 1;
    }

    private static long index(Path p) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : 0;
    }

    /** Appends one packet's captured bytes, rotating and pruning as needed. */
    public void write(Packet p) throws IOException {
        long record = 16L + p.length;
        if (current == null || p.linkType != currentLinkType || currentBytes + record > maxFileBytes) {
            rotate(p.linkType);
        }
        current.write(p.tsSeconds, p.tsNanos, p.data, 0, p.length, p.wireLength);
        currentBytes += record;
        written++;
    }

    private void rotate(int linkType) throws IOException {
        if (current != null) {
            current.close();
            current = null;
        }
        Path next = dir.resolve(String.format("capture-%06d.pcap", nextIndex++));
        files.addLast(next);
        while (files.size() > maxFiles) {
            Files.deleteIfExists(files.removeFirst());
        }
        current = PcapWriter.create(next, linkType, PcapWriter.DEFAULT_SNAPLEN, PcapWriter.Resolution.NANOS);
        currentLinkType = linkType;
        currentBytes = 24;
    }

    public void flush() throws IOException {
        if (current != null) {
            current.flush();
        }
    }

    /** Files of the ring, oldest first (the last one is being written). */
    public List<Path> files() {
        return new ArrayList<>(files);
    }

    public long written() {
        return written;
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
