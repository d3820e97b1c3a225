package io.crowsnest.capture.file;

import io.crowsnest.decoders.Packet;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Writes classic little-endian pcap with microsecond or nanosecond timestamps.
 *
 * <p>Records are assembled in one reused 1 MiB buffer and written out when it fills, so writing
 * millions of packets allocates nothing per record. Records longer than the snaplen are stored
 * truncated, with their full length as the original length. Not thread-safe.
 */
public final class PcapWriter implements AutoCloseable {
    /** Timestamp resolution of the file, chosen by the magic number. */
    public enum Resolution {
        MICROS(PcapReader.MAGIC_MICROS),
        NANOS(PcapReader.MAGIC_NANOS);

        final int magic;

        Resolution(int magic) {
            this.magic = magic;
        }
    }

    public static final int DEFAULT_SNAPLEN = Packet.MAX_LENGTH;
    private static final int BUFFER_BYTES = 1 << 20;

    /** Exactly one of channel / stream is set. */
    private final FileChannel channel;
    private final OutputStream stream;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final Resolution resolution;
    private final int snaplen;
    private long recordsWritten;
    private boolean closed;

    private PcapWriter(FileChannel channel, OutputStream stream, int linkType, int snaplen, Resolution resolution) {
        if (snaplen <= 0) {
            throw new IllegalArgumentException("snaplen must be positive: " + snaplen);
        }
        this.channel = channel;
        this.stream = stream;
        this.resolution = Objects.requireNonNull(resolution, "resolution");
        this.snaplen = snaplen;
        buffer.putInt(resolution.magic)
                .putShort((short) 2).putShort((short) 4) // version 2.4
                .putInt(0)                               // thiszone: timestamps are UTC
                .putInt(0)                               // sigfigs
                .putInt(snaplen)
                .putInt(linkType);
    }

    /** Creates (or truncates) {@code file}: microsecond timestamps, snaplen {@link #DEFAULT_SNAPLEN}. */
    public static PcapWriter create(Path file, int linkType) throws IOException {
        return create(file, linkType, DEFAULT_SNAPLEN, Resolution.MICROS);
    }

    /** Creates (or truncates) {@code file}. */
    public static PcapWriter create(Path file, int linkType, int snaplen, Resolution resolution) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        try {
            return new PcapWriter(channel, null, linkType, snaplen, resolution);
        } catch (RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Writes to {@code out}; {@link #close()} closes it. */
    public static PcapWriter create(OutputStream out, int linkType, int snaplen, Resolution resolution) {
        return new PcapWriter(null, Objects.requireNonNull(out, "out"), linkType, snaplen, resolution);
    }

    /** Writes a record whose wire length is {@code len}. */
    public void write(long tsSeconds, int tsNanos, byte[] data, int off, int len) throws IOException {
        write(tsSeconds, tsNanos, data, off, len, len);
    }

    /** Writes a record captured from a packet of {@code wireLength} bytes on the wire. */
    public void write(long tsSeconds, int tsNanos, byte[] data, int off, int len, int wireLength) throws IOException {
        Objects.checkFromIndexSize(off, len, data.length);
        if (closed) {
            throw new IOException("PcapWriter is closed");
        }
        int captured = Math.min(len, snaplen);
        if (buffer.remaining() < PcapReader.RECORD_HEADER_BYTES) {
            drain();
        }
        int fraction = resolution == Resolution.NANOS ? tsNanos : tsNanos / 1000;
        buffer.putInt((int) tsSeconds)
                .putInt(fraction)
                .putInt(captured)
                .putInt(Math.max(wireLength, len));
        // Records bigger than the free space are copied in pieces, so no temporary buffer is needed.
        int offset = off;
        int remaining = captured;
        while (remaining > 0) {
            if (!buffer.hasRemaining()) {
                drain();
            }
            int chunk = Math.min(remaining, buffer.remaining());
            buffer.put(data, offset, chunk);
            offset += chunk;
            remaining -= chunk;
        }
        recordsWritten++;
    }

    /** Writes the packet's captured bytes, timestamp and wire length (its link type is not checked). */
    public void write(Packet p) throws IOException {
        write(p.tsSeconds, p.tsNanos, p.data, 0, p.length, p.wireLength);
    }

    public long recordsWritten() {
        return recordsWritten;
    }

    /** Pushes buffered records to the file or stream. */
    public void flush() throws IOException {
        drain();
        if (stream != null) {
            stream.flush();
        }
    }

    private void drain() throws IOException {
        buffer.flip();
        if (channel != null) {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } else if (buffer.hasRemaining()) {
            stream.write(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
        }
        buffer.clear();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            drain();
        } finally {
            if (channel != null) {
                channel.close();
            } else {
                stream.close();
            }
        }
    }
}
