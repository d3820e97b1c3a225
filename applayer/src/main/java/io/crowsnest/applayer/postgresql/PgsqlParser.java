package io.crowsnest.applayer.postgresql;

import io.crowsnest.applayer.ByteBuf;
import io.crowsnest.applayer.Transaction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * PostgreSQL frontend/backend protocol v3 of one connection, incremental and bounded. The client's first
 * message has no type byte (StartupMessage, SSLRequest, GSSENCRequest, CancelRequest: length + code); every
 * later message in either direction is type + length (counting itself) + body. An SSLRequest is answered by
 * one bare byte; 'S' (or 'G' for GSS) means the rest is encrypted, so parsing stops there.
 *
 * <p>Transactions: the login (StartupMessage → AuthenticationOk, or → ErrorResponse), each simple Query
 * (→ ReadyForQuery, with its RowDescription/DataRow/CommandComplete/ErrorResponse), the encryption request
 * and a CancelRequest. Message bodies are kept up to {@link #MAX_BODY} bytes (DataRow and COPY data never);
 * the rest is skipped, so a large result costs no memory. Broken framing raises an anomaly and stops the
 * direction.
 */
public final class PgsqlParser {
    static final int MAX_TXS = 64;
    static final int MAX_BODY = 16 << 10;
    /** The server's own limit for a message (1 GB); anything longer is not PostgreSQL. */
    static final long MAX_MESSAGE = 1L << 30;
    static final int PROTOCOL_3 = 3 << 16, CANCEL_REQUEST = 80877102, SSL_REQUEST = 80877103,
            GSSENC_REQUEST = 80877104;
    private static final String FRONTEND_TYPES = "pQPBEDCHSXFdcf";
    private static final String BACKEND_TYPES = "RSKZENTDCI123nstAGHWVcdv";

    private final BiConsumer<Transaction, Boolean> updated;
    private final Consumer<String> anomaly;
    private final ArrayDeque<PgsqlTx> txs = new ArrayDeque<>();
    private final Dir client = new Dir(), server = new Dir();
    /** The client sent its StartupMessage: its later messages carry a type byte. */
    private boolean startupDone;
    /** An SSL/GSS request waits for the server's one-byte answer. */
    private PgsqlTx encRequest;
    /** TLS or GSS encryption was accepted: nothing more to read on this connection. */
    private boolean encrypted;
    private PgsqlTx login;
    private int nextId;

    /** Framing state of one direction. */
    private static final class Dir {
        final byte[] hdr = new byte[5];
        int hdrN;
        boolean inBody;
        byte type;
        long left;
        final ByteBuf body = new ByteBuf(64, MAX_BODY);
        boolean failed;
    }

    public PgsqlParser(BiConsumer<Transaction, Boolean> updated, Consumer<String> anomaly) {
        this.updated = updated;
        this.anomaly = anomaly;
    }

    /** Stopped for good: encryption took over. */
    public boolean encrypted() {
        return encrypted;
    }

    public void parse(boolean toServer, byte[] b, int off, int len) {
        Dir d = toServer ? client : server;
        int i = off, end = off + len;
        while (i < end && !encrypted && !d.failed) {
            if (!toServer && encRequest != null && !d.inBody && d.hdrN == 0) {
                if (encryptionReply(b[i])) {
                    i++;
                    continue;
                }
            }
            if (!d.inBody) {
                boolean untyped = toServer && !startupDone;
                int need = untyped ? 4 : 5;
                while (d.hdrN < need && i < end) {
                    d.hdr[d.hdrN++] = b[i++];
                }
                if (d.hdrN < need) {
                    break;
                }
                d.hdrN = 0;
                d.type = untyped ? 0 : d.hdr[0];
                long n = be32(d.hdr, need - 4) & 0xFFFFFFFFL;
                if (!untyped && (toServer ? FRONTEND_TYPES : BACKEND_TYPES).indexOf(d.type) < 0) {
                    fail(d, "pgsql.invalid_message_type");
                    break;
                }
                if (n < (untyped ? 8 : 4) || n > MAX_MESSAGE) {
                    fail(d, "pgsql.invalid_length");
                    break;
                }
                d.left = n - 4;
                d.body.clear();
                d.inBody = true;
            }
            int take = (int) Math.min(d.left, end - i);
            if (d.type != 'D' && d.type != 'd') {
                d.body.append(b, i, take);
            }
            i += take;
            d.left -= take;
            if (d.left == 0) {
                d.inBody = false;
                if (toServer) {
                    frontend(d.type, d.body.array(), d.body.length());
                } else {
                    backend(d.type, d.body.array(), d.body.length());
                }
            }
        }
    }

    private void fail(Dir d, String event) {
        d.failed = true;
        anomaly.accept(event);
    }

    /** The byte answering an SSL/GSS request; false when it is a regular message (an old server's 'E'). */
    private boolean encryptionReply(byte c) {
        PgsqlTx tx = encRequest;
        if (c == 'E') {
            encRequest = null;
            return false;
        }
        encRequest = null;
        if (c != 'S' && c != 'N' && c != 'G') {
            fail(server, "pgsql.invalid_ssl_response");
            return true;
        }
        tx.sslReply = c;
        encrypted = c != 'N';
        updated.accept(tx, false);
        return true;
    }

    private void frontend(byte type, byte[] b, int n) {
        switch (type) {
            case 0:
                untyped(b, n);
                break;
            case 'p':
                if (login != null && !login.complete()) {
                    login.passwordMessages++;
                    // SASLInitialResponse starts with the mechanism name; later 'p's are opaque SASL data
                    if (login.authType == 10 && login.saslMechanism == null) {
                        login.saslMechanism = cstring(b, 0, n, 64);
                    }
                    updated.accept(login, true);
                }
                break;
            case 'Q': {
                PgsqlTx tx = add(new PgsqlTx(PgsqlTx.QUERY));
                int z = 0;
                while (z < n && b[z] != 0) {
                    z++;
                }
                tx.query = java.util.Arrays.copyOf(b, z);
                updated.accept(tx, true);
                break;
            }
            default:
                // extended query protocol, COPY, Terminate: no transaction here
        }
    }

    private void untyped(byte[] b, int n) {
        int code = be32(b, 0);
        if (code == SSL_REQUEST || code == GSSENC_REQUEST) {
            PgsqlTx tx = add(new PgsqlTx(PgsqlTx.SSL));
            tx.gss = code == GSSENC_REQUEST;
            encRequest = tx;
            updated.accept(tx, true);
        } else if (code == CANCEL_REQUEST) {
            updated.accept(add(new PgsqlTx(PgsqlTx.CANCEL)), true);
        } else if ((code >>> 16) == 3) {
            startupDone = true;
            PgsqlTx tx = login = add(new PgsqlTx(PgsqlTx.STARTUP));
            tx.protocolVersion = (code >>> 16) + "." + (code & 0xFFFF);
            // name\0value\0 … \0
            int i = 4;
            while (i < n && b[i] != 0) {
                String k = cstring(b, i, n, 256);
                i = skip(b, i, n);
                String v = cstring(b, i, n, 256);
                i = skip(b, i, n);
                if ("user".equals(k)) {
                    tx.user = v;
                } else if ("database".equals(k)) {
                    tx.database = v;
                } else if ("application_name".equals(k)) {
                    tx.applicationName = v;
                }
            }
            if (tx.user == null) {
                anomaly.accept("pgsql.startup_without_user");
            }
            updated.accept(tx, true);
        } else {
            fail(client, "pgsql.invalid_startup");
        }
    }

    private void backend(byte type, byte[] b, int n) {
        switch (type) {
            case 'R': {
                PgsqlTx tx = login;
                if (tx == null || tx.complete() || n < 4) {
                    return;
                }
                int t = be32(b, 0);
                if (t == 0) {
                    tx.authOk = true;
                } else if (tx.authType < 0) {
                    tx.authType = t;
                }
                updated.accept(tx, false);
                break;
            }
            case 'E': {
                PgsqlTx tx = login != null && !login.complete() ? login : openQuery();
                if (tx == null) {
                    return;
                }
                tx.error = true;
                errorFields(tx, b, n);
                updated.accept(tx, false);
                break;
            }
            case 'T': {
                PgsqlTx tx = openQuery();
                if (tx != null && n >= 2) {
                    tx.fieldCount = ((b[0] & 0xFF) << 8) | (b[1] & 0xFF);
                }
                break;
            }
            case 'D': {
                PgsqlTx tx = openQuery();
                if (tx != null) {
                    tx.rows++;
                }
                break;
            }
            case 'C': {
                PgsqlTx tx = openQuery();
                if (tx != null) {
                    tx.commandTag = cstring(b, 0, n, 256);
                    updated.accept(tx, false);
                }
                break;
            }
            case 'Z': {
                PgsqlTx tx = openQuery();
                if (tx != null) {
                    tx.ready = true;
                    updated.accept(tx, false);
                }
                break;
            }
            default:
        }
    }

    /** ErrorResponse fields: a type byte, a C string, …, a terminating 0. */
    private static void errorFields(PgsqlTx tx, byte[] b, int n) {
        int i = 0;
        while (i < n && b[i] != 0) {
            byte f = b[i++];
            String v = cstring(b, i, n, 512);
            i = skip(b, i, n);
            switch (f) {
                case 'S': tx.severity = v; break;
                case 'V': tx.severityNonLocalized = v; break;
                case 'C': tx.code = v; break;
                case 'M': tx.message = v; break;
                default:
            }
        }
    }

    private PgsqlTx openQuery() {
        for (PgsqlTx x : txs) {
            if (x.kind == PgsqlTx.QUERY && !x.ready) {
                return x;
            }
        }
        return null;
    }

    private PgsqlTx add(PgsqlTx tx) {
        tx.id = nextId++;
        txs.addLast(tx);
        while (txs.size() > MAX_TXS) {
            txs.removeFirst();
        }
        return tx;
    }

    static int be32(byte[] b, int o) {
        return ((b[o] & 0xFF) << 24) | ((b[o + 1] & 0xFF) << 16) | ((b[o + 2] & 0xFF) << 8) | (b[o + 3] & 0xFF);
    }

    /** The C string at {@code b[i]} (up to {@code max} chars, UTF-8 as PostgreSQL sends it by default). */
    private static String cstring(byte[] b, int i, int n, int max) {
        int z = i;
        while (z < n && b[z] != 0) {
            z++;
        }
        return new String(b, i, Math.min(z - i, max), StandardCharsets.UTF_8);
    }

    private static int skip(byte[] b, int i, int n) {
        while (i < n && b[i] != 0) {
            i++;
        }
        return Math.min(n, i + 1);
    }
}
