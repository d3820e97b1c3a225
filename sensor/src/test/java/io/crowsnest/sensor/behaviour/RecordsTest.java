package io.crowsnest.sensor.behaviour;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.applayer.Transaction;
import io.crowsnest.applayer.ftp.FtpParser;
import io.crowsnest.applayer.mysql.MysqlParser;
import io.crowsnest.applayer.postgresql.PgsqlParser;
import io.crowsnest.behaviour.TxRecord;
import io.crowsnest.decoders.flow.Flow;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Transactions of the SQL and FTP parsers become the records the brute-force detector counts. */
class RecordsTest {
    static Flow flow(int serverPort) {
        Flow f = new Flow(1, 1);
        f.ipVersion = 4;
        f.clientLo = 0x0AF40205L; // 10.244.2.5
        f.serverLo = 0x0AF4010DL; // 10.244.1.13
        f.clientPort = 40000;
        f.serverPort = serverPort;
        return f;
    }

    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    @Test
    void ftpPassRejectedIsAFailedLoginAndUserPromptIsNoAttempt() {
        List<Transaction> txs = new ArrayList<>();
        FtpParser p = new FtpParser((tx, ts) -> { if (tx.complete() && !txs.contains(tx)) txs.add(tx); }, e -> { });
        String[][] conv = {{"s", "220 (vsFTPd 3.0.3)\r\n"}, {"c", "USER admin\r\n"}, {"s", "331 Please specify the password.\r\n"},
            {"c", "PASS admin7\r\n"}, {"s", "530 Login incorrect.\r\n"}};
        for (String[] m : conv) {
            byte[] b = m[1].getBytes(StandardCharsets.US_ASCII);
            p.parse(m[0].equals("c"), b, 0, b.length);
        }
        TxRecord user = Records.tx(txs.get(0), flow(21)), pass = Records.tx(txs.get(1), flow(21));
        assertEquals("ftp", user.proto);
        assertEquals("10.244.2.5", user.client);
        assertFalse(user.login);
        assertFalse(user.authFailure);
        assertEquals("PASS", pass.command);
        assertEquals(530, pass.status);
        assertTrue(pass.login && pass.authFailure && pass.error);
        assertEquals("530 Login incorrect.", pass.errorText);
    }

    @Test
    void pgsqlInvalidPasswordIsAFailedLogin() {
        List<Transaction> txs = new ArrayList<>();
        PgsqlParser p = new PgsqlParser((tx, ts) -> { if (tx.complete() && !txs.contains(tx)) txs.add(tx); }, e -> { });
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.writeBytes(bytes(0, 0, 0, 0, 0, 3, 0, 0));
        s.writeBytes("user\0postgres\0\0".getBytes(StandardCharsets.US_ASCII));
        byte[] startup = s.toByteArray();
        startup[3] = (byte) startup.length;
        p.parse(true, startup, 0, startup.length);
        byte[] body = "SFATAL\0C28P01\0Mpassword authentication failed for user \"postgres\"\0\0".getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        e.write('E');
        e.writeBytes(bytes(0, 0, 0, body.length + 4));
        e.writeBytes(body);
        p.parse(false, e.toByteArray(), 0, e.size());
        TxRecord r = Records.tx(txs.get(0), flow(5432));
        assertEquals("pgsql", r.proto);
        assertEquals("STARTUP", r.command);
        assertTrue(r.login && r.authFailure && r.error);
        assertEquals("28P01 password authentication failed for user \"postgres\"", r.errorText);
    }

    @Test
    void mysqlAccessDeniedIsAFailedLogin() {
        List<Transaction> txs = new ArrayList<>();
        MysqlParser p = new MysqlParser((tx, ts) -> { if (tx.complete() && !txs.contains(tx)) txs.add(tx); }, e -> { });
        byte[] greeting = bytes(10, 0, 0, 0, 10, '5', '.', '7', 0, 1, 0, 0, 0, 0);
        p.parse(false, greeting, 0, greeting.length);
        byte[] msg = "Access denied for user 'root'@'10.244.2.5' (using password: YES)".getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        err.writeBytes(bytes(9 + msg.length, 0, 0, 2, 0xFF, 0x15, 0x04, '#', '2', '8', '0', '0', '0'));
        err.writeBytes(msg);
        p.parse(false, err.toByteArray(), 0, err.size());
        TxRecord r = Records.tx(txs.get(0), flow(3306));
        assertEquals("mysql", r.proto);
        assertEquals("LOGIN", r.command);
        assertTrue(r.login && r.authFailure && r.error);
        assertTrue(r.errorText.startsWith("1045 #28000 Access denied"), r.errorText);
    }
}
