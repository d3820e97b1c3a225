package io.crowsnest.applayer.ftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.applayer.Transaction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FtpParserTest {
    record Seg(boolean toServer, byte[] b) { }

    static Seg c(String s) {
        return new Seg(true, s.getBytes(StandardCharsets.UTF_8));
    }

    static Seg s(String s) {
        return new Seg(false, s.getBytes(StandardCharsets.UTF_8));
    }

    /** curl against vsftpd 3.0.3: a wrong password, then a good login and a download. */
    static List<Seg> session() {
        return List.of(
                s("220 (vsFTPd 3.0.3)\r\n"),
                c("USER admin\r\n"), s("331 Please specify the password.\r\n"),
                c("PASS hunter2\r\n"), s("530 Login incorrect.\r\n"),
                c("USER cn-ftp\r\n"), s("331 Please specify the password.\r\n"),
                c("PASS ftp-Sh0p-2026\r\n"), s("230 Login successful.\r\n"),
                c("FEAT\r\n"), s("211-Features:\r\n EPRT\r\n EPSV\r\n PASV\r\n211 End\r\n"),
                c("EPSV\r\n"), s("229 Entering Extended Passive Mode (|||30042|)\r\n"),
                c("RETR readme.txt\r\n"),
                s("150 Opening BINARY mode data connection for readme.txt (19 bytes).\r\n"),
                s("226 Transfer complete.\r\n"),
                c("QUIT\r\n"), s("221 Goodbye.\r\n"));
    }

    static final class Run {
        final Set<Transaction> txs = new LinkedHashSet<>();
        final List<String> anomalies = new ArrayList<>();
        final FtpParser p = new FtpParser((tx, ts) -> txs.add(tx), anomalies::add);

        List<FtpTx> list() {
            List<FtpTx> l = new ArrayList<>();
            for (Transaction t : txs) {
                l.add((FtpTx) t);
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

    static void check(Run r) {
        assertEquals(List.of(), r.anomalies);
        assertEquals("220 (vsFTPd 3.0.3)", r.p.banner());
        List<FtpTx> l = r.list();
        assertEquals(8, l.size());
        FtpTx user = l.get(0), pass = l.get(1), pass2 = l.get(3), feat = l.get(4), retr = l.get(6);
        assertEquals("USER", user.command);
        assertEquals("admin", new String(user.commandData, StandardCharsets.UTF_8));
        assertEquals(331, user.code);
        assertFalse(user.authFailure());
        assertEquals("PASS", pass.command);
        assertNull(pass.commandData);
        assertEquals(530, pass.code);
        assertTrue(pass.authFailure());
        assertEquals(List.of("Login incorrect."), pass.replies);
        assertEquals(230, pass2.code);
        assertFalse(pass2.authFailure());
        assertEquals(211, feat.code);
        assertEquals(5, feat.replies.size());
        assertEquals("End", feat.replies.get(4));
        assertEquals(List.of(150, 226), retr.codes);
        assertEquals(226, retr.code);
        for (FtpTx t : l) {
            assertTrue(t.complete());
            String eve = t.eve().toString();
            assertFalse(eve.contains("hunter2") || eve.contains("Sh0p"), eve);
        }
        assertEquals("{command=PASS, reply=[Login incorrect.], completion_code=[530], reply_received=yes}",
                pass.eve().toString());
    }

    @Test
    void sessionAtEveryByteBoundary() {
        List<Seg> c = session();
        check(run(c, -1, 0));
        check(run(c, -2, 0));
        for (int i = 0; i < c.size(); i++) {
            for (int at = 0; at <= c.get(i).b().length; at++) {
                check(run(c, i, at));
            }
        }
    }

    @Test
    void preliminaryReplyLeavesTheTransactionOpenAndTruncationIsQuiet() {
        Run r = run(List.of(s("220 ready\r\n"), c("RETR big.iso\r\n"), s("150 Opening\r\n"), s("226 Trans")), -1, 0);
        FtpTx t = r.list().get(0);
        assertFalse(t.complete());
        assertEquals(List.of(150), t.codes);
        assertEquals("no", t.eve().get("reply_received"));
        assertEquals(List.of(), r.anomalies);
    }

    @Test
    void authTlsStopsParsing() {
        Run r = run(List.of(s("220 ready\r\n"), c("AUTH TLS\r\n"), s("234 Proceed with negotiation.\r\n"),
                c("\u0016\u0003\u0001\u0000\u0005junk\r\nUSER x\r\n")), -1, 0);
        assertTrue(r.p.encrypted());
        assertEquals(1, r.list().size());
    }

    @Test
    void garbageIsAnAnomalyNotAnException() {
        Run r = run(List.of(s("220 ready\r\n"), c("\u0001\u0002\u0003 x\r\n"), s("hello\r\n"), c("USER a\r\n"),
                s("331 ok\r\n")), -1, 0);
        assertEquals(List.of("ftp.invalid_command", "ftp.invalid_reply"), r.anomalies);
        assertEquals(1, r.list().size());
        assertEquals(331, r.list().get(0).code);

        Run abort = run(List.of(c("\u00ff\u00f4\u00ff\u00f2ABOR\r\n"), s("226 ABOR successful.\r\n")), -1, 0);
        assertEquals(List.of(), abort.anomalies);

        Run longLine = new Run();
        byte[] b = ("USER " + "a".repeat(5000) + "\r\n").getBytes();
        longLine.p.parse(true, b, 0, b.length);
        assertEquals(List.of("ftp.request_line_too_long"), longLine.anomalies);
        assertEquals(FtpParser.MAX_ARG, longLine.list().get(0).commandData.length);

        Random rnd = new Random(3);
        for (int n = 0; n < 300; n++) {
            Run f = new Run();
            byte[] x = new byte[rnd.nextInt(400)];
            rnd.nextBytes(x);
            f.p.parse(rnd.nextBoolean(), x, 0, x.length);
            f.p.parse(rnd.nextBoolean(), x, 0, x.length);
        }
    }

    @Test
    void aFloodOfPreliminaryRepliesKeepsSixteenLinesAndTheCompletingOne() {
        List<Seg> conv = new ArrayList<>(List.of(s("220 ready\r\n"), c("RETR x\r\n")));
        for (int i = 0; i < 1000; i++) {
            conv.add(s("150 still opening " + i + "\r\n"));
        }
        conv.add(s("226 Transfer complete.\r\n"));
        FtpTx t = run(conv, -1, 0).list().get(0);
        assertEquals(226, t.code);
        assertEquals(FtpTx.MAX_REPLY_LINES, t.replies.size());
        assertEquals(FtpTx.MAX_REPLY_LINES, t.codes.size());
        assertEquals("Transfer complete.", t.replies.get(FtpTx.MAX_REPLY_LINES - 1));
        assertEquals(226, t.codes.get(FtpTx.MAX_REPLY_LINES - 1));
        assertEquals("still opening 0", t.replies.get(0));
    }
}
