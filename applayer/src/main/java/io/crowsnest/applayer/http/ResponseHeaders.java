package io.crowsnest.applayer.http;

import io.crowsnest.applayer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns the lines of a response header (or trailer) block into the transaction's headers the way libhtp
 * does. A line is held until the next one shows whether it continues it: folded lines (starting with SP,
 * HT or NUL) are appended raw, and only then is the name split off, so "Transfer-Encoding\r\n :chunked" is
 * Transfer-Encoding. In an HTTP/1.1 response a folded line with a colon, after a held line with one, is a
 * header of its own. The name loses trailing bytes up to 0x20 ("Content-Encoding\v:" is Content-Encoding);
 * a line without a colon is a header with an empty name. Repeated headers join with ", " (at most 64
 * repetitions), except Content-Length, which keeps the first.
 */
final class ResponseHeaders {
    private static final int MAX_REPEATS = 64;
    /** Headers kept per block; more are dropped (an anomaly once), which bounds memory and the repeat search. */
    static final int MAX_HEADERS = 1024;

    private final Consumer<String> anomalies;
    private final ByteBuf held = new ByteBuf(256, HttpParser.LINE_LIMIT);
    private boolean holding;
    /** The held line has a colon (libhtp's folding rule asks; kept, not searched, as lines fold in). */
    private boolean heldColon;
    private int repeats;
    private boolean capped;
    private HttpTx tx;

    ResponseHeaders(Consumer<String> anomalies) {
        this.anomalies = anomalies;
    }

    /** A header block of {@code t} starts (headers after a status line, or trailers after the last chunk). */
    void start(HttpTx t) {
        tx = t;
        holding = false;
        repeats = 0;
        capped = false;
    }

    /** One header line, its line end removed. */
    void line(byte[] l, int len) {
        if (len == 0) {
            return;
        }
        if (!HttpSyntax.isFoldingChar(l[0])) {
            flush();
            hold(l, 0, len);
        } else if (!holding) {
            // folding with nothing to fold into: a header of its own, without the leading blanks
            anomalies.accept("http.invalid_response_field_folding");
            int s = 0;
            while (s < len && HttpSyntax.isFoldingChar(l[s])) {
                s++;
            }
            hold(l, s, len - s);
        } else if (heldColon && indexOf(l, len, ':') >= 0 && isHttp11(tx.responseProtocol)) {
            anomalies.accept("http.invalid_response_field_folding");
            flush();
            hold(l, 1, len - 1);
        } else {
            held.append(l, 0, len);
            heldColon |= indexOf(l, len, ':') >= 0;
        }
    }

    /** The block ended: the held line is complete. */
    void end() {
        flush();
        tx.responseHeadersDone();
    }

    private void hold(byte[] l, int off, int len) {
        held.clear();
        held.append(l, off, len);
        holding = true;
        heldColon = indexOf(held.array(), held.length(), ':') >= 0;
    }

    private void flush() {
        if (!holding) {
            return;
        }
        holding = false;
        byte[] l = held.array();
        int n = held.length();
        int colon = indexOf(l, n, ':');
        byte[] name, value;
        if (colon < 0) {
            anomalies.accept("http.invalid_header");
            name = new byte[0];
            value = trimEnd(l, 0, n);
        } else {
            int ne = colon;
            while (ne > 0 && (l[ne - 1] & 0xFF) <= 0x20) {
                ne--; // blanks, controls and NULs after the name
            }
            if (ne == 0) {
                anomalies.accept("http.invalid_header");
            }
            int vs = colon + 1;
            while (vs < n && HttpSyntax.isLws(l[vs])) {
                vs++;
            }
            name = Arrays.copyOf(l, ne);
            value = trimEnd(l, vs, n);
        }
        add(new HttpTx.Header(name, value));
    }

    private void add(HttpTx.Header h) {
        List<HttpTx.Header> hs = tx.responseHeaders;
        for (int i = 0; i < hs.size(); i++) {
            HttpTx.Header e = hs.get(i);
            if (sameName(e.name, h.name)) {
                if (++repeats > MAX_REPEATS || HttpSyntax.equalsNoCaseNoZero(h.name, "content-length")) {
                    return;
                }
                byte[] v = Arrays.copyOf(e.value, e.value.length + 2 + h.value.length);
                v[e.value.length] = ',';
                v[e.value.length + 1] = ' ';
                System.arraycopy(h.value, 0, v, e.value.length + 2, h.value.length);
                hs.set(i, new HttpTx.Header(e.name, v));
                return;
            }
        }
        if (hs.size() >= MAX_HEADERS) {
            if (!capped) {
                capped = true;
                anomalies.accept("http.too_many_headers");
            }
            return;
        }
        hs.add(h);
        if (tx.responseContentType == null && HttpSyntax.equalsNoCaseNoZero(h.name, "content-type")) {
            tx.responseContentType = h.value;
        } else if (tx.responseCookie == null && HttpSyntax.equalsNoCaseNoZero(h.name, "set-cookie")) {
            tx.responseCookie = h.value;
        }
    }

    /** Same header name, ignoring ASCII case (libhtp joins repeats by a case-insensitive name match). */
    private static boolean sameName(byte[] a, byte[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i] == b[i]) {
                continue;
            }
            int lower = a[i] | 0x20;
            if (lower != (b[i] | 0x20) || lower < 'a' || lower > 'z') {
                return false;
            }
        }
        return true;
    }

    private static boolean isHttp11(byte[] protocol) {
        return protocol != null && "HTTP/1.1".equals(new String(protocol, StandardCharsets.ISO_8859_1));
    }

    private static int indexOf(byte[] l, int to, int c) {
        for (int i = 0; i < to; i++) {
            if (l[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] trimEnd(byte[] l, int from, int to) {
        while (to > from && HttpSyntax.isLws(l[to - 1])) {
            to--;
        }
        return Arrays.copyOfRange(l, from, to);
    }
}
