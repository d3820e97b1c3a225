package io.crowsnest.detection.inspect;

/** Byte extraction shared by byte_test and byte_jump (Suricata util-byte.c). Allocation-free. */
public final class ByteExtract {
    private ByteExtract() {}

    /** Result value of the last successful extraction on this thread is returned through {@code out[0]}. */
    public static int extractNumeric(byte[] buf, int at, int nbytes, boolean little, long[] out) {
        long v = 0;
        if (little) {
            for (int k = nbytes - 1; k >= 0; k--) {
                v = (v << 8) | (buf[at + k] & 0xFFL);
            }
        } else {
            for (int k = 0; k < nbytes; k++) {
                v = (v << 8) | (buf[at + k] & 0xFFL);
            }
        }
        out[0] = v;
        return nbytes;
    }

    /**
     * Parses up to {@code nbytes} characters at {@code at} as a number in {@code base} (like strtoull:
     * leading spaces, optional '+', "0x" for base 16); returns the characters consumed, or -1 when no
     * digit was found or the value overflows.
     */
    public static int extractString(byte[] buf, int at, int nbytes, int base, long[] out) {
        int p = 0;
        while (p < nbytes && (buf[at + p] == ' ' || buf[at + p] == '\t')) {
            p++;
        }
        if (p < nbytes && buf[at + p] == '+') {
            p++;
        }
        if (base == 16 && p + 1 < nbytes && buf[at + p] == '0' && (buf[at + p + 1] | 0x20) == 'x') {
            p += 2;
        }
        int digits = 0;
        long v = 0;
        while (p < nbytes) {
            int d = Character.digit((char) (buf[at + p] & 0xFF), base);
            if (d < 0) {
                break;
            }
            long nv = v * base + d;
            if (Long.compareUnsigned(nv, v) < 0 && v != 0) {
                return -1;
            }
            v = nv;
            digits++;
            p++;
        }
        if (digits == 0) {
            return -1;
        }
        out[0] = v;
        return p;
    }
}
