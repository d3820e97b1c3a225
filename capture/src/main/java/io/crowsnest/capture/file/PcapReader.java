package io.crowsnest.capture.file;

import io.crowsnest.decoders.Packet;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Classic libpcap format: a 24-byte file header, then records of a 16-byte header
 * (seconds, sub-seconds, captured length, original length) followed by the captured bytes.
 */
final class PcapReader extends RecordReader {
    static final int MAGIC_MICROS = 0xA1B2C3D4;
    static final int MAGIC_NANOS = 0xA1B23C4D;
    static final int FILE_HEADER_BYTES = 24;
    static final int RECORD_HEADER_BYTES = 16;
    /** libpcap's LT_LINKTYPE(): the upper bits of the field carry the FCS length, not the type. */
    static final int LINKTYPE_MASK = 0x03FF_FFFF;

    private final boolean nanosecondTimestamps;
    private final int linkType;
    private final long snaplen;
    /** Captured lengths above this are corruption rather than a (truncatable) big packet. */
    private final long capturedLengthLimit;

    /** Checks {@code magic} (read big-endian at offset 0) and returns true if it is classic pcap. */
    static boolean isPcapMagic(int magic) {
        return magic == MAGIC_MICROS || magic == MAGIC_NANOS
                || magic == Integer.reverseBytes(MAGIC_MICROS) || magic == Integer.reverseBytes(MAGIC_NANOS);
    }

    PcapReader(Path path, MappedFile file, int magic) throws IOException {
        super(path, file);
        if (file.size() < FILE_HEADER_BYTES) {
            throw damaged(0, "truncated pcap file header at byte offset 0 (file is " + file.size()
                    + " bytes, the header needs " + FILE_HEADER_BYTES + ")");
        }
        boolean bigEndian = magic == MAGIC_MICROS || magic == MAGIC_NANOS;
        nanosecondTimestamps = magic == MAGIC_NANOS || magic == Integer.reverseBytes(MAGIC_NANOS);
        file.order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        int index = file.index(0, FILE_HEADER_BYTES);
        ByteBuffer b = file.buffer();
        snaplen = Integer.toUnsignedLong(b.getInt(index + 16));
        linkType = b.getInt(index + 20) & LINKTYPE_MASK;
        // Like libpcap: a snaplen of 0 or an absurd one means "use the default maximum";
        // records between snaplen and that maximum are accepted (and truncated if needed).
        capturedLengthLimit = snaplen == 0 || snaplen > MAX_RECORD_BYTES
                ? Packet.MAX_LENGTH : Math.max(snaplen, Packet.MAX_LENGTH);
        position = FILE_HEADER_BYTES;
    }

    @Override
    CaptureFormat format() {
        return CaptureFormat.PCAP;
    }

    @Override
    int linkType() {
        return linkType;
    }

    long snaplen() {
        return snaplen;
    }

    boolean nanosecondTimestamps() {
        return nanosecondTimestamps;
    }

    @Override
    boolean next(Packet p) throws IOException {
        long pos = position;
        long size = file.size();
        if (pos == size) {
            return false;
        }
        if (size - pos < RECORD_HEADER_BYTES) {
            throw damaged(pos, "truncated record header at byte offset " + pos + " (file is " + size + " bytes)");
        }
        int index = file.index(pos, RECORD_HEADER_BYTES);
        ByteBuffer b = file.buffer();
        long seconds = Integer.toUnsignedLong(b.getInt(index));
        long fraction = Integer.toUnsignedLong(b.getInt(index + 4));
        long captured = Integer.toUnsignedLong(b.getInt(index + 8));
        long original = Integer.toUnsignedLong(b.getInt(index + 12));
        if (captured > capturedLengthLimit) {
            throw damaged(pos, "record at byte offset " + pos + " claims " + captured
                    + " captured bytes, more than the snaplen/limit (" + capturedLengthLimit + ")");
        }
        if (size - pos - RECORD_HEADER_BYTES < captured) {
            throw damaged(pos, "truncated record at byte offset " + pos + ": needs "
                    + (RECORD_HEADER_BYTES + captured) + " bytes, " + (size - pos)
                    + " remain (file is " + size + " bytes)");
        }
        int recordBytes = RECORD_HEADER_BYTES + (int) captured;
        index = file.index(pos, recordBytes);

        // Sub-second fields >= 1 s occur in sloppy writers; carry them into the seconds.
        if (nanosecondTimestamps) {
            p.tsSeconds = seconds + fraction / 1_000_000_000L;
            p.tsNanos = (int) (fraction % 1_000_000_000L);
        } else {
            p.tsSeconds = seconds + fraction / 1_000_000L;
            p.tsNanos = (int) (fraction % 1_000_000L) * 1000;
        }
        p.linkType = linkType;
        p.interfaceId = 0;
        deliver(p, index + RECORD_HEADER_BYTES, (int) captured, clampToInt(original));
        position = pos + recordBytes;
        return true;
    }
}
