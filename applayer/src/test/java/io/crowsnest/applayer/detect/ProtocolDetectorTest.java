package io.crowsnest.applayer.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crowsnest.applayer.AppProto;
import org.junit.jupiter.api.Test;

class ProtocolDetectorTest {
    static int d(String s, boolean ts, int sp, int dp) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        return ProtocolDetector.detect(b, 0, b.length, ts, sp, dp);
    }

    @Test
    void fromBytesNotPorts() {
        assertEquals(AppProto.HTTP, d("GET / HTTP/1.1\r\n", true, 5000, 2375));
        assertEquals(AppProto.HTTP, d("HTTP/1.1 200 OK\r\n", false, 8080, 5000));
        assertEquals(ProtocolDetector.MORE, d("GE", true, 5000, 80));
        assertEquals(AppProto.TLS, d("\u0016\u0003\u0001\u0000\u00c8", true, 5000, 8443));
        assertEquals(AppProto.SSH, d("SSH-2.0-OpenSSH_9.6\r\n", false, 22, 5000));
        assertEquals(AppProto.REDIS, d("*2\r\n$4\r\nAUTH\r\n", true, 5000, 6380));
        assertEquals(AppProto.FAILED, d("\u0000\u0001binary-protocol-bytes", true, 5000, 9999));
    }

    static int d(byte[] b, boolean ts, int sp, int dp) {
        return ProtocolDetector.detect(b, 0, b.length, ts, sp, dp);
    }

    @Test
    void postgresFromTheStartupPacketOnAnyPort() {
        byte[] startup = {0, 0, 0, 23, 0, 3, 0, 0, 'u', 's', 'e', 'r', 0, 'p', 'o', 's', 't', 'g', 'r', 'e', 's', 0, 0};
        assertEquals(AppProto.PGSQL, d(startup, true, 40000, 5433));
        assertEquals(AppProto.PGSQL, d(new byte[] {0, 0, 0, 8, 4, (byte) 0xd2, 0x16, 0x2f}, true, 40000, 5432));
        assertEquals(AppProto.PGSQL, d(new byte[] {0, 0, 0, 8, 4, (byte) 0xd2, 0x16, 0x30}, true, 40000, 5432));
        assertEquals(ProtocolDetector.MORE, d(new byte[] {0, 0, 0, 8, 4}, true, 40000, 5432));
        assertEquals(AppProto.FAILED, d(new byte[] {0, 0, 0, 8, 0, 2, 0, 0}, true, 40000, 5432));
        assertEquals(AppProto.FAILED, d(new byte[] {0, 0, 0, 8, 4, (byte) 0xd2, 0x16, 0x2f}, false, 5432, 40000));
    }

    @Test
    void mysqlFromTheServerGreeting() {
        byte[] g = "....X5.5.5-10.11.19-MariaDB.".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        g[1] = g[2] = g[3] = g[g.length - 1] = 0;
        g[4] = 10; // protocol version
        g[0] = (byte) (g.length - 4);
        assertEquals(AppProto.MYSQL, d(g, false, 3307, 40000));
        assertEquals(ProtocolDetector.MORE, d(java.util.Arrays.copyOf(g, 5), false, 3307, 40000));
        byte[] err = {0x17, 0, 0, 0, (byte) 0xff, 0x6a, 0x04, 'H', 'o', 's', 't'};
        assertEquals(AppProto.MYSQL, d(err, false, 3306, 40000));
        assertEquals(AppProto.FAILED, d(err, false, 3307, 40000));
        assertEquals(AppProto.FAILED, d(g, true, 40000, 3306));
    }

    @Test
    void ftpFromTheBannerWithThePortAsAHint() {
        assertEquals(AppProto.FTP, d("220 (vsFTPd 3.0.3)\r\n", false, 2121, 40000));
        assertEquals(AppProto.FTP, d("220-Welcome\r\n", false, 21, 40000));
        assertEquals(AppProto.FTP, d("220 Service ready\r\n", false, 21, 40000));
        assertEquals(AppProto.FAILED, d("220 mail.example.org ESMTP Postfix\r\n", false, 25, 40000));
        assertEquals(ProtocolDetector.MORE, d("220 Pure-", false, 2121, 40000));
        assertEquals(AppProto.FTP, d("USER anonymous\r\n", true, 40000, 21));
        assertEquals(AppProto.FAILED, d("USER anonymous\r\n", true, 40000, 2121));
    }
}
