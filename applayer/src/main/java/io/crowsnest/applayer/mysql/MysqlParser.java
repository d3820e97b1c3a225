package io.crowsnest.applayer.mysql;

import io.crowsnest.applayer.ByteBuf;
import io.crowsnest.applayer.Transaction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * MySQL/MariaDB client/server protocol of one connection, incremental and bounded. Every packet is a 3-byte
 * little-endian payload length, a sequence id and the payload. The server speaks first (Handshake v10, or
 * an ERR when it refuses the host); the client answers with a HandshakeResponse (user, database, plugin) or
 * an SSLRequest (then TLS: parsing stops); the server then sends OK, ERR, an AuthSwitchRequest (0xFE) or
 * AuthMoreData (0x01) rounds that belong to the same login transaction. After a successful login every
 * client packet with sequence id 0 is a command; its answer ends with OK, ERR, or a result set's final EOF
 * (the second one, or the first with CLIENT_DEPRECATE_EOF). Payloads are kept up to {@link #MAX_BODY}
 * bytes (rows never); compressed connections stop after the login.
 */
public final class MysqlParser {
    static final int MAX_TXS = 64;
    static final int MAX_BODY = 16 << 10;
    static final int CLIENT_CONNECT_WITH_DB = 0x8, CLIENT_COMPRESS = 0x20, CLIENT_PROTOCOL_41 = 0x200,
            CLIENT_SSL = 0x800, CLIENT_SECURE_CONNECTION = 0x8000, CLIENT_PLUGIN_AUTH = 0x80000,
            CLIENT_PLUGIN_AUTH_LENENC = 0x200000, CLIENT_DEPRECATE_EOF = 0x1000000,
            CLIENT_QUERY_ATTRIBUTES = 0x8000000;
    static final int COM_QUIT = 1, COM_QUERY = 3, COM_STMT_SEND_LONG_DATA = 0x18, COM_STMT_CLOSE = 0x19;

    private final BiConsumer<Transaction, Boolean> updated;
    private final Consumer<String> anomaly;
    private final ArrayDeque<MysqlTx> txs = new ArrayDeque<>();
    private final Dir client = new Dir(), server = new Dir();
    private int serverCaps, clientCaps;
    private boolean greeted, stopped;
    private MysqlTx login;
    /** Result-set progress of the command being answered: columns still to come, EOFs seen. */
    private long columnsLeft;
    private int eofs;
    private int nextId;

    private static final class Dir {
        final byte[] hdr = new byte[4];
        int hdrN;
        boolean inBody;
        int seq;
        long left;
        /** Payload length of the packet being read, and how much of it to keep. */
        int plen, keep;
        final ByteBuf body = new ByteBuf(64, MAX_BODY);
        boolean failed;
    }

    public MysqlParser(BiConsumer<Transaction, Boolean> updated, Consumer<String> anomaly) {
        this.updated = updated;
        this.anomaly = anomaly;
    }

    /** TLS or compression took over: nothing more is parsed. */
    public boolean stopped() {
        return stopped;
    }

    public void parse(boolean toServer, byte[] b, int off, int len) {
        Dir d = toServer ? client : server;
        int i = off, end = off + len;
        while (i < end && !stopped && !d.failed) {
            if (!d.inBody) {
                while (d.hdrN < 4 && i < end) {
                    d.hdr[d.hdrN++] = b[i++];
                }
                if (d.hdrN < 4) {
                    break;
                }
                d.hdrN = 0;
                d.plen = (d.hdr[0] & 0xFF) | ((d.hdr[1] & 0xFF) << 8) | ((d.hdr[2] & 0xFF) << 16);
                d.left = d.plen;
                // a result set's rows are counted, never kept: their first bytes tell EOF and ERR apart
                d.keep = !toServer && inRows() ? 512 : MAX_BODY;
                d.seq = d.hdr[3] & 0xFF;
                d.body.clear();
                d.inBody = true;
                if (!greeted && !toServer && (d.seq != 0 || d.plen == 0)) {
                    // nothing but the server's Handshake (or ERR), sequence 0, opens a connection
                    d.inBody = false;
                    d.failed = true;
                    anomaly.accept("mysql.invalid_handshake");
                    break;
                }
            }
            int take = (int) Math.min(d.left, end - i);
            d.body.append(b, i, Math.max(0, Math.min(take, d.keep - d.body.length())));
            i += take;
            d.left -= take;
            if (d.left == 0) {
                d.inBody = false;
                byte[] p = d.body.array();
                int n = d.body.length();
                if (toServer) {
                    clientPacket(d.seq, p, n);
                } else {
                    serverPacket(p, n, d.plen);
                }
            }
        }
    }

    private boolean inRows() {
        MysqlTx tx = login != null && login.done ? openCommand() : null;
        return tx != null && tx.columns >= 0 && columnsLeft == 0;
    }

    /** One server packet: {@code n} bytes kept of its {@code plen}. */
    private void serverPacket(byte[] p, int n, int plen) {
        if (n == 0) {
            return;
        }
        int h = p[0] & 0xFF;
        if (!greeted) {
            greeted = true;
            MysqlTx tx = login = add(new MysqlTx(MysqlTx.LOGIN));
            if (h == 10) {
                handshake(tx, p, n);
                updated.accept(tx, false);
            } else if (h == 0xFF) {
                error(tx, p, n);
                tx.done = true;
                updated.accept(tx, false);
            } else {
                server.failed = true;
                anomaly.accept("mysql.invalid_handshake");
            }
            return;
        }
        if (login != null && !login.done) {
            MysqlTx tx = login;
            if (h == 0x00) {
                tx.ok = tx.done = true;
                if ((clientCaps & serverCaps & CLIENT_COMPRESS) != 0) {
                    stopped = true; // the command phase is compressed: framing we do not follow
                }
            } else if (h == 0xFF) {
                error(tx, p, n);
                tx.done = true;
            } else if (h == 0xFE) {
                tx.authSwitches++;
                if (n > 1) {
                    tx.authPlugin = cstring(p, 1, n, 64);
                }
            }
            // 0x01 AuthMoreData (caching_sha2_password rounds): the same login goes on
            updated.accept(tx, false);
            return;
        }
        MysqlTx tx = openCommand();
        if (tx == null) {
            return;
        }
        if (tx.columns < 0) {
            // the first packet of the answer
            if (h == 0x00 || (h == 0xFE && plen < 0xFFFFFF && tx.command != COM_QUERY)) {
                tx.ok = true;
                int[] at = {1};
                tx.affectedRows = lenenc(p, at, n);
                finish(tx);
            } else if (h == 0xFF) {
                error(tx, p, n);
                finish(tx);
            } else if (h == 0xFB) {
                return; // LOCAL INFILE request: the client sends the file, then the server's OK/ERR
            } else if (tx.command != COM_QUERY) {
                finish(tx); // other commands' answers are not followed further
            } else {
                int[] at = {0};
                tx.columns = lenenc(p, at, n);
                columnsLeft = tx.columns;
                eofs = 0;
            }
            return;
        }
        if (columnsLeft > 0) {
            columnsLeft--;
            return;
        }
        boolean deprecateEof = (clientCaps & serverCaps & CLIENT_DEPRECATE_EOF) != 0;
        if (h == 0xFF) {
            error(tx, p, n);
            finish(tx);
        } else if (h == 0xFE && plen < 0xFFFFFF) {
            // a row never starts with 0xFE in a packet this short: it is the EOF (or the closing OK)
            if (deprecateEof || ++eofs == 2) {
                tx.ok = true;
                finish(tx);
            }
        } else {
            tx.rows++;
        }
    }

    private void finish(MysqlTx tx) {
        tx.done = true;
        columnsLeft = 0;
        updated.accept(tx, false);
    }

    private void clientPacket(int seq, byte[] p, int n) {
        MysqlTx l = login;
        if (l == null) {
            return;
        }
        if (!l.done) {
            if (seq == 1 && l.user == null && !l.tls) {
                handshakeResponse(l, p, n);
                updated.accept(l, true);
            }
            return; // auth switch responses and more-data rounds: opaque
        }
        if (!l.ok || seq != 0 || n == 0) {
            return;
        }
        int c = p[0] & 0xFF;
        if (c == COM_QUIT || c == COM_STMT_CLOSE || c == COM_STMT_SEND_LONG_DATA) {
            return; // no answer comes
        }
        MysqlTx tx = add(new MysqlTx(MysqlTx.COMMAND));
        tx.command = c;
        if (c == COM_QUERY) {
            int at = 1;
            if ((clientCaps & serverCaps & CLIENT_QUERY_ATTRIBUTES) != 0 && n >= 3 && p[1] == 0) {
                at = 3; // parameter count 0, parameter set count
            }
            tx.query = java.util.Arrays.copyOfRange(p, Math.min(at, n), n);
        }
        updated.accept(tx, true);
    }

    private void handshake(MysqlTx tx, byte[] p, int n) {
        tx.serverVersion = cstring(p, 1, n, 64);
        int i = skip(p, 1, n) + 4 + 8 + 1; // connection id, auth data part 1, filler
        if (i + 2 <= n) {
            serverCaps = u16(p, i);
        }
        i += 2 + 1 + 2; // capabilities (low), character set, status
        if (i + 2 <= n) {
            serverCaps |= u16(p, i) << 16;
        }
    }

    private void handshakeResponse(MysqlTx tx, byte[] p, int n) {
        if (n < 4) {
            anomaly.accept("mysql.invalid_handshake_response");
            return;
        }
        int caps = u16(p, 0) | (u16(p, 2) << 16);
        if ((caps & CLIENT_PROTOCOL_41) == 0) {
            // HandshakeResponse320: capabilities (2), max packet (3), user
            clientCaps = caps & 0xFFFF;
            tx.user = cstring(p, 5, n, 128);
            return;
        }
        clientCaps = caps;
        if (n == 32 && (caps & CLIENT_SSL) != 0) {
            tx.tls = true;
            stopped = true;
            return;
        }
        int i = 32; // capabilities, max packet size, character set, 23 reserved bytes
        if (i >= n) {
            anomaly.accept("mysql.invalid_handshake_response");
            return;
        }
        tx.user = cstring(p, i, n, 128);
        i = skip(p, i, n);
        // the auth response: skipped, never kept
        if ((caps & CLIENT_PLUGIN_AUTH_LENENC) != 0) {
            int[] at = {i};
            long l = lenenc(p, at, n);
            i = (int) Math.min(n, at[0] + Math.max(0, l));
        } else if ((caps & CLIENT_SECURE_CONNECTION) != 0) {
            i = i < n ? Math.min(n, i + 1 + (p[i] & 0xFF)) : n;
        } else {
            i = skip(p, i, n);
        }
        if ((caps & CLIENT_CONNECT_WITH_DB) != 0 && i < n) {
            tx.database = cstring(p, i, n, 128);
            i = skip(p, i, n);
        }
        if ((caps & CLIENT_PLUGIN_AUTH) != 0 && i < n) {
            tx.authPlugin = cstring(p, i, n, 64);
        }
    }

    /** ERR packet: 0xFF, code (2), with PROTOCOL_41 '#' + SQLSTATE (5), then the message. */
    private static void error(MysqlTx tx, byte[] p, int n) {
        tx.errorCode = n >= 3 ? u16(p, 1) : 0xFFFF;
        int i = 3;
        if (n >= 9 && p[3] == '#') {
            tx.sqlState = new String(p, 4, 5, StandardCharsets.ISO_8859_1);
            i = 9;
        }
        if (i < n) {
            tx.errorMessage = new String(p, i, Math.min(n - i, 512), StandardCharsets.UTF_8);
        }
    }

    private MysqlTx openCommand() {
        for (MysqlTx x : txs) {
            if (x.kind == MysqlTx.COMMAND && !x.done) {
                return x;
            }
        }
        return null;
    }

    private MysqlTx add(MysqlTx tx) {
        tx.id = nextId++;
        txs.addLast(tx);
        while (txs.size() > MAX_TXS) {
            txs.removeFirst();
        }
        return tx;
    }

    static int u16(byte[] b, int o) {
        return (b[o] & 0xFF) | ((b[o + 1] & 0xFF) << 8);
    }

    /** Length-encoded integer at {@code at[0]} (advanced past it); -1 when it does not fit. */
    static long lenenc(byte[] b, int[] at, int n) {
        int i = at[0];
        if (i >= n) {
            return -1;
        }
        int f = b[i] & 0xFF;
        int len = f < 0xFB ? 0 : f == 0xFC ? 2 : f == 0xFD ? 3 : f == 0xFE ? 8 : -1;
        if (len < 0 || i + 1 + len > n) {
            at[0] = n;
            return -1;
        }
        if (len == 0) {
            at[0] = i + 1;
            return f;
        }
        long v = 0;
        for (int k = len; k >= 1; k--) {
            v = (v << 8) | (b[i + k] & 0xFF);
        }
        at[0] = i + 1 + len;
        return v;
    }

    private static String cstring(byte[] b, int i, int n, int max) {
        int z = i;
        while (z < n && b[z] != 0) {
            z++;
        }
        return new String(b, i, Math.max(0, Math.min(z - i, max)), StandardCharsets.UTF_8);
    }

    private static int skip(byte[] b, int i, int n) {
        while (i < n && b[i] != 0) {
            i++;
        }
        return Math.min(n, i + 1);
    }
}
