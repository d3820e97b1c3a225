package io.crowsnest.applayer.http;

import io.crowsnest.applayer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * The request direction of one HTTP/1.x connection: request lines, headers (with folding), Content-Length
 * and chunked bodies. Request bodies are kept as sent (Suricata does not decompress them by default).
 */
final class RequestParser {
    private static final int LINE = 0, HEADERS = 1, BODY_LENGTH = 2, CHUNK_SIZE = 3, CHUNK_DATA = 4,
            CHUNK_END = 5, TRAILERS = 6, TUNNEL = 8, ERROR = 9;

    private final HttpParser conn;
    private int state = LINE;
    private final ByteBuf line = new ByteBuf(256, HttpParser.LINE_LIMIT);
    private boolean lineOverflow;
    private HttpTx tx;
    private long remaining;
    private byte[] pendingName;
    private ByteBuf pendingValue;
    private boolean headersCapped;

    RequestParser(HttpParser conn) {
        this.conn = conn;
    }

    /** The response switched the connection to another protocol: nothing more to parse here. */
    void stop() {
        state = TUNNEL;
    }

    void feed(byte[] b, int off, int len) {
        int end = off + len;
        int p = off;
        while (p < end) {
            switch (state) {
                case LINE:
                case HEADERS:
                case CHUNK_SIZE:
                case CHUNK_END:
                case TRAILERS: {
                    int nl = -1;
                    for (int i = p; i < end; i++) {
                        if (b[i] == '\n') {
                            nl = i;
                            break;
                        }
                    }
                    if (nl < 0) {
                        appendLine(b, p, end - p);
                        if (state == HEADERS && tx != null) {
                            tx.requestHeaderRaw.append(b, p, end - p);
                        }
                        return;
                    }
                    appendLine(b, p, nl - p);
                    if (state == HEADERS && tx != null) {
                        tx.requestHeaderRaw.append(b, p, nl + 1 - p);
                    }
                    p = nl + 1;
                    int l = line.length();
                    if (l > 0 && line.array()[l - 1] == '\r') {
                        l--;
                    }
                    onLine(line.array(), l);
                    line.clear();
                    lineOverflow = false;
                    break;
                }
                case BODY_LENGTH: {
                    int n = (int) Math.min(remaining, end - p);
                    body(b, p, n);
                    p += n;
                    remaining -= n;
                    if (remaining == 0) {
                        finish();
                    }
                    break;
                }
                case CHUNK_DATA: {
                    int n = (int) Math.min(remaining, end - p);
                    body(b, p, n);
                    p += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = CHUNK_END;
                    }
                    break;
                }
                default:
                    return; // TUNNEL / ERROR: opaque
            }
        }
    }

    private void appendLine(byte[] b, int off, int len) {
        if (line.append(b, off, len) < len && !lineOverflow) {
            lineOverflow = true;
            conn.anomaly("http.request_line_too_long");
        }
    }

    private void onLine(byte[] l, int len) {
        switch (state) {
            case LINE:
                if (len > 0) { // leading empty lines are tolerated
                    requestLine(l, len);
                }
                return;
            case HEADERS:
                headerLine(l, len);
                return;
            case CHUNK_SIZE:
                chunkSize(l, len);
                return;
            case CHUNK_END:
                state = CHUNK_SIZE;
                if (len > 0) {
                    onLine(l, len); // missing CRLF after the chunk: treat the line as the next size
                }
                return;
            case TRAILERS:
                if (len == 0) {
                    finish();
                }
                return;
            default:
        }
    }

    private void headerLine(byte[] l, int len) {
        if (len == 0) {
            flushHeader();
            headersDone();
            return;
        }
        if ((l[0] == ' ' || l[0] == '\t') && pendingName != null) {
            pendingValue.append(' ');
            int s = 0;
            while (s < len && (l[s] == ' ' || l[s] == '\t')) {
                s++;
            }
            pendingValue.append(l, s, len - s);
            return;
        }
        flushHeader();
        int colon = -1;
        for (int i = 0; i < len; i++) {
            if (l[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon <= 0) {
            conn.anomaly("http.invalid_header");
            if (colon < 0) {
                return;
            }
        }
        int ne = colon;
        while (ne > 0 && (l[ne - 1] == ' ' || l[ne - 1] == '\t')) {
            ne--;
        }
        pendingName = Arrays.copyOf(l, ne);
        pendingValue = new ByteBuf(Math.max(0, len - colon), HttpParser.LINE_LIMIT);
        int vs = colon + 1;
        while (vs < len && (l[vs] == ' ' || l[vs] == '\t')) {
            vs++;
        }
        pendingValue.append(l, vs, len - vs);
    }

    private void chunkSize(byte[] l, int len) {
        long size = 0;
        int i = 0, digits = 0;
        while (i < len && (l[i] == ' ' || l[i] == '\t' || l[i] == '\r')) {
            i++;
        }
        for (; i < len; i++) {
            int h = Character.digit(l[i], 16);
            if (h < 0) {
                break;
            }
            size = size * 16 + h;
            digits++;
            if (size > Integer.MAX_VALUE) {
                break;
            }
        }
        if (digits == 0) {
            if (len == 0) {
                return; // tolerate empty lines between chunks
            }
            conn.anomaly("http.invalid_chunk_size");
            state = ERROR;
            finish();
            return;
        }
        if (size == 0) {
            state = TRAILERS;
        } else {
            remaining = size;
            state = CHUNK_DATA;
        }
    }

    private void flushHeader() {
        if (pendingName == null) {
            return;
        }
        byte[] v = trimEnd(pendingValue.toArray());
        HttpTx.Header h = new HttpTx.Header(pendingName, v);
        pendingName = null;
        pendingValue = null;
        if (tx.requestHeaders.size() >= ResponseHeaders.MAX_HEADERS) {
            if (!headersCapped) {
                headersCapped = true;
                conn.anomaly("http.too_many_headers");
            }
            return; // bounded memory: a request keeps no more headers than a response
        }
        tx.requestHeaders.add(h);
        switch (h.nameString().toLowerCase(Locale.ROOT)) {
            case "host":
                if (tx.hostRaw == null) {
                    tx.hostRaw = v;
                    tx.host = HttpParser.normalizeHost(v);
                }
                break;
            case "user-agent": if (tx.userAgent == null) { tx.userAgent = v; } break;
            case "cookie": if (tx.cookie == null) { tx.cookie = v; } break;
            case "content-type": if (tx.requestContentType == null) { tx.requestContentType = v; } break;
            default:
        }
    }

    private void requestLine(byte[] l, int len) {
        tx = conn.newTx();
        tx.requestSeen = true;
        headersCapped = false;
        tx.requestLine = Arrays.copyOf(l, len);
        int s1 = indexOfSpace(l, 0, len);
        if (s1 < 0) {
            tx.method = tx.requestLine;
            conn.anomaly("http.request_line_invalid");
            tx.requestComplete = true;
            conn.updated(tx, true);
            return;
        }
        tx.method = Arrays.copyOf(l, s1);
        int us = s1;
        while (us < len && (l[us] == ' ' || l[us] == '\t')) {
            us++;
        }
        int s2 = len;
        while (s2 > us && l[s2 - 1] != ' ' && l[s2 - 1] != '\t') {
            s2--;
        }
        boolean hasProto = s2 > us && HttpParser.startsWith(l, s2, len, "HTTP/");
        int ue;
        if (hasProto) {
            tx.protocol = Arrays.copyOfRange(l, s2, len);
            ue = s2;
            while (ue > us && (l[ue - 1] == ' ' || l[ue - 1] == '\t')) {
                ue--;
            }
        } else {
            ue = len;
        }
        tx.uriRaw = Arrays.copyOfRange(l, us, ue);
        tx.uri = UriNormalizer.normalize(tx.uriRaw);
        if (!hasProto) {
            // HTTP/0.9: no headers, no body
            tx.requestComplete = true;
            conn.updated(tx, true);
            return;
        }
        state = HEADERS;
    }

    private void headersDone() {
        HttpTx t = tx;
        t.requestHeadersDone();
        byte[] te = HttpTx.find(t.requestHeaders, "transfer-encoding");
        byte[] cl = HttpTx.find(t.requestHeaders, "content-length");
        if (te != null && !"chunked".equalsIgnoreCase(new String(te, StandardCharsets.ISO_8859_1))) {
            // libhtp: a request T-E that is not exactly "chunked" ("chunked, chunked", "xchunked" …) is
            // invalid (request smuggling); the body is still framed by the chunked token as before
            t.addEvent(io.crowsnest.applayer.AppLayerEvents.HTTP_INVALID_TE_REQUEST);
            conn.anomaly(io.crowsnest.applayer.AppLayerEvents.HTTP_INVALID_TE_REQUEST);
        }
        if (te != null && HttpParser.hasToken(te, "chunked")) {
            state = CHUNK_SIZE;
        } else if (cl != null && HttpParser.parseLong(cl) > 0) {
            remaining = HttpParser.parseLong(cl);
            t.requestBody.expect(remaining);
            state = BODY_LENGTH;
        } else {
            finish();
            if (t.method != null && "CONNECT".equalsIgnoreCase(new String(t.method, StandardCharsets.ISO_8859_1))) {
                state = TUNNEL; // wait for the response; the tunnel starts after a 2xx
            }
            return;
        }
        conn.updated(t, true);
    }

    private void body(byte[] b, int off, int len) {
        if (len <= 0 || tx == null) {
            return;
        }
        tx.requestBody.append(b, off, len);
        conn.updated(tx, true);
    }

    private void finish() {
        if (tx != null) {
            tx.requestComplete = true;
            conn.updated(tx, true);
        }
        if (state != ERROR && state != TUNNEL) {
            state = LINE;
        }
    }

    void gap(long len) {
        if ((state == BODY_LENGTH || state == CHUNK_DATA) && len < remaining) {
            remaining -= len;
            return;
        }
        conn.anomaly("http.gap");
        if (tx != null && state != LINE) {
            finish();
        }
        state = ERROR;
    }

    void close() {
        if (state == HEADERS) {
            flushHeader();
        }
        if (state != LINE && state != ERROR && state != TUNNEL) {
            finish();
        }
    }

    private static byte[] trimEnd(byte[] v) {
        int e = v.length;
        while (e > 0 && (v[e - 1] == ' ' || v[e - 1] == '\t')) {
            e--;
        }
        return e == v.length ? v : Arrays.copyOf(v, e);
    }

    private static int indexOfSpace(byte[] l, int from, int len) {
        for (int i = from; i < len; i++) {
            if (l[i] == ' ' || l[i] == '\t') {
                return i;
            }
        }
        return -1;
    }
}
