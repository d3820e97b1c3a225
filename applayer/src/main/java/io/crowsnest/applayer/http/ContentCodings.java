package io.crowsnest.applayer.http;

import java.util.Arrays;

/**
 * Which decompression layers a response's Content-Encoding value asks for, read as libhtp reads it: a
 * value that is exactly (ignoring case and NUL bytes) gzip, x-gzip, deflate or x-deflate is that one
 * layer; otherwise every comma- or space-separated token counts against the layer limit, and a token
 * containing "gzip" or "deflate" anywhere is that layer (unknown tokens add none). lzma, which libhtp
 * also decodes, is not decoded here.
 */
final class ContentCodings {
    private ContentCodings() {}

    static final byte GZIP = 1, DEFLATE = 2;

    /** The layers in header order (the first listed was applied first); {@code tooMany[0]} set past the limit. */
    static byte[] layers(byte[] ce, int limit, boolean[] tooMany) {
        if (HttpSyntax.equalsNoCaseNoZero(ce, "gzip") || HttpSyntax.equalsNoCaseNoZero(ce, "x-gzip")) {
            return new byte[] {GZIP};
        }
        if (HttpSyntax.equalsNoCaseNoZero(ce, "deflate") || HttpSyntax.equalsNoCaseNoZero(ce, "x-deflate")) {
            return new byte[] {DEFLATE};
        }
        if (HttpSyntax.equalsNoCaseNoZero(ce, "lzma") || HttpSyntax.equalsNoCaseNoZero(ce, "inflate")) {
            return new byte[0];
        }
        byte[] out = new byte[limit];
        int n = 0, tokens = 0;
        int p = 0;
        while (p < ce.length) {
            while (p < ce.length && (ce[p] == ',' || ce[p] == ' ')) {
                p++;
            }
            if (p == ce.length) {
                break;
            }
            int s = p;
            while (p < ce.length && ce[p] != ',' && ce[p] != ' ') {
                p++;
            }
            if (++tokens > limit) {
                tooMany[0] = true;
                break;
            }
            if (HttpSyntax.containsNoCase(ce, s, p, "gzip")) {
                out[n++] = GZIP;
            } else if (HttpSyntax.containsNoCase(ce, s, p, "deflate")) {
                out[n++] = DEFLATE;
            }
        }
        return Arrays.copyOf(out, n);
    }
}
