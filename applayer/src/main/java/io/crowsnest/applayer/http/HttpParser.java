package io.crowsnest.applayer.http;

import io.crowsnest.applayer.ByteBuf;
import io.crowsnest.applayer.Transaction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Incremental HTTP/1.x parser of one connection (both directions): request and status lines, headers
 * (with folding), Content-Length and chunked bodies, gzip/deflate Content-Encoding up to
 * {@link #MAX_ENCODING_LAYERS} nested layers, request/response pairing with pipelining, 1xx interim
 * responses, HEAD/204/304 without body, and Upgrade / CONNECT hand-off (parsing stops; the rest of the
 * connection is opaque). Bytes may arrive in any split. Lines, headers and bodies are bounded; what is cut
 * is counted as an anomaly, never an exception.
 */
public final class HttpParser {
    public static final int MAX_ENCODING_LAYERS = 3;
    public static final int DEFAULT_BODY_LIMIT = 1 << 20;
    static final int LINE_LIMIT = 16 << 10;
    static final int HEADER_LIMIT = 64 << 10;
    static final int MAX_TXS = 64;

    /** Told about each transaction that changed (so rules can be evaluated on it). */
    public interface Listener {
        void updated(Transaction tx, boolean toServer);

        default void anomaly(String event) {}
    }

    private final Listener listener;
    private final int bodyLimit;
    private final ArrayDeque<HttpTx> txs = new ArrayDeque<>();
    private int nextTxId;
    private final Half request = new Half(true), response = new Half(false);
    private final List<String> anomalies = new ArrayList<>();
    private boolean tunnel;

    public HttpParser(Listener listener) {
        this(listener, DEFAULT_BODY_LIMIT);
    }

    public HttpParser(Listener listener, int bodyLimit) {
        this.listener = listener;
        this.bodyLimit = bodyLimit;
    }

    /** Transactions still held (oldest first). */
    public Iterable<HttpTx> transactions() {
        return txs;
    }

    /** Parsing stopped after an Upgrade or CONNECT: the connection carries another protocol now. */
    public boolean tunnel() {
        return tunnel;
    }

    public List<String> anomalies() {
        return anomalies;
    }

    public void parse(boolean toServer, byte[] b, int off, int len) {
        (toServer ? request : response).feed(b, off, len);
    }

    public void gap(boolean toServer, long len) {
        (toServer ? request : response).gap(len);
    }

    public void close(boolean toServer) {
        (toServer ? request : response).close();
    }

    private void anomaly(String e) {
        if (anomalies.size() < 32) {
            anomalies.add(e);
        }
        listener.anomaly(e);
    }

    private HttpTx newTx() {
        // Completed transactions were inspected (and logged) on the packets that completed them:
        // drop them so a long keep-alive session holds only what is still in progress, not every
        // body it ever carried (memory grew to GBs on a busy capture before this).
        while (!txs.isEmpty() && txs.peekFirst().complete()) {
            txs.removeFirst();
        }
        HttpTx tx = new HttpTx(bodyLimit, HEADER_LIMIT);
        tx.id = nextTxId++;
        txs.addLast(tx);
        while (txs.size() > MAX_TXS) {
            txs.removeFirst();
        }
        return tx;
    }

    private HttpTx txForResponse() {
        for (HttpTx t : txs) {
            if (!t.responseSeen) {
                return t;
            }
        }
        HttpTx t = newTx(); // response without (seen) request
        t.requestComplete = true;
        return t;
    }

    private static final int LINE = 0, HEADERS = 1, BODY_LENGTH = 2, CHUNK_SIZE = 3, CHUNK_DATA = 4,
            CHUNK_END = 5, TRAILERS = 6, BODY_CLOSE = 7, TUNNEL = 8, ERROR = 9;

    /** One direction's state machine. */
    private final class Half {
        final boolean toServer;
        int state = LINE;
        final ByteBuf line = new ByteBuf(256, LINE_LIMIT);
        boolean lineOverflow;
        HttpTx tx;
        long remaining;
        byte[] pendingName;
        ByteBuf pendingValue;
        // body decoding chain
        ContentDecoder first;
        ContentDecoder[] layers;
        final byte[][] scratch = new byte[MAX_ENCODING_LAYERS][];

        Half(boolean toServer) {
            this.toServer = toServer;
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
                        if (state == LINE && !toServer && http09(b, p, nl < 0 ? end : nl)) {
                            continue;
                        }
                        if (nl < 0) {
                            appendLine(b, p, end - p);
                            if (state == HEADERS && tx != null) {
                                appendRawHeader(b, p, end - p);
                            }
                            return;
                        }
                        appendLine(b, p, nl - p);
                        if (state == HEADERS && tx != null) {
                            appendRawHeader(b, p, nl + 1 - p);
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
                            bodyDone();
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
                    case BODY_CLOSE:
                        body(b, p, end - p);
                        return;
                    default:
                        return; // TUNNEL / ERROR: opaque
                }
            }
        }

        /** A response that does not start like a status line is an HTTP/0.9 body (libhtp): read it until close. */
        boolean http09(byte[] b, int p, int e) {
            int have = line.length();
            int k = 0;
            for (int i = 0; i < have + (e - p) && k < 5; i++) {
                int c = i < have ? line.array()[i] : b[p + i - have];
                if (k == 0 && (c == '\r' || c == '\n' || c == ' ' || c == '\t')) {
                    continue;
                }
                if (Character.toUpperCase(c) != "HTTP/".charAt(k)) {
                    tx = txForResponse();
                    tx.responseSeen = true;
                    tx.responseProtocol = "HTTP/0.9".getBytes(StandardCharsets.ISO_8859_1);
                    anomaly("http.response_line_invalid");
                    state = BODY_CLOSE;
                    first = null;
                    layers = null;
                    if (have > 0) {
                        byte[] held = line.toArray();
                        line.clear();
                        body(held, 0, held.length);
                    }
                    return true;
                }
                k++;
            }
            return false;
        }

        void appendLine(byte[] b, int off, int len) {
            if (line.append(b, off, len) < len && !lineOverflow) {
                lineOverflow = true;
                anomaly(toServer ? "http.request_line_too_long" : "http.response_line_too_long");
            }
        }

        void appendRawHeader(byte[] b, int off, int len) {
            (toServer ? tx.requestHeaderRaw : tx.responseHeaderRaw).append(b, off, len);
        }

        void onLine(byte[] l, int len) {
            switch (state) {
                case LINE:
                    if (len == 0) {
                        return; // leading empty lines are tolerated
                    }
                    if (toServer) {
                        requestLine(l, len);
                    } else {
                        statusLine(l, len);
                    }
                    return;
                case HEADERS:
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
                        anomaly("http.invalid_header");
                        if (colon < 0) {
                            return;
                        }
                    }
                    int ne = colon;
                    while (ne > 0 && (l[ne - 1] == ' ' || l[ne - 1] == '\t')) {
                        ne--;
                    }
                    pendingName = java.util.Arrays.copyOf(l, ne);
                    pendingValue = new ByteBuf(Math.max(0, len - colon), LINE_LIMIT);
                    int vs = colon + 1;
                    while (vs < len && (l[vs] == ' ' || l[vs] == '\t')) {
                        vs++;
                    }
                    pendingValue.append(l, vs, len - vs);
                    return;
                case CHUNK_SIZE: {
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
                        anomaly("http.invalid_chunk_size");
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
                    return;
                }
                case CHUNK_END:
                    state = CHUNK_SIZE;
                    if (len > 0) {
                        onLine(l, len); // missing CRLF after the chunk: treat the line as the next size
                    }
                    return;
                case TRAILERS:
                    if (len == 0) {
                        bodyDone();
                    }
                    return;
                default:
            }
        }

        void flushHeader() {
            if (pendingName == null) {
                return;
            }
            byte[] v = trimEnd(pendingValue.toArray());
            HttpTx.Header h = new HttpTx.Header(pendingName, v);
            (toServer ? tx.requestHeaders : tx.responseHeaders).add(h);
            pendingName = null;
            pendingValue = null;
            String n = h.nameString().toLowerCase(Locale.ROOT);
            if (toServer) {
                switch (n) {
                    case "host":
                        if (tx.hostRaw == null) {
                            tx.hostRaw = v;
                            tx.host = normalizeHost(v);
                        }
                        break;
                    case "user-agent": if (tx.userAgent == null) { tx.userAgent = v; } break;
                    case "cookie": if (tx.cookie == null) { tx.cookie = v; } break;
                    case "content-type": if (tx.requestContentType == null) { tx.requestContentType = v; } break;
                    default:
                }
            } else {
                switch (n) {
                    case "content-type": if (tx.responseContentType == null) { tx.responseContentType = v; } break;
                    case "set-cookie": if (tx.responseCookie == null) { tx.responseCookie = v; } break;
                    default:
                }
            }
        }

        void requestLine(byte[] l, int len) {
            tx = newTx();
            tx.requestSeen = true;
            tx.requestLine = java.util.Arrays.copyOf(l, len);
            int s1 = indexOfSpace(l, 0, len);
            if (s1 < 0) {
                tx.method = tx.requestLine;
                anomaly("http.request_line_invalid");
                tx.requestComplete = true;
                listener.updated(tx, true);
                return;
            }
            tx.method = java.util.Arrays.copyOf(l, s1);
            int us = s1;
            while (us < len && (l[us] == ' ' || l[us] == '\t')) {
                us++;
            }
            int s2 = len;
            while (s2 > us && l[s2 - 1] != ' ' && l[s2 - 1] != '\t') {
                s2--;
            }
            boolean hasProto = s2 > us && startsWith(l, s2, len, "HTTP/");
            int ue;
            if (hasProto) {
                tx.protocol = java.util.Arrays.copyOfRange(l, s2, len);
                ue = s2;
                while (ue > us && (l[ue - 1] == ' ' || l[ue - 1] == '\t')) {
                    ue--;
                }
            } else {
                ue = len;
            }
            tx.uriRaw = java.util.Arrays.copyOfRange(l, us, ue);
            tx.uri = UriNormalizer.normalize(tx.uriRaw);
            if (!hasProto) {
                // HTTP/0.9: no headers, no body
                tx.requestComplete = true;
                listener.updated(tx, true);
                return;
            }
            state = HEADERS;
        }

        void statusLine(byte[] l, int len) {
            if (!startsWith(l, 0, len, "HTTP/")) {
                anomaly("http.response_line_invalid");
                tx = txForResponse();
                tx.responseSeen = true;
                state = BODY_CLOSE; // libhtp treats it as body of an HTTP/0.9 response
                body(l, 0, len);
                return;
            }
            tx = txForResponse();
            tx.responseSeen = true;
            tx.responseLine = java.util.Arrays.copyOf(l, len);
            tx.responseHeaders.clear();
            tx.responseHeaderRaw.clear();
            int s1 = indexOfSpace(l, 0, len);
            if (s1 < 0) {
                tx.responseProtocol = tx.responseLine;
            } else {
                tx.responseProtocol = java.util.Arrays.copyOf(l, s1);
                int cs = s1;
                while (cs < len && l[cs] == ' ') {
                    cs++;
                }
                int ce = cs;
                while (ce < len && l[ce] != ' ' && l[ce] != '\t') {
                    ce++;
                }
                tx.statCode = java.util.Arrays.copyOfRange(l, cs, ce);
                tx.status = parseInt(tx.statCode);
                int ms = ce;
                while (ms < len && (l[ms] == ' ' || l[ms] == '\t')) {
                    ms++;
                }
                tx.statMsg = java.util.Arrays.copyOfRange(l, ms, len);
            }
            state = HEADERS;
        }

        void headersDone() {
            HttpTx t = tx;
            List<HttpTx.Header> hs = toServer ? t.requestHeaders : t.responseHeaders;
            if (toServer) {
                t.requestHeadersDone();
            } else {
                t.responseHeadersDone();
            }
            byte[] te = HttpTx.find(hs, "transfer-encoding");
            byte[] cl = HttpTx.find(hs, "content-length");
            boolean chunked = te != null && hasToken(te, "chunked");
            if (!toServer && chunked && t.responseProtocol != null) {
                String rp = new String(t.responseProtocol, StandardCharsets.ISO_8859_1);
                if (rp.equals("HTTP/1.0") || rp.equals("HTTP/0.9")) {
                    chunked = false; // libhtp: no chunked transfer coding before HTTP/1.1
                }
            }
            setupDecoding(hs);
            if (!toServer) {
                int st = t.status;
                if (st >= 100 && st < 200 && st != 101) {
                    // interim response: the final one follows for the same request
                    t.responseSeen = false;
                    listener.updated(t, false);
                    state = LINE;
                    return;
                }
                if (st == 101 || (st >= 200 && st < 300 && t.method != null
                        && "CONNECT".equalsIgnoreCase(new String(t.method, StandardCharsets.ISO_8859_1)))) {
                    t.responseComplete = true;
                    listener.updated(t, false);
                    tunnel = true;
                    state = TUNNEL;
                    request.state = TUNNEL;
                    return;
                }
                boolean noBody = st == 204 || st == 304 || (t.method != null
                        && "HEAD".equalsIgnoreCase(new String(t.method, StandardCharsets.ISO_8859_1)));
                if (noBody) {
                    finish();
                    return;
                }
                if (chunked) {
                    state = CHUNK_SIZE;
                } else if (cl != null && parseLong(cl) >= 0) {
                    remaining = parseLong(cl);
                    state = BODY_LENGTH;
                    if (remaining == 0) {
                        finish();
                        return;
                    }
                } else {
                    state = BODY_CLOSE;
                }
                listener.updated(t, false);
                return;
            }
            if (chunked) {
                state = CHUNK_SIZE;
            } else if (cl != null && parseLong(cl) > 0) {
                remaining = parseLong(cl);
                state = BODY_LENGTH;
            } else {
                if (t.method != null && "CONNECT".equalsIgnoreCase(new String(t.method, StandardCharsets.ISO_8859_1))) {
                    finish();
                    state = TUNNEL; // wait for the response; the tunnel starts after a 2xx
                    return;
                }
                finish();
                return;
            }
            listener.updated(t, true);
        }

        void setupDecoding(List<HttpTx.Header> hs) {
            first = null;
            layers = null;
            if (toServer) {
                return; // request bodies are inspected as sent (Suricata does not decompress them by default)
            }
            List<Boolean> codings = new ArrayList<>();
            for (HttpTx.Header h : hs) {
                if (!"content-encoding".equalsIgnoreCase(h.nameString())) {
                    continue;
                }
                for (String c : h.valueString().split(",")) {
                    String v = c.trim().toLowerCase(Locale.ROOT);
                    if (v.contains("gzip")) {
                        codings.add(true);
                    } else if (v.contains("deflate")) {
                        codings.add(false);
                    }
                }
            }
            if (codings.isEmpty()) {
                return;
            }
            // the last coding listed was applied last: undo it first
            int n = Math.min(MAX_ENCODING_LAYERS, codings.size());
            layers = new ContentDecoder[n];
            ContentDecoder.Sink sink = this::accept;
            for (int i = 0; i < n; i++) {
                if (scratch[i] == null) {
                    scratch[i] = new byte[8192];
                }
                boolean gz = codings.get(codings.size() - n + i);
                ContentDecoder d = new ContentDecoder(gz, sink, scratch[i]);
                layers[i] = d;
                final ContentDecoder dd = d;
                sink = dd::feed;
            }
            first = layers[n - 1];
            if (codings.size() > MAX_ENCODING_LAYERS) {
                anomaly("http.too_many_encoding_layers");
            }
        }

        boolean accept(byte[] b, int off, int len) {
            ByteBuf body = toServer ? tx.requestBody : tx.responseBody;
            body.append(b, off, len);
            return !body.full();
        }

        void body(byte[] b, int off, int len) {
            if (len <= 0 || tx == null) {
                return;
            }
            if (!toServer) {
                tx.responseLength += len;
            }
            if (first != null) {
                first.feed(b, off, len);
            } else {
                accept(b, off, len);
            }
            listener.updated(tx, toServer);
        }

        void bodyDone() {
            finish();
        }

        void finish() {
            endDecoders();
            if (tx != null) {
                if (toServer) {
                    tx.requestComplete = true;
                } else {
                    tx.responseComplete = true;
                }
                listener.updated(tx, toServer);
            }
            if (state != ERROR && state != TUNNEL) {
                state = LINE;
            }
        }

        void endDecoders() {
            if (layers != null) {
                for (ContentDecoder d : layers) {
                    d.end();
                }
            }
            layers = null;
            first = null;
        }

        void gap(long len) {
            if (state == BODY_LENGTH || state == CHUNK_DATA) {
                if (len < remaining) {
                    remaining -= len;
                    return;
                }
            }
            if (state == BODY_CLOSE) {
                return;
            }
            anomaly("http.gap");
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
            endDecoders();
        }
    }

    static boolean hasToken(byte[] v, String token) {
        for (String t : new String(v, StandardCharsets.ISO_8859_1).split(",")) {
            if (t.trim().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    static byte[] normalizeHost(byte[] v) {
        String s = new String(v, StandardCharsets.ISO_8859_1).trim();
        if (s.startsWith("[")) {
            int e = s.indexOf(']');
            s = e > 0 ? s.substring(0, e + 1) : s;
        } else {
            int c = s.indexOf(':');
            if (c >= 0) {
                s = s.substring(0, c);
            }
        }
        while (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        return s.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] trimEnd(byte[] v) {
        int e = v.length;
        while (e > 0 && (v[e - 1] == ' ' || v[e - 1] == '\t')) {
            e--;
        }
        return e == v.length ? v : java.util.Arrays.copyOf(v, e);
    }

    private static int indexOfSpace(byte[] l, int from, int len) {
        for (int i = from; i < len; i++) {
            if (l[i] == ' ' || l[i] == '\t') {
                return i;
            }
        }
        return -1;
    }

    static boolean startsWith(byte[] l, int from, int len, String s) {
        if (len - from < s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.toUpperCase(l[from + i]) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int parseInt(byte[] b) {
        long v = parseLong(b);
        return v > Integer.MAX_VALUE ? -1 : (int) v;
    }

    static long parseLong(byte[] b) {
        long v = 0;
        int digits = 0;
        int i = 0;
        while (i < b.length && (b[i] == ' ' || b[i] == '\t')) {
            i++;
        }
        for (; i < b.length; i++) {
            int c = b[i];
            if (c < '0' || c > '9') {
                break;
            }
            v = v * 10 + (c - '0');
            if (++digits > 15) {
                return -1;
            }
        }
        while (i < b.length && (b[i] == ' ' || b[i] == '\t')) {
            i++;
        }
        return digits == 0 || i < b.length ? -1 : v;
    }
}
