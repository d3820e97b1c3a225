package io.crowsnest.applayer.http;

import io.crowsnest.applayer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The response direction of one HTTP/1.x connection, read the way libhtp (the parser Suricata inspects
 * HTTP with) reads it, so that a response-body rule sees what the reference engine sees when a server
 * sends what browsers accept and the RFC does not (the http-evader family of evasions):
 * <ul>
 * <li>lines end at LF, and also at a CR followed by neither LF nor CR; in headers "LF CR" ends a line too,
 * and a blank (SP/HT) line ends the block unless an LF follows;
 * <li>a line where the status line is due that does not start with "http" is skipped when the next line
 * starts with 'H' (or it is two bytes at most), else it is body and the next line is tried again;
 * <li>headers are assembled by {@link ResponseHeaders} (raw folding, NUL-blind names, joined repeats);
 * <li>Transfer-Encoding naming "chunked" anywhere (NULs ignored) means chunked, on HTTP/1.0 too; a chunk
 * size that is no hex number makes that line and the rest a body read until close; bytes after chunk data
 * are skipped up to the LF;
 * <li>Content-Length skips junk around the digits (none at all stops the direction); 101 with a body length
 * is no protocol switch, 1xx/204/304 with one have a body;
 * <li>after a body of known length, lines of that packet that are no status line still belong to the body.
 * </ul>
 * Where libhtp decides on the bytes it has so far (a CR or LF at the end of a packet, the two bytes after a
 * junk line), this parser waits for the next bytes and decides as libhtp does on the unsplit stream; libhtp
 * completing a response at the end of the packet that ended its body is kept.
 */
final class ResponseParser {
    private static final int LINE = 0, HEADERS = 1, BODY_LENGTH = 2, CHUNK_SIZE = 3, CHUNK_DATA = 4,
            CHUNK_END = 5, TRAILERS = 6, BODY_CLOSE = 7, TUNNEL = 8, ERROR = 9, AFTER_BODY = 10;
    /** Line lexer: in a line; after a CR; after a bare LF; eating the CR LF that follows "LF CR ... CR LF". */
    private static final int TEXT = 0, AFTER_CR = 1, AFTER_LF = 2, SKIP_CR = 3, SKIP_LF = 4;

    private final HttpParser conn;
    private int state = LINE;
    private int lex = TEXT;
    /** The previous header line ended "LF CR" (libhtp's lfcrending). */
    private boolean lfcr;
    private final ByteBuf line = new ByteBuf(256, HttpParser.LINE_LIMIT);
    private boolean lineOverflow;
    private final ResponseHeaders headers;
    private HttpTx tx;
    /** Some response is in progress on {@link #tx} (junk lines may come before its status line). */
    private boolean claimed;
    /** A line that is no status line, waiting for the bytes after it to decide whether it is skipped. */
    private byte[] junk;
    private int junkNext = -1;
    private long remaining;
    /** First byte of the chunk-size line that is no line end or blank, -1 while there is none. */
    private int chunkFirst = -1;
    private ContentDecoder first;
    private ContentDecoder[] layers;
    private final byte[][] scratch = new byte[HttpParser.MAX_ENCODING_LAYERS][];

    ResponseParser(HttpParser conn) {
        this.conn = conn;
        this.headers = new ResponseHeaders(conn::anomaly);
    }

    void feed(byte[] b, int off, int len) {
        int end = off + len;
        int p = off;
        while (p < end) {
            switch (state) {
                case LINE:
                    if (!claimed && line.length() == 0 && lex == TEXT && conn.nextResponseIsHttp09()) {
                        // an HTTP/0.9 request gets a bare body: no status line, no headers
                        claim();
                        state = BODY_CLOSE;
                        break;
                    }
                    p = statusLine(b, p, end);
                    break;
                case HEADERS:
                case TRAILERS: {
                    boolean headers = state == HEADERS;
                    int start = p;
                    p = headerLines(b, p, end);
                    if (headers) {
                        tx.responseHeaderRaw.append(b, start, p - start);
                    }
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
                case CHUNK_SIZE:
                    p = chunkSize(b, p, end);
                    break;
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
                case CHUNK_END:
                    // libhtp skips whatever follows the chunk data up to the next LF
                    while (p < end && b[p] != '\n') {
                        p++;
                    }
                    if (p < end) {
                        p++;
                        state = CHUNK_SIZE;
                    }
                    break;
                case AFTER_BODY:
                    p = afterBody(b, p, end);
                    break;
                case BODY_CLOSE:
                    body(b, p, end - p);
                    return;
                default:
                    return; // TUNNEL / ERROR: opaque
            }
        }
        if (state == AFTER_BODY && line.length() == 0) {
            complete(); // nothing followed the body in this chunk
        }
    }

    private void claim() {
        if (!claimed) {
            tx = conn.txForResponse();
            tx.responseSeen = true;
            claimed = true;
        }
    }

    private void append(int c) {
        if (line.full() && !lineOverflow) {
            lineOverflow = true;
            conn.anomaly("http.response_line_too_long");
        }
        line.append(c);
    }

    private void clearLine() {
        line.clear();
        lineOverflow = false;
        chunkFirst = -1;
    }

    // ---- status line ----

    private int statusLine(byte[] b, int p, int end) {
        for (int i = p; i < end; i++) {
            int c = b[i];
            if (junk != null) {
                if (junkNext < 0) {
                    junkNext = c;
                } else {
                    settleJunk(true); // two bytes after the junk line are known: decide as libhtp would
                }
            }
            if (lex == AFTER_CR) {
                lex = TEXT;
                if (c == '\n') {
                    append(c);
                    statusLineDone();
                    return i + 1;
                }
                statusLineDone(); // a CR alone ends the line
                return i;
            }
            append(c);
            if (c == '\n') {
                statusLineDone();
                return i + 1;
            }
            if (c == '\r') {
                lex = AFTER_CR;
            } else if (line.full()) {
                // far too long for a status line: body, read until close
                conn.anomaly("http.response_line_too_long");
                settleJunk(true);
                claim();
                byte[] l = line.toArray();
                clearLine();
                state = BODY_CLOSE;
                body(l, 0, l.length);
                return i + 1;
            }
        }
        return end;
    }

    /** A line where a status line is due. */
    private void statusLineDone() {
        byte[] l = line.array();
        int n = line.length();
        if (HttpSyntax.isLineEmpty(l, n)) {
            clearLine(); // empty lines before a response are ignored
            return;
        }
        int len = HttpSyntax.chomp(l, n);
        if (HttpSyntax.looksLikeBody(l, len)) {
            settleJunk(true);
            junk = line.toArray(); // skipped or body: libhtp decides by the two bytes that follow
            junkNext = -1;
            clearLine();
            return;
        }
        settleJunk(true);
        claim();
        parseStatusLine(l, len);
        clearLine();
        state = HEADERS;
        lfcr = false;
        headers.start(tx);
    }

    /**
     * A line that is no status line is skipped when at least two more bytes follow and the next starts
     * with 'H' or the junk is at most two bytes without its line ends; otherwise it is response body.
     */
    private void settleJunk(boolean more) {
        if (junk == null) {
            return;
        }
        byte[] j = junk;
        junk = null;
        if (more && (junkNext == 'H' || HttpSyntax.stripLineEnds(j, j.length) <= 2)) {
            conn.anomaly("http.response_line_ignored");
            return;
        }
        claim();
        conn.anomaly("http.response_line_invalid");
        body(j, 0, j.length);
    }

    /** libhtp's generic response line: protocol, status and message separated by white space. */
    private void parseStatusLine(byte[] l, int n) {
        tx.responseLine = Arrays.copyOf(l, n);
        tx.responseHeaders.clear();
        tx.responseHeaderRaw.clear();
        tx.responseProtocol = null;
        tx.statCode = null;
        tx.statMsg = null;
        tx.status = -1;
        int p = 0;
        while (p < n && (HttpSyntax.isSpace(l[p]) || l[p] == 0)) {
            p++;
        }
        int s = p;
        while (p < n && !HttpSyntax.isSpace(l[p])) {
            p++;
        }
        if (p == s) {
            return;
        }
        tx.responseProtocol = Arrays.copyOfRange(l, s, p);
        while (p < n && HttpSyntax.isSpace(l[p])) {
            p++;
        }
        s = p;
        while (p < n && !HttpSyntax.isSpace(l[p])) {
            p++;
        }
        if (p == s) {
            return;
        }
        tx.statCode = Arrays.copyOfRange(l, s, p);
        tx.status = HttpSyntax.parseStatus(tx.statCode);
        while (p < n && HttpSyntax.isSpace(l[p])) {
            p++;
        }
        tx.statMsg = Arrays.copyOfRange(l, p, n);
    }

    // ---- header and trailer lines ----

    /** Runs libhtp's header line lexer over {@code b[p, end)}; returns where the header block ended, or end. */
    private int headerLines(byte[] b, int p, int end) {
        int i = p;
        while (i < end) {
            int c = b[i];
            switch (lex) {
                case AFTER_CR:
                    if (c == '\n') {
                        append(c);
                        i++;
                        if (lfcr) {
                            lfcr = false;
                            lex = SKIP_CR; // "LF CR CR LF CR LF" is two line ends, not three
                            continue;
                        }
                        lex = TEXT;
                        if (headerLineDone(false)) {
                            return i;
                        }
                        continue;
                    }
                    if (c == '\r') {
                        append(c); // CR CR: the first one stays in the line
                        i++;
                        continue;
                    }
                    lex = TEXT; // a CR alone ends the line ...
                    lfcr = false;
                    if (line.length() < 2) {
                        continue; // ... unless it is all the line has
                    }
                    if (headerLineDone(false)) {
                        return i;
                    }
                    continue;
                case AFTER_LF:
                    lex = TEXT;
                    if (c == '\r') {
                        append(c); // LF CR ends a line as well
                        i++;
                        lfcr = true;
                        if (headerLineDone(false)) {
                            return i;
                        }
                        continue;
                    }
                    lfcr = false;
                    if (headerLineDone(c != '\n')) {
                        return i;
                    }
                    continue;
                case SKIP_CR:
                    if (c == '\r') {
                        i++;
                        lex = SKIP_LF;
                        continue;
                    }
                    lex = TEXT;
                    if (headerLineDone(false)) {
                        return i;
                    }
                    continue;
                case SKIP_LF:
                    lex = TEXT;
                    if (c == '\n') {
                        i++;
                        conn.anomaly("http.response_eol_mix");
                    }
                    if (headerLineDone(false)) {
                        return i;
                    }
                    continue;
                default:
                    append(c);
                    i++;
                    if (c == '\r') {
                        lex = AFTER_CR;
                    } else if (c == '\n') {
                        lex = AFTER_LF;
                    } else {
                        lfcr = false;
                    }
            }
        }
        return end;
    }

    /** One header (or trailer) line is complete; returns true when it ended the block. */
    private boolean headerLineDone(boolean nextNotLf) {
        byte[] l = line.array();
        int n = line.length();
        if (HttpSyntax.isTerminator(l, n, nextNotLf)) {
            clearLine();
            headers.end();
            if (state == HEADERS) {
                headersDone();
            } else {
                bodyDone();
            }
            return true;
        }
        headers.line(l, HttpSyntax.chomp(l, n));
        clearLine();
        return false;
    }

    /** libhtp's body determination after the response headers. */
    private void headersDone() {
        HttpTx t = tx;
        int st = t.status;
        byte[] te = t.responseHeader("transfer-encoding");
        byte[] cl = t.responseHeader("content-length");
        boolean connect = t.method != null && "CONNECT".equalsIgnoreCase(new String(t.method, StandardCharsets.ISO_8859_1));
        if ((connect && st >= 200 && st < 300) || (st == 101 && te == null && cl == null)) {
            t.responseComplete = true;
            conn.updated(t, false);
            claimed = false;
            state = TUNNEL;
            conn.startTunnel();
            return;
        }
        if (st == 101) {
            conn.anomaly("http.switching_protocol_with_body");
        } else if (st >= 100 && st < 200 && te == null && cl == null) {
            // interim response: the final one follows for the same request
            conn.updated(t, false);
            state = LINE;
            return;
        }
        boolean head = t.method != null && "HEAD".equalsIgnoreCase(new String(t.method, StandardCharsets.ISO_8859_1));
        if (head || ((st == 204 || st == 304) && te == null && cl == null)) {
            bodyDone();
            return;
        }
        setupDecoding(t.responseHeader("content-encoding"));
        if (te != null && HttpSyntax.containsNoCaseNoZero(te, "chunked")) {
            state = CHUNK_SIZE;
        } else if (cl != null) {
            long n = HttpSyntax.parseContentLength(cl);
            if (n < 0) {
                conn.anomaly("http.invalid_content_length");
                state = ERROR; // libhtp stops parsing the direction
                complete();
                return;
            }
            if (n == 0) {
                bodyDone();
                return;
            }
            remaining = n;
            if (first == null) {
                t.responseBody.expect(n);   // kept as it comes: the body's size is known (not after decoding)
            }
            state = BODY_LENGTH;
        } else {
            state = BODY_CLOSE;
        }
        conn.updated(t, false);
    }

    // ---- chunked body ----

    private int chunkSize(byte[] b, int p, int end) {
        for (int i = p; i < end; i++) {
            int c = b[i];
            if (chunkFirst < 0 && !HttpSyntax.isChunkCtl(c)) {
                chunkFirst = c & 0xFF;
            }
            append(c);
            if (c != '\n' && HttpSyntax.chunkLengthPlausible(line.length(), chunkFirst)) {
                continue;
            }
            if (chunkFirst < 0) {
                // only line ends and blanks so far: libhtp keeps reading (and skips them), so forget them
                clearLine();
                continue;
            }
            long n = HttpSyntax.parseChunkedLength(line.array(), line.length());
            if (n < 0) {
                // not chunked after all: this line and the rest are the body, until close
                conn.anomaly("http.invalid_chunk_size");
                byte[] held = line.toArray();
                clearLine();
                state = BODY_CLOSE;
                body(held, 0, held.length);
                return i + 1;
            }
            clearLine();
            if (n == 0) {
                state = TRAILERS;
                lex = TEXT;
                lfcr = false;
                headers.start(tx);
            } else {
                remaining = n;
                state = CHUNK_DATA;
            }
            return i + 1;
        }
        return end;
    }

    // ---- body ----

    private void setupDecoding(byte[] ce) {
        first = null;
        layers = null;
        if (ce == null) {
            return;
        }
        boolean[] tooMany = new boolean[1];
        byte[] codings = ContentCodings.layers(ce, HttpParser.MAX_ENCODING_LAYERS, tooMany);
        if (tooMany[0]) {
            conn.anomaly("http.too_many_encoding_layers");
        }
        int n = codings.length;
        if (n == 0) {
            return;
        }
        // the last coding listed was applied last: undo it first
        layers = new ContentDecoder[n];
        ContentDecoder.Sink sink = this::accept;
        for (int i = 0; i < n; i++) {
            if (scratch[i] == null) {
                scratch[i] = new byte[8192];
            }
            ContentDecoder d = new ContentDecoder(codings[i] == ContentCodings.GZIP, sink, scratch[i]);
            layers[i] = d;
            sink = d::feed;
        }
        first = layers[n - 1];
    }

    private boolean accept(byte[] b, int off, int len) {
        tx.responseBody.append(b, off, len);
        return !tx.responseBody.full();
    }

    private void body(byte[] b, int off, int len) {
        if (len <= 0 || tx == null) {
            return;
        }
        tx.responseLength += len;
        if (first != null) {
            first.feed(b, off, len);
        } else {
            accept(b, off, len);
        }
        conn.updated(tx, false);
    }

    /**
     * The body has its length. Like libhtp, look at what follows first: lines that do not look like a status
     * line still belong to this body (a Content-Length that was too short), up to the end of the chunk.
     */
    private void bodyDone() {
        state = AFTER_BODY;
        clearLine();
    }

    private int afterBody(byte[] b, int p, int end) {
        int carried = line.length();
        for (int i = p; i < end; i++) {
            append(b[i]);
            if (b[i] != '\n') {
                continue;
            }
            if (HttpSyntax.looksLikeBody(line.array(), line.length())) {
                conn.anomaly("http.response_body_unexpected");
                byte[] more = line.toArray();
                clearLine();
                body(more, 0, more.length);
                return i + 1;
            }
            // the next response: read the line again as its status line
            byte[] before = Arrays.copyOf(line.array(), carried);
            clearLine();
            complete();
            if (carried > 0) {
                statusLine(before, 0, carried);
            }
            return p;
        }
        return end;
    }

    private void complete() {
        endDecoders();
        if (tx != null) {
            tx.responseComplete = true;
            conn.updated(tx, false);
        }
        claimed = false;
        if (state != ERROR && state != TUNNEL) {
            state = LINE;
            lex = TEXT;
        }
    }

    private void endDecoders() {
        if (layers != null) {
            for (ContentDecoder d : layers) {
                d.end();
            }
        }
        layers = null;
        first = null;
    }

    void gap(long len) {
        if ((state == BODY_LENGTH || state == CHUNK_DATA) && len < remaining) {
            remaining -= len;
            return;
        }
        if (state == BODY_CLOSE) {
            return;
        }
        conn.anomaly("http.gap");
        if (claimed) {
            complete();
        }
        state = ERROR;
    }

    void close() {
        // libhtp takes the end of the stream as the end of a pending line
        if (state == LINE) {
            settleJunk(false);
            if (line.length() > 0) {
                lex = TEXT;
                statusLineDone();
                settleJunk(false);
            }
        } else if (state == AFTER_BODY && line.length() > 0 && HttpSyntax.looksLikeBody(line.array(), line.length())) {
            conn.anomaly("http.response_body_unexpected");
            byte[] more = line.toArray();
            clearLine();
            body(more, 0, more.length);
        }
        if (claimed && state != ERROR && state != TUNNEL) {
            complete();
        }
        endDecoders();
    }
}
