package io.crowsnest.detection.inspect;

/**
 * {@code base64_decode[:bytes N][,offset N][,relative]}: decodes base64 from the buffer (at offset, from the
 * relative cursor when relative) into the worker's scratch buffer ({@link InspectionContext#base64}); matches
 * when something was decoded. Decoding stops at the first character outside the base64 alphabet or at
 * padding; a final partial group yields its complete bytes (Suricata's non-strict mode).
 */
public final class Base64DecodeMatch extends PayloadElement {
    public final int bytes, offset;
    public final boolean relative;

    public Base64DecodeMatch(int bytes, int offset, boolean relative) {
        this.bytes = bytes;
        this.offset = offset;
        this.relative = relative;
    }

    @Override
    public boolean isRelative() {
        return relative;
    }

    @Override
    protected int inspect(PayloadElement[] els, int i, byte[] buf, int off, int len, InspectionContext ctx) {
        long start = (relative ? (long) ctx.cursor : 0L) + offset;
        if (start >= len) {
            ctx.base64Length = 0;
            return PayloadInspector.NO_MATCH;
        }
        int n = (int) Math.min(len - start, bytes > 0 ? bytes : Integer.MAX_VALUE);
        ctx.base64Length = decode(buf, off + (int) start, n, ctx.base64);
        return ctx.base64Length > 0 ? PayloadInspector.next(els, i, buf, off, len, ctx) : PayloadInspector.NO_MATCH;
    }

    /** Decodes {@code src[at, at+n)} into {@code dst}; returns the number of bytes written. */
    public static int decode(byte[] src, int at, int n, byte[] dst) {
        int acc = 0, bits = 0, w = 0;
        for (int k = 0; k < n && w < dst.length; k++) {
            int v = value(src[at + k]);
            if (v < 0) {
                break;
            }
            acc = (acc << 6) | v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                dst[w++] = (byte) (acc >>> bits);
                acc &= (1 << bits) - 1;
            }
        }
        return w;
    }

    private static int value(byte b) {
        if (b >= 'A' && b <= 'Z') {
            return b - 'A';
        }
        if (b >= 'a' && b <= 'z') {
            return b - 'a' + 26;
        }
        if (b >= '0' && b <= '9') {
            return b - '0' + 52;
        }
        if (b == '+') {
            return 62;
        }
        if (b == '/') {
            return 63;
        }
        return -1;
    }
}
