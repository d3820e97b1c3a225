package io.crowsnest.applayer.http;

/**
 * The lenient reading of HTTP/1.x syntax that libhtp (the parser Suricata inspects HTTP with) applies to
 * responses: which bytes are white space, which lines are empty, how a Content-Length or a chunk size is
 * read out of junk, which line is a status line and which is body. A response rule must see what the
 * reference engine sees, so these follow libhtp rather than the RFC; each says where it differs.
 */
final class HttpSyntax {
    private HttpSyntax() {}

    /** Chunk-size line with nothing but line ends and blanks yet: keep reading (libhtp's -1004). */
    static final long CHUNK_LEN_EMPTY = -2;

    /** libhtp's htp_is_space: SP, HT, CR, LF, VT, FF. */
    static boolean isSpace(int c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0x0b || c == 0x0c;
    }

    /** Linear white space: SP and HT. */
    static boolean isLws(int c) {
        return c == ' ' || c == '\t';
    }

    /** A header line starting with one of these continues the previous one: SP, HT and NUL (libhtp). */
    static boolean isFoldingChar(int c) {
        return c == ' ' || c == '\t' || c == 0;
    }

    /** Exactly "\r", "\n" or "\r\n". */
    static boolean isLineEmpty(byte[] l, int n) {
        return (n == 1 && (l[0] == '\r' || l[0] == '\n')) || (n == 2 && l[0] == '\r' && l[1] == '\n');
    }

    /**
     * Ends a header block: an empty line, or a blank (SP/HT) followed by a bare LF when the next byte is not
     * another LF (libhtp reads "hdr\n \nbody" as headers ending at the blank line).
     */
    static boolean isTerminator(byte[] l, int n, boolean nextNotLf) {
        return isLineEmpty(l, n) || (n == 2 && isLws(l[0]) && l[1] == '\n' && nextNotLf);
    }

    /** Length without the line end: LFs, each with an optional CR before it (libhtp's htp_chomp; a lone CR stays). */
    static int chomp(byte[] l, int n) {
        while (n > 0 && l[n - 1] == '\n') {
            n--;
            if (n > 0 && l[n - 1] == '\r') {
                n--;
            }
        }
        return n;
    }

    /** Length without any trailing CR and LF. */
    static int stripLineEnds(byte[] l, int n) {
        while (n > 0 && (l[n - 1] == '\r' || l[n - 1] == '\n')) {
            n--;
        }
        return n;
    }

    /**
     * A would-be status line that does not start (after white space and NULs) with "http" in any case is
     * response body, as browsers take it (libhtp's htp_treat_response_line_as_body).
     */
    static boolean looksLikeBody(byte[] l, int n) {
        int p = 0;
        while (p < n && (isSpace(l[p]) || l[p] == 0)) {
            p++;
        }
        if (n < p + 4) {
            return true;
        }
        return (l[p] | 0x20) != 'h' || (l[p + 1] | 0x20) != 't' || (l[p + 2] | 0x20) != 't' || (l[p + 3] | 0x20) != 'p';
    }

    /** Status code 100-999 with only SP/HT around it, else -1 (libhtp's htp_parse_status). */
    static int parseStatus(byte[] v) {
        long r = positiveInteger(v, 0, v.length, 10);
        return r >= 100 && r <= 999 ? (int) r : -1;
    }

    /**
     * Content-Length the libhtp way: junk before the first digit and after the last is ignored; -1 when there
     * is no digit at all or the number does not fit.
     */
    static long parseContentLength(byte[] v) {
        int p = 0;
        while (p < v.length && (v[p] < '0' || v[p] > '9')) {
            p++;
        }
        if (p == v.length) {
            return -1;
        }
        long r = 0;
        int digits = 0;
        for (; p < v.length && v[p] >= '0' && v[p] <= '9'; p++) {
            r = r * 10 + (v[p] - '0');
            if (++digits > 18) {
                return -1;
            }
        }
        return r;
    }

    /**
     * Chunk size the libhtp way: leading CR/LF/SP/HT/VT/FF skipped, then hex digits up to the first other
     * byte (extensions and junk after them ignored). {@link #CHUNK_LEN_EMPTY} when nothing but those leading
     * bytes yet; -1 when no hex digit follows or the size is over 2^31-1.
     */
    static long parseChunkedLength(byte[] l, int n) {
        int p = 0;
        while (p < n && isChunkCtl(l[p])) {
            p++;
        }
        if (p == n) {
            return CHUNK_LEN_EMPTY;
        }
        long r = 0;
        int digits = 0;
        for (; p < n; p++) {
            int h = Character.digit(l[p], 16);
            if (h < 0) {
                break;
            }
            r = r * 16 + h;
            if (++digits > 8 && r > Integer.MAX_VALUE) {
                return -1;
            }
        }
        return digits == 0 || r > Integer.MAX_VALUE ? -1 : r;
    }

    /**
     * libhtp's peek at a chunk-size line once 8 bytes are in: if the first byte that is not a line end or
     * blank ({@code firstOther}, -1 while there is none) is no hex digit, the body is not chunked after all.
     */
    static boolean chunkLengthPlausible(int lineLength, int firstOther) {
        return lineLength < 8 || firstOther < 0 || Character.digit(firstOther, 16) >= 0;
    }

    static boolean isChunkCtl(int c) {
        return c == '\r' || c == '\n' || c == ' ' || c == '\t' || c == 0x0b || c == 0x0c;
    }

    /** Only SP/HT around a number in {@code base}; -1 otherwise. */
    private static long positiveInteger(byte[] v, int from, int to, int base) {
        int p = from;
        while (p < to && isLws(v[p])) {
            p++;
        }
        long r = 0;
        int digits = 0;
        for (; p < to; p++) {
            int d = Character.digit(v[p], base);
            if (d < 0) {
                break;
            }
            r = r * base + d;
            if (++digits > 15) {
                return -1;
            }
        }
        while (p < to && isLws(v[p])) {
            p++;
        }
        return digits == 0 || p < to ? -1 : r;
    }

    /** Case-insensitive equality that skips NUL bytes in {@code v} ("gz\0ip" is "gzip"), as libhtp compares. */
    static boolean equalsNoCaseNoZero(byte[] v, String s) {
        int j = 0;
        for (byte c : v) {
            if (c == 0) {
                continue;
            }
            if (j == s.length() || Character.toLowerCase((char) (c & 0xFF)) != Character.toLowerCase(s.charAt(j))) {
                return false;
            }
            j++;
        }
        return j == s.length();
    }

    /** Case-insensitive substring search that skips NUL bytes in {@code v} (libhtp's nocasenorzero). */
    static boolean containsNoCaseNoZero(byte[] v, String s) {
        for (int i = 0; i < v.length; i++) {
            if (v[i] == 0) {
                continue;
            }
            int j = 0;
            for (int k = i; k < v.length && j < s.length(); k++) {
                if (v[k] == 0) {
                    continue;
                }
                if (Character.toLowerCase((char) (v[k] & 0xFF)) != Character.toLowerCase(s.charAt(j))) {
                    break;
                }
                j++;
            }
            if (j == s.length()) {
                return true;
            }
        }
        return false;
    }

    /** Case-insensitive substring search. */
    static boolean containsNoCase(byte[] v, int from, int to, String s) {
        for (int i = from; i + s.length() <= to; i++) {
            int j = 0;
            while (j < s.length() && Character.toLowerCase((char) (v[i + j] & 0xFF)) == s.charAt(j)) {
                j++;
            }
            if (j == s.length()) {
                return true;
            }
        }
        return false;
    }
}
