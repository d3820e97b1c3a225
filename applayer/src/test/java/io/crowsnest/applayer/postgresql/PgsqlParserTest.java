package io.crowsnest.applayer.postgresql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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

class PgsqlParserTest {
    /** One direction's bytes of a conversation. */
    record Seg(boolean toServer, byte[] b) { }

    static void u32(ByteArrayOutputStream o, int v) {
        o.write(v >>> 24);
        o.write(v >>> 16);
        o.write(v >>> 8);
        o.write(v);
    }

    static void cstr(ByteArrayOutputStream o, String s) {
        o.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        o.write(0);
    }

    static byte[] startup(String... kv) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        u32(body, 196608);
        for (String s : kv) {
            cstr(body, s);
        }
        body.write(0);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        u32(o, body.size() + 4);
        o.writeBytes(body.toByteArray());
        return o.toByteArray();
    }

    static byte[] untyped(int code) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        u32(o, 8);
        u32(o, code);
        return o.toByteArray();
    }

    static byte[] msg(char type, byte[] body) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(type);
        u32(o, body.length + 4);
        o.writeBytes(body);
        return o.toByteArray();
    }

    static byte[] auth(int type, String... mechs) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        u32(b, type);
        for (String m : mechs) {
            cstr(b, m);
        }
        if (mechs.length > 0) {
            b.write(0);
        }
        return msg('R', b.toByteArray());
    }

    static byte[] error(String sev, String code, String m) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write('S');
        cstr(b, sev);
        b.write('V');
        cstr(b, sev);
        b.write('C');
        cstr(b, code);
        b.write('M');
        cstr(b, m);
        b.write('F');
        cstr(b, "auth.c");
        b.write(0);
        return msg('E', b.toByteArray());
    }

    static byte[] cmsg(char type, String s) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        cstr(b, s);
        return msg(type, b.toByteArray());
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    /** psql against PostgreSQL 15 with a wrong password: SSLRequest refused, SCRAM, 28P01. */
    static List<Seg> failedScram() {
        ByteArrayOutputStream sasl = new ByteArrayOutputStream();
        cstr(sasl, "SCRAM-SHA-256");
        byte[] first = "n,,n=,r=Q2xpZW50Tm9uY2U=".getBytes(StandardCharsets.US_ASCII);
        u32(sasl, first.length);
        sasl.writeBytes(first);
        return List.of(
                new Seg(true, untyped(PgsqlParser.SSL_REQUEST)),
                new Seg(false, new byte[] {'N'}),
                new Seg(true, startup("user", "postgres", "database", "postgres", "application_name", "psql")),
                new Seg(false, auth(10, "SCRAM-SHA-256-PLUS", "SCRAM-SHA-256")),
                new Seg(true, msg('p', sasl.toByteArray())),
                new Seg(false, msg('R', cat(new byte[] {0, 0, 0, 11}, "r=abc,s=c2FsdA==,i=4096".getBytes()))),
                new Seg(true, msg('p', "c=biws,r=abc,p=SECRETPROOF".getBytes())),
                new Seg(false, error("FATAL", "28P01", "password authentication failed for user \"postgres\"")));
    }

    /** MD5 login that succeeds, then a simple query with two rows. */
    static List<Seg> md5LoginAndQuery() {
        ByteArrayOutputStream rd = new ByteArrayOutputStream();
        rd.write(0);
        rd.write(1);
        cstr(rd, "name");
        rd.writeBytes(new byte[18]);
        byte[] row = cat(new byte[] {0, 1, 0, 0, 0, 6}, "item 1".getBytes());
        return List.of(
                new Seg(true, startup("user", "shop", "database", "shop")),
                new Seg(false, msg('R', new byte[] {0, 0, 0, 5, 1, 2, 3, 4})),
                new Seg(true, cmsg('p', "md5d41d8cd98f00b204e9800998ecf8427e")),
                new Seg(false, cat(auth(0), msg('S', "server_version\u000015.18\u0000".getBytes()),
                        msg('K', new byte[8]), msg('Z', new byte[] {'I'}))),
                new Seg(true, cmsg('Q', "SELECT name FROM items WHERE id = 1")),
                new Seg(false, cat(msg('T', rd.toByteArray()), msg('D', row), msg('D', row),
                        cmsg('C', "SELECT 2"), msg('Z', new byte[] {'I'}))),
                new Seg(true, cmsg('Q', "SELECT nope")),
                new Seg(false, cat(error("ERROR", "42703", "column \"nope\" does not exist"), msg('Z', new byte[] {'I'}))),
                new Seg(true, msg('X', new byte[0])));
    }

    static final class Run {
        final Set<Transaction> txs = new LinkedHashSet<>();
        final List<String> anomalies = new ArrayList<>();
        final PgsqlParser p = new PgsqlParser((tx, ts) -> txs.add(tx), anomalies::add);

        List<PgsqlTx> list() {
            List<PgsqlTx> l = new ArrayList<>();
            for (Transaction t : txs) {
                l.add((PgsqlTx) t);
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
        List<PgsqlTx> l = r.list();
        assertEquals(2, l.size());
        PgsqlTx ssl = l.get(0), login = l.get(1);
        assertEquals(PgsqlTx.SSL, ssl.kind);
        assertEquals('N', ssl.sslReply);
        assertTrue(ssl.complete());
        assertEquals(PgsqlTx.STARTUP, login.kind);
        assertEquals("3.0", login.protocolVersion);
        assertEquals("postgres", login.user);
        assertEquals("postgres", login.database);
        assertEquals(10, login.authType);
        assertEquals("SCRAM-SHA-256", login.saslMechanism);
        assertEquals(2, login.passwordMessages);
        assertTrue(login.complete());
        assertFalse(login.authOk);
        assertEquals("28P01", login.code);
        assertEquals("FATAL", login.severity);
        assertTrue(login.authFailure());
        String eve = login.eve().toString();
        assertTrue(eve.contains("startup_parameters"), eve);
        assertTrue(eve.contains("code=28P01"), eve);
        assertFalse(eve.contains("SECRETPROOF"), eve);
    }

    @Test
    void failedScramLoginAtEveryByteBoundary() {
        List<Seg> c = failedScram();
        checkFailed(run(c, -1, 0));
        checkFailed(run(c, -2, 0));
        for (int s = 0; s < c.size(); s++) {
            for (int at = 0; at <= c.get(s).b().length; at++) {
                checkFailed(run(c, s, at));
            }
        }
    }

    static void checkQuery(Run r) {
        assertEquals(List.of(), r.anomalies);
        List<PgsqlTx> l = r.list();
        assertEquals(3, l.size());
        PgsqlTx login = l.get(0), q = l.get(1), bad = l.get(2);
        assertEquals(5, login.authType);
        assertTrue(login.authOk);
        assertFalse(login.authFailure());
        assertEquals(1, login.passwordMessages);
        assertEquals("SELECT name FROM items WHERE id = 1", new String(q.query, StandardCharsets.UTF_8));
        assertEquals(1, q.fieldCount);
        assertEquals(2, q.rows);
        assertEquals("SELECT 2", q.commandTag);
        assertTrue(q.complete());
        assertTrue(bad.error);
        assertEquals("42703", bad.code);
        assertFalse(bad.authFailure());
        assertTrue(bad.complete());
        assertFalse(login.eve().toString().contains("md5d41d8"));
        assertTrue(q.eve().toString().contains("command_completed=SELECT 2"));
    }

    @Test
    void md5LoginAndQueriesAtEveryByteBoundary() {
        List<Seg> c = md5LoginAndQuery();
        checkQuery(run(c, -1, 0));
        checkQuery(run(c, -2, 0));
        for (int s = 0; s < c.size(); s++) {
            for (int at = 0; at <= c.get(s).b().length; at++) {
                checkQuery(run(c, s, at));
            }
        }
    }

    @Test
    void acceptedSslStopsParsing() {
        Run r = new Run();
        byte[] req = untyped(PgsqlParser.SSL_REQUEST);
        r.p.parse(true, req, 0, req.length);
        r.p.parse(false, new byte[] {'S', 0x16, 3, 3, 0, 5}, 0, 6);
        byte[] hello = {0x16, 3, 1, 0, 5, 1, 0, 0, 1, 0};
        r.p.parse(true, hello, 0, hello.length);
        assertTrue(r.p.encrypted());
        assertEquals(1, r.list().size());
        assertEquals('S', r.list().get(0).sslReply);
        assertTrue(r.list().get(0).eve().toString().contains("ssl_accepted=true"));
        assertEquals(List.of(), r.anomalies);
    }

    @Test
    void truncatedLoginStaysOpen() {
        List<Seg> c = failedScram();
        Run r = new Run();
        for (int i = 0; i < c.size() - 1; i++) {
            r.p.parse(c.get(i).toServer(), c.get(i).b(), 0, c.get(i).b().length);
        }
        byte[] last = c.get(c.size() - 1).b();
        r.p.parse(false, last, 0, last.length / 2);
        PgsqlTx login = r.list().get(1);
        assertFalse(login.complete());
        assertNull(login.code);
        assertEquals(List.of(), r.anomalies);
    }

    @Test
    void garbageIsAnAnomalyNotAnException() {
        Run r = new Run();
        byte[] s = startup("user", "x");
        r.p.parse(true, s, 0, s.length);
        byte[] junk = "GET / HTTP/1.1\r\n".getBytes();
        r.p.parse(true, junk, 0, junk.length);
        r.p.parse(false, new byte[] {'R', 0, 0, 0, 1}, 0, 5); // length 1 < 4
        assertEquals(List.of("pgsql.invalid_message_type", "pgsql.invalid_length"), r.anomalies);
        r.p.parse(true, junk, 0, junk.length); // a failed direction stays quiet
        assertEquals(2, r.anomalies.size());

        Run bad = new Run();
        byte[] notStartup = {0, 0, 0, 8, 0, 9, 0, 0};
        bad.p.parse(true, notStartup, 0, notStartup.length);
        assertEquals(List.of("pgsql.invalid_startup"), bad.anomalies);

        Random rnd = new Random(7);
        for (int n = 0; n < 500; n++) {
            Run f = new Run();
            byte[] b = new byte[rnd.nextInt(200)];
            rnd.nextBytes(b);
            if (n % 2 == 0 && b.length > 8) {
                System.arraycopy(startup("user", "u"), 0, b, 0, 8);
            }
            f.p.parse(rnd.nextBoolean(), b, 0, b.length);
            f.p.parse(rnd.nextBoolean(), b, 0, b.length);
        }
    }
}
