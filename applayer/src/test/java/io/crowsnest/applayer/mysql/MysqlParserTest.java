package io.crowsnest.applayer.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.applayer.Transaction;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MysqlParserTest {
    record Seg(boolean toServer, byte[] b) { }

    static final int CAPS = MysqlParser.CLIENT_PROTOCOL_41 | MysqlParser.CLIENT_SECURE_CONNECTION
            | MysqlParser.CLIENT_PLUGIN_AUTH | MysqlParser.CLIENT_PLUGIN_AUTH_LENENC | MysqlParser.CLIENT_CONNECT_WITH_DB
            | MysqlParser.CLIENT_SSL;

    static byte[] packet(int seq, byte[] payload) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(payload.length);
        o.write(payload.length >> 8);
        o.write(payload.length >> 16);
        o.write(seq);
        o.writeBytes(payload);
        return o.toByteArray();
    }

    static void le(ByteArrayOutputStream o, long v, int n) {
        for (int i = 0; i < n; i++) {
            o.write((int) (v >> (8 * i)));
        }
    }

    static void cstr(ByteArrayOutputStream o, String s) {
        o.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        o.write(0);
    }

    /** MariaDB 10.11's greeting. */
    static byte[] greeting(int caps) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(10);
        cstr(p, "5.5.5-10.11.19-MariaDB-0+deb12u1");
        le(p, 31, 4);
        p.writeBytes("abcdefgh".getBytes());
        p.write(0);
        le(p, caps & 0xFFFF, 2);
        p.write(45);
        le(p, 2, 2);
        le(p, caps >>> 16, 2);
        p.write(21);
        p.writeBytes(new byte[10]);
        p.writeBytes("ijklmnopqrst".getBytes());
        p.write(0);
        cstr(p, "mysql_native_password");
        return packet(0, p.toByteArray());
    }

    static byte[] response(String user, String db, byte[] auth) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        le(p, CAPS & ~MysqlParser.CLIENT_SSL, 4);
        le(p, 16 << 20, 4);
        p.write(45);
        p.writeBytes(new byte[23]);
        cstr(p, user);
        p.write(auth.length);
        p.writeBytes(auth);
        cstr(p, db);
        cstr(p, "mysql_native_password");
        return packet(1, p.toByteArray());
    }

    static byte[] err(int seq, int code, String state, String msg) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0xFF);
        le(p, code, 2);
        p.write('#');
        p.writeBytes(state.getBytes());
        p.writeBytes(msg.getBytes());
        return packet(seq, p.toByteArray());
    }

    static byte[] ok(int seq) {
        return packet(seq, new byte[] {0, 0, 0, 2, 0, 0, 0});
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    static final byte[] SECRET = "SECRETSCRAMBLE012345".getBytes();

    /** mariadb -u root -pwrong: greeting, response, auth switch round, 1045. */
    static List<Seg> failedLogin() {
        ByteArrayOutputStream sw = new ByteArrayOutputStream();
        sw.write(0xFE);
        cstr(sw, "mysql_native_password");
        sw.writeBytes("01234567890123456789".getBytes());
        sw.write(0);
        return List.of(
                new Seg(false, greeting(CAPS)),
                new Seg(true, response("root", "shop", SECRET)),
                new Seg(false, packet(2, sw.toByteArray())),
                new Seg(true, packet(3, SECRET)),
                new Seg(false, err(4, 1045, "28000", "Access denied for user 'root'@'10.244.2.5' (using password: YES)")));
    }

    static byte[] column() {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        for (String s : new String[] {"def", "shop", "items", "items", "name", "name"}) {
            p.write(s.length());
            p.writeBytes(s.getBytes());
        }
        p.write(0x0c);
        p.writeBytes(new byte[12]);
        return p.toByteArray();
    }

    static byte[] query(String q) {
        return packet(0, cat(new byte[] {MysqlParser.COM_QUERY}, q.getBytes()));
    }

    /** A good login, a SELECT with a result set (EOF style), an INSERT (OK) and a bad query (ERR). */
    static List<Seg> loginAndQueries() {
        byte[] eof = {(byte) 0xFE, 0, 0, 0x22, 0};
        return List.of(
                new Seg(false, greeting(CAPS)),
                new Seg(true, response("shop", "shop", SECRET)),
                new Seg(false, ok(2)),
                new Seg(true, query("SELECT name FROM items WHERE id = 1")),
                new Seg(false, cat(packet(1, new byte[] {1}), packet(2, column()), packet(3, eof),
                        packet(4, cat(new byte[] {6}, "item 1".getBytes())), packet(5, cat(new byte[] {6}, "item 2".getBytes())),
                        packet(6, eof))),
                new Seg(true, query("INSERT INTO items VALUES (99, 'x')")),
                new Seg(false, packet(1, new byte[] {0, 1, 0, 2, 0, 0, 0})),
                new Seg(true, query("SELEC 1")),
                new Seg(false, err(1, 1064, "42000", "You have an error in your SQL syntax")),
                new Seg(true, packet(0, new byte[] {MysqlParser.COM_QUIT})));
    }

    static final class Run {
        final Set<Transaction> txs = new LinkedHashSet<>();
        final List<String> anomalies = new ArrayList<>();
        final MysqlParser p = new MysqlParser((tx, ts) -> txs.add(tx), anomalies::add);

        List<MysqlTx> list() {
            List<MysqlTx> l = new ArrayList<>();
            for (Transaction t : txs) {
                l.add((MysqlTx) t);
            }
            return l;
        }
    }

    static Run run(List<Seg> conv, int splitSeg, int at) {
        Run r = new Run();
        for (int i = 0; i < conv.size(); i++) {
            byte[] b = conv.get(i).b();
            boolean ts = conv.get(i).toServer();
            if (i == splitSeg) {
                r.p.parse(ts, b, 0, at);
                r.p.parse(ts, b, at, b.length - at);
            } else if (splitSeg == -2) {
                for (int k = 0; k < b.length; k++) {
                    r.p.parse(ts, b, k, 1);
                }
            } else {
                r.p.parse(ts, b, 0, b.length);
            }
        }
        return r;
    }

    static void checkFailed(Run r) {
        assertEquals(List.of(), r.anomalies);
        List<MysqlTx> l = r.list();
        assertEquals(1, l.size());
        MysqlTx t = l.get(0);
        assertEquals(MysqlTx.LOGIN, t.kind);
        assertEquals("5.5.5-10.11.19-MariaDB-0+deb12u1", t.serverVersion);
        assertEquals("root", t.user);
        assertEquals("shop", t.database);
        assertEquals(1, t.authSwitches);
        assertTrue(t.complete());
        assertEquals(1045, t.errorCode);
        assertEquals("28000", t.sqlState);
        assertTrue(t.authFailure());
        String eve = t.eve().toString();
        assertTrue(eve.contains("error_code=1045"), eve);
        assertFalse(eve.contains("SECRET"), eve);
    }

    @Test
    void failedLoginWithAuthSwitchAtEveryByteBoundary() {
        List<Seg> c = failedLogin();
        checkFailed(run(c, -1, 0));
        checkFailed(run(c, -2, 0));
        for (int s = 0; s < c.size(); s++) {
            for (int at = 0; at <= c.get(s).b().length; at++) {
                checkFailed(run(c, s, at));
            }
        }
    }

    static void checkQueries(Run r) {
        assertEquals(List.of(), r.anomalies);
        List<MysqlTx> l = r.list();
        assertEquals(4, l.size());
        MysqlTx login = l.get(0), sel = l.get(1), ins = l.get(2), bad = l.get(3);
        assertTrue(login.ok);
        assertFalse(login.authFailure());
        assertEquals("SELECT name FROM items WHERE id = 1", new String(sel.query, StandardCharsets.UTF_8));
        assertEquals(1, sel.columns);
        assertEquals(2, sel.rows);
        assertTrue(sel.complete());
        assertEquals(1, ins.affectedRows);
        assertTrue(ins.complete());
        assertEquals(1064, bad.errorCode);
        assertFalse(bad.authFailure());
        assertTrue(bad.complete());
        assertTrue(sel.eve().toString().contains("command=SELECT name"), sel.eve().toString());
    }

    @Test
    void queriesAtEveryByteBoundary() {
        List<Seg> c = loginAndQueries();
        checkQueries(run(c, -1, 0));
        checkQueries(run(c, -2, 0));
        for (int s = 0; s < c.size(); s++) {
            for (int at = 0; at <= c.get(s).b().length; at++) {
                checkQueries(run(c, s, at));
            }
        }
    }

    @Test
    void deprecateEofEndsAtTheFirstFe() {
        int caps = CAPS | MysqlParser.CLIENT_DEPRECATE_EOF;
        Run r = new Run();
        byte[] g = greeting(caps);
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        le(p, caps & ~MysqlParser.CLIENT_SSL, 4);
        le(p, 1 << 24, 4);
        p.write(45);
        p.writeBytes(new byte[23]);
        cstr(p, "shop");
        p.write(0);
        cstr(p, "shop");
        cstr(p, "mysql_native_password");
        byte[] resp = packet(1, p.toByteArray());
        byte[] q = query("SELECT 1");
        byte[] answer = cat(packet(1, new byte[] {1}), packet(2, column()), packet(3, new byte[] {1, '1'}),
                packet(4, new byte[] {(byte) 0xFE, 0, 0, 2, 0, 0, 0}));
        r.p.parse(false, g, 0, g.length);
        r.p.parse(true, resp, 0, resp.length);
        byte[] okp = ok(2);
        r.p.parse(false, okp, 0, okp.length);
        r.p.parse(true, q, 0, q.length);
        r.p.parse(false, answer, 0, answer.length);
        MysqlTx sel = r.list().get(1);
        assertTrue(sel.complete());
        assertEquals(1, sel.rows);
    }

    @Test
    void sslRequestStopsParsing() {
        Run r = new Run();
        byte[] g = greeting(CAPS);
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        le(p, CAPS, 4);
        le(p, 1 << 24, 4);
        p.write(45);
        p.writeBytes(new byte[23]);
        byte[] ssl = packet(1, p.toByteArray());
        r.p.parse(false, g, 0, g.length);
        r.p.parse(true, ssl, 0, ssl.length);
        byte[] hello = {0x16, 3, 1, 0, 5, 1, 0, 0, 1, 0};
        r.p.parse(true, hello, 0, hello.length);
        assertTrue(r.p.stopped());
        assertTrue(r.list().get(0).tls);
        assertEquals(List.of(), r.anomalies);
    }

    @Test
    void refusedHostGetsAnErrAsGreeting() {
        Run r = new Run();
        byte[] e = err(0, 1130, "HY000", "Host '10.244.2.5' is not allowed to connect to this MariaDB server");
        r.p.parse(false, e, 0, e.length);
        MysqlTx t = r.list().get(0);
        assertTrue(t.complete());
        assertEquals(1130, t.errorCode);
        assertFalse(t.authFailure());
    }

    @Test
    void truncatedAndGarbage() {
        List<Seg> c = failedLogin();
        Run r = new Run();
        for (int i = 0; i < c.size() - 1; i++) {
            r.p.parse(c.get(i).toServer(), c.get(i).b(), 0, c.get(i).b().length);
        }
        byte[] last = c.get(c.size() - 1).b();
        r.p.parse(false, last, 0, last.length - 3);
        assertFalse(r.list().get(0).complete());
        assertEquals(List.of(), r.anomalies);

        Run g = new Run();
        byte[] junk = "220 (vsFTPd 3.0.3)\r\n".getBytes();
        g.p.parse(false, junk, 0, junk.length);
        assertEquals(List.of("mysql.invalid_handshake"), g.anomalies);
        assertEquals(0, g.list().size());

        Random rnd = new Random(11);
        for (int n = 0; n < 500; n++) {
            Run f = new Run();
            byte[] gr = greeting(CAPS);
            f.p.parse(false, gr, 0, gr.length);
            byte[] b = new byte[rnd.nextInt(300)];
            rnd.nextBytes(b);
            f.p.parse(rnd.nextBoolean(), b, 0, b.length);
            f.p.parse(rnd.nextBoolean(), b, 0, b.length);
        }
    }
}
