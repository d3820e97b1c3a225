package io.crowsnest.decoders.checksum;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crowsnest.decoders.TestFrames;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InternetChecksumTest {
    @Test
    void rfc1071Example() {
        byte[] b = TestFrames.bytes("0001f203f4f5f6f7");
        assertEquals(0x220d, InternetChecksum.compute(b, 0, b.length));
    }

    @Test
    void oddLengthPadsWithZero() {
        byte[] odd = TestFrames.bytes("0001f203f4f5f6f7ab");
        byte[] even = TestFrames.bytes("0001f203f4f5f6f7ab00");
        assertEquals(InternetChecksum.compute(even, 0, even.length), InternetChecksum.compute(odd, 0, odd.length));
    }

    @Test
    void realIpv4HeaderSumsToZero() {
        byte[] ip = TestFrames.bytes(TestFrames.RAW_V4_DNS);
        assertEquals(0, InternetChecksum.compute(ip, 0, 20));
    }

    @Test
    void unrolledLoopMatchesNaiveSum() {
        Random r = new Random(7);
        for (int n = 0; n < 500; n++) {
            byte[] b = new byte[r.nextInt(100)];
            r.nextBytes(b);
            int off = b.length == 0 ? 0 : r.nextInt(b.length);
            int len = b.length - off;
            long naive = 0;
            for (int i = 0; i < len; i += 2) {
                naive += ((b[off + i] & 0xff) << 8) | (i + 1 < len ? b[off + i + 1] & 0xff : 0);
            }
            assertEquals(InternetChecksum.finish(naive), InternetChecksum.compute(b, off, len));
        }
    }
}
