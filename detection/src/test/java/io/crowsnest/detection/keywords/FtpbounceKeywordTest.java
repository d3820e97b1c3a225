package io.crowsnest.detection.keywords;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FtpbounceKeywordTest {
    static long ip(String arg) {
        return FtpbounceKeyword.portAddress(arg.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void portArgumentAddresses() {
        assertEquals(0xC0A80709L, ip("192,168,7,9,0,21"));
        assertEquals(0xC0A80709L, ip("  192,168,7,9,0,21"), "leading spaces");
        assertEquals(0x0A000001L, ip("10,0,0,1,4,1"));
        assertEquals(-1, ip("10,0,0,1"), "no port numbers: not a PORT argument");
        assertEquals(-1, ip("10,0,0"), "three numbers");
        assertEquals(-1, ip("256,0,0,1,0,21"));
        assertEquals(-1, ip("10,,0,1,0,21"));
        assertEquals(-1, ip("10.0.0.1,0,21"));
        assertEquals(-1, ip(""));
    }
}
