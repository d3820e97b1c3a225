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
}
