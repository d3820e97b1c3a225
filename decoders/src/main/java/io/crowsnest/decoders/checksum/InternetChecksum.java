package io.crowsnest.decoders.checksum;

/**
 * RFC 1071 Internet checksum arithmetic, allocation-free. Sums are accumulated unfolded in a
 * {@code long} ({@link #add}, {@link #pseudoV4}, {@link #pseudoV6}) and folded once by
 * {@link #finish}. A received header/segment is valid when {@code finish(sum over it, checksum
 * field included) == 0}.
 */
public final class InternetChecksum {
    private InternetChecksum() {}

    /** Adds {@code len} bytes at {@code off} as big-endian 16-bit words (odd tail padded with zero). */
    public static long add(byte[] b, int off, int len, long acc) {
        int i = off;
        int end = off + len;
        int end8 = end - 7;
        while (i < end8) {
            acc += (((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))
                    + (((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff))
                    + (((b[i + 4] & 0xff) << 8) | (b[i + 5] & 0xff))
                    + (((b[i + 6] & 0xff) << 8) | (b[i + 7] & 0xff));
            i += 8;
        }
        int end2 = end - 1;
        while (i < end2) {
            acc += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
            i += 2;
        }
        if (i < end) {
            acc += (b[i] & 0xff) << 8;
        }
        return acc;
    }

    /** Pseudo header for IPv4: the 8 address bytes at {@code addrOff} (src then dst), protocol, length. */
    public static long pseudoV4(byte[] b, int addrOff, int proto, int length) {
        return add(b, addrOff, 8, 0L) + proto + length;
    }

    /** Pseudo header for IPv6: the 32 address bytes at {@code addrOff} (src then dst), next header, length. */
    public static long pseudoV6(byte[] b, int addrOff, int proto, int length) {
        return add(b, addrOff, 32, 0L) + proto + (length >>> 16) + (length & 0xffff);
    }

    /** Folds the sum to 16 bits and returns its one's complement (the checksum value). */
    public static int finish(long acc) {
        while ((acc >>> 16) != 0) {
            acc = (acc & 0xffff) + (acc >>> 16);
        }
        return (int) (~acc & 0xffff);
    }

    /** Checksum of a plain byte range (e.g. an IPv4 header with its checksum field zeroed). */
    public static int compute(byte[] b, int off, int len) {
        return finish(add(b, off, len, 0L));
    }
}
