package io.crowsnest.capture.file;

import io.crowsnest.decoders.Packet;
import java.io.IOException;
import java.nio.file.Path;

/** What the two format readers share: the mapped file, the counters and the record copy. */
abstract class RecordReader {
    /** Largest record/block we accept at all; anything bigger is corruption, not a packet. */
    static final long MAX_RECORD_BYTES = 256L << 20;

    final Path path;
    final MappedFile file;
    /** Byte offset of the next record/block. Advanced only after a record was fully accepted. */
    long position;
    long recordsRead;
    long truncatedRecords;

    RecordReader(Path path, MappedFile file) {
        this.path = path;
        this.file = file;
    }

    abstract CaptureFormat format();

    abstract boolean next(Packet p) throws IOException;

    /** Link type of the file (pcap) or of interface 0 of the current section (pcapng), -1 if unknown. */
    abstract int linkType();

    /**
     * Copies a record whose bytes start at {@code index} of the current window (already made
     * addressable by the caller), truncating to the packet's capacity.
     */
    final void deliver(Packet p, int index, int capturedLength, int wireLength) {
        int keep = Math.min(capturedLength, p.data.length);
        if (keep < capturedLength) {
            truncatedRecords++;
        }
        file.buffer().get(index, p.data, 0, keep);
        p.length = keep;
        p.wireLength = wireLength;
        p.pcapCount = ++recordsRead;
    }

    final CaptureFormatException damaged(long offset, String detail) {
        return new CaptureFormatException(path, offset, detail);
    }

    static int clampToInt(long value) {
        return value > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) value;
    }
}
