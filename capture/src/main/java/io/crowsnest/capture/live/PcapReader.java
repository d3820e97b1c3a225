package io.crowsnest.capture.live;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteOrder;

/**
 * Reads packets one by one from a {@code pcap_t} with direct-mapped {@code pcap_next_ex}, without
 * allocating: the two out-pointers land in one reused native cell pair, and the header and the
 * packet bytes are read through two reused {@link Pointer}s re-aimed at libpcap's buffer
 * ({@link Pointer#nativeValue(Pointer, long)}), the bytes straight into the caller's array.
 * Per packet that is one native call and three JNI copies (the two addresses, the header, the
 * data), against pcap4j's JNA callback, {@code byte[]}, {@code Timestamp} and boxed length.
 *
 * <p>libpcap's header and data stay valid until the next {@code pcap_next_ex} on the same handle,
 * so {@link #copyTo} must come before the next {@link #next}. Not thread-safe: one reader per
 * capture thread.
 */
final class PcapReader {
    /** {@code struct pcap_pkthdr}: {@code struct timeval} (two C longs), then caplen and len (u32). */
    private static final boolean LP64 = Native.LONG_SIZE == 8;
    private static final boolean LITTLE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private final Pointer pcap;
    private final boolean nanoTimestamps;
    private final Memory cells = new Memory(2L * Native.POINTER_SIZE);
    private final Pointer headerCell = cells;
    private final Pointer dataCell = cells.share(Native.POINTER_SIZE);
    private final Pointer header = new Pointer(0);
    private final Pointer data = new Pointer(0);
    private final long[] addresses = new long[2];
    private final int[] addresses32 = new int[2];
    private final long[] header64 = new long[3];
    private final int[] header32 = new int[4];

    /** Of the last packet read. */
    long tsSeconds;
    int tsNanos;
    int capturedLength;
    int wireLength;

    /**
     * @param pcap           an open, activated {@code pcap_t}
     * @param nanoTimestamps the handle was opened with nanosecond timestamps (else microseconds)
     */
    PcapReader(Pointer pcap, boolean nanoTimestamps) {
        this.pcap = pcap;
        this.nanoTimestamps = nanoTimestamps;
    }

    /**
     * Reads the next packet (blocking like {@code pcap_next_ex}: on Linux until a packet, the read
     * timeout or {@code pcap_breakloop}).
     *
     * @return {@link PcapDirect#PACKET} (header fields set; bytes via {@link #copyTo}),
     *         {@link PcapDirect#TIMEOUT} or {@link PcapDirect#BREAK}
     * @throws IOException with libpcap's message when the capture failed (interface gone …)
     */
    int next() throws IOException {
        int r = PcapDirect.pcap_next_ex(pcap, headerCell, dataCell);
        if (r != PcapDirect.PACKET) {
            if (r == PcapDirect.TIMEOUT || r == PcapDirect.BREAK) {
                return r;
            }
            String message = r == -1 ? PcapDirect.pcap_geterr(pcap) : null;
            throw new IOException(message == null || message.isBlank() ? "pcap_next_ex returned " + r : message);
        }
        long h;
        long d;
        if (Native.POINTER_SIZE == 8) {
            cells.read(0, addresses, 0, 2);
            h = addresses[0];
            d = addresses[1];
        } else {
            cells.read(0, addresses32, 0, 2);
            h = addresses32[0] & 0xFFFF_FFFFL;
            d = addresses32[1] & 0xFFFF_FFFFL;
        }
        Pointer.nativeValue(header, h);
        Pointer.nativeValue(data, d);
        long sub;
        if (LP64) {
            header.read(0, header64, 0, 3);
            tsSeconds = header64[0];
            sub = header64[1];
            long lengths = header64[2];
            int first = (int) (LITTLE ? lengths : lengths >>> 32);
            int second = (int) (LITTLE ? lengths >>> 32 : lengths);
            capturedLength = first;
            wireLength = second;
        } else {
            header.read(0, header32, 0, 4);
            tsSeconds = header32[0] & 0xFFFF_FFFFL;
            sub = header32[1] & 0xFFFF_FFFFL;
            capturedLength = header32[2];
            wireLength = header32[3];
        }
        tsNanos = (int) (nanoTimestamps ? sub : sub * 1000);
        return PcapDirect.PACKET;
    }

    /** Copies up to {@code max} bytes of the last packet into {@code dst} and returns how many. */
    int copyTo(byte[] dst, int max) {
        int n = Math.min(capturedLength, Math.min(max, dst.length));
        if (n > 0) {
            data.read(0, dst, 0, n);
        }
        return n;
    }
}
