package io.crowsnest.capture.file;

import io.crowsnest.decoders.Packet;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Reads packets from a classic pcap or a pcapng file, copying each record straight from a
 * memory-mapped window into a reused {@link Packet} (no allocation per record).
 *
 * <pre>{@code
 * try (CaptureFileReader reader = CaptureFileReader.open(path)) {
 *     while (reader.next(packet)) { ... }
 * }
 * }</pre>
 *
 * <p>Damage (truncation, impossible lengths, bad magic) surfaces as a
 * {@link CaptureFormatException} naming the file and the byte offset of the damaged record,
 * after every earlier record has been returned. A file ending exactly at a record boundary is a
 * clean end of file. Not thread-safe.
 */
public final class CaptureFileReader implements AutoCloseable {
    private final Path path;
    private final MappedFile file;
    private final RecordReader records;

    private CaptureFileReader(Path path, MappedFile file, RecordReader records) {
        this.path = path;
        this.file = file;
        this.records = records;
    }

    /** Opens {@code file}, detecting pcap or pcapng from its magic and reading its header. */
    public static CaptureFileReader open(Path file) throws IOException {
        return open(file, MappedFile.DEFAULT_WINDOW_BYTES);
    }

    /** As {@link #open(Path)} with a given mapping window size (tests use tiny windows to exercise remapping). */
    static CaptureFileReader open(Path path, int windowBytes) throws IOException {
        MappedFile file = new MappedFile(path, windowBytes);
        try {
            return new CaptureFileReader(path, file, detect(path, file));
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private static RecordReader detect(Path path, MappedFile file) throws IOException {
        if (file.size() < 4) {
            throw new CaptureFormatException(path, 0, "not a pcap or pcapng file: only " + file.size()
                    + " bytes at byte offset 0, too short for a capture file header");
        }
        file.order(ByteOrder.BIG_ENDIAN);
        int magic = readMagic(file);
        if (PcapReader.isPcapMagic(magic)) {
            return new PcapReader(path, file, magic);
        }
        if (magic == PcapngReader.SECTION_HEADER_BLOCK) {
            return new PcapngReader(path, file);
        }
        throw new CaptureFormatException(path, 0,
                String.format("not a pcap or pcapng file (magic 0x%08x at byte offset 0)", magic));
    }

    private static int readMagic(MappedFile file) throws IOException {
        int index = file.index(0, 4);
        return file.buffer().getInt(index);
    }

    /**
     * Fills {@code p} with the next record: data, length (truncated to the packet's capacity,
     * at most {@link Packet#MAX_LENGTH}), wire length, timestamp, link type, interface id and
     * the 1-based record index. Returns false at a clean end of file.
     *
     * @throws CaptureFormatException if the next record is truncated or corrupt
     */
    public boolean next(Packet p) throws IOException {
        return records.next(p);
    }

    /** Byte offset of the next record (or block) to be read. */
    public long position() {
        return records.position;
    }

    /** Records returned so far. */
    public long recordsRead() {
        return records.recordsRead;
    }

    /** Records whose captured length exceeded the packet capacity and were cut short. */
    public long truncatedRecords() {
        return records.truncatedRecords;
    }

    public Path path() {
        return path;
    }

    /** Size of the file in bytes. */
    public long size() {
        return file.size();
    }

    public CaptureFormat format() {
        return records.format();
    }

    /**
     * The link type from the classic pcap file header (FCS bits masked off); for pcapng the link
     * type of interface 0 of the current section, or -1 before any interface was seen.
     */
    public int linkType() {
        return records.linkType();
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
