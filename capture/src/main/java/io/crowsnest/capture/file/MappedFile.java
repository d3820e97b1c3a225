package io.crowsnest.capture.file;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only file seen through a sliding memory-mapped window.
 *
 * <p>A single {@link MappedByteBuffer} cannot exceed 2 GiB and int indexes, so large captures are
 * mapped a window at a time; the window is remapped (starting at the requested position) only
 * when a requested range is not entirely inside it. Callers ask for a whole record's range once
 * via {@link #index(long, int)} and then use absolute reads on {@link #buffer()}: nothing is
 * allocated per record, only one buffer per window.
 */
final class MappedFile implements Closeable {
    static final int DEFAULT_WINDOW_BYTES = 64 << 20;

    private final FileChannel channel;
    private final long size;
    private final int windowBytes;
    private ByteOrder order = ByteOrder.BIG_ENDIAN;
    private MappedByteBuffer window;
    private long windowStart;
    private int windowLength;

    MappedFile(Path path, int windowBytes) throws IOException {
        if (windowBytes < 64) {
            throw new IllegalArgumentException("window too small: " + windowBytes);
        }
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            this.size = channel.size();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        this.windowBytes = windowBytes;
    }

    long size() {
        return size;
    }

    /** Byte order used for multi-byte reads from {@link #buffer()}; kept across remaps. */
    void order(ByteOrder order) {
        this.order = order;
        if (window != null) {
            window.order(order);
        }
    }

    /** The current window; valid until the next {@link #index} call. */
    ByteBuffer buffer() {
        return window;
    }

    /**
     * Makes {@code [position, position + length)} addressable and returns the index of
     * {@code position} in {@link #buffer()}. The caller has checked that the range is inside
     * the file.
     */
    int index(long position, int length) throws IOException {
        long relative = position - windowStart;
        if (window != null && relative >= 0 && relative + length <= windowLength) {
            return (int) relative;
        }
        remap(position, length);
        return 0;
    }

    private void remap(long position, int length) throws IOException {
        long mapLength = Math.min(Math.max(windowBytes, length), size - position);
        window = channel.map(FileChannel.MapMode.READ_ONLY, position, mapLength);
        window.order(order);
        windowStart = position;
        windowLength = (int) mapLength;
    }

    @Override
    public void close() throws IOException {
        // The mapping itself is released when the buffer is collected; closing the channel
        // releases the file descriptor now.
        window = null;
        channel.close();
    }
}
