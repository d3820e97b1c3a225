package io.crowsnest.applayer.http;

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
 * connection is opaque). Responses are read as libhtp reads them ({@link ResponseParser}). Bytes may arrive
 * in any split. Lines, headers and bodies are bounded; what is cut is counted as an anomaly, never an
 * exception.
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
    private final RequestParser request = new RequestParser(this);
    private final ResponseParser response = new ResponseParser(this);
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
        if (toServer) {
            request.feed(b, off, len);
        } else {
            response.feed(b, off, len);
        }
    }

    public void gap(boolean toServer, long len) {
        if (toServer) {
            request.gap(len);
        } else {
            response.gap(len);
        }
    }

    public void close(boolean toServer) {
        if (toServer) {
            request.close();
        } else {
            response.close();
        }
    }

    void updated(HttpTx tx, boolean toServer) {
        listener.updated(tx, toServer);
    }

    /** The response switched protocols (101, or 2xx to CONNECT): the rest of the connection is opaque. */
    void startTunnel() {
        tunnel = true;
        request.stop();
    }

    /** The request the next response answers was an HTTP/0.9 one: its response has no status line. */
    boolean nextResponseIsHttp09() {
        for (HttpTx t : txs) {
            if (!t.responseSeen) {
                return t.requestSeen && t.protocol == null && t.uriRaw != null;
            }
        }
        return false;
    }

    void anomaly(String e) {
        if (anomalies.size() < 32) {
            anomalies.add(e);
        }
        listener.anomaly(e);
    }

    HttpTx newTx() {
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

    HttpTx txForResponse() {
        for (HttpTx t : txs) {
            if (!t.responseSeen) {
                return t;
            }
        }
        HttpTx t = newTx(); // response without (seen) request
        t.requestComplete = true;
        return t;
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
