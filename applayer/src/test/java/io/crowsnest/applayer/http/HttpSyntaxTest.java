package io.crowsnest.applayer.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** libhtp's lenient number, line and token reading (see {@link HttpSyntax}, {@link ContentCodings}). */
class HttpSyntaxTest {
    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static long chunk(String s) {
        byte[] l = b(s);
        return HttpSyntax.parseChunkedLength(l, l.length);
    }

    @Test
    void chunkSizes() {
        assertEquals(0x1a, chunk("1a\r\n"));
        assertEquals(5, chunk("\r\n \t5;name=value\r\n"));
        assertEquals(5, chunk("5 junk"));
        assertEquals(HttpSyntax.CHUNK_LEN_EMPTY, chunk("\r\n"));
        assertEquals(-1, chunk("X5O!P%@A"));
        assertEquals(-1, chunk("80000000\r\n")); // over 2^31-1
        assertEquals(0x7fffffff, chunk("7fffffff\r\n"));
        assertEquals(-1, chunk("1000000000000000000000\r\n"));
        assertTrue(HttpSyntax.chunkLengthPlausible(4, 'X')); // too short to tell
        assertFalse(HttpSyntax.chunkLengthPlausible(8, 'X'));
        assertTrue(HttpSyntax.chunkLengthPlausible(9, '5'));
        assertTrue(HttpSyntax.chunkLengthPlausible(100, -1)); // line ends and blanks only
    }

    @Test
    void contentLengths() {
        assertEquals(68, HttpSyntax.parseContentLength(b("68")));
        assertEquals(34, HttpSyntax.parseContentLength(b("34 68")));
        assertEquals(68, HttpSyntax.parseContentLength(b("+68\n\r")));
        assertEquals(-1, HttpSyntax.parseContentLength(b("none")));
        assertEquals(-1, HttpSyntax.parseContentLength(b("9999999999999999999999")));
    }

    @Test
    void statusLinesAndBodies() {
        assertFalse(HttpSyntax.looksLikeBody(b("HTTP/1.1 200 ok"), 15));
        assertFalse(HttpSyntax.looksLikeBody(b("\0 \r\thttpfoo"), 11));
        assertTrue(HttpSyntax.looksLikeBody(b("SIP/2.0 200 ok"), 14));
        assertTrue(HttpSyntax.looksLikeBody(b(" htt"), 4));
        assertEquals(200, HttpSyntax.parseStatus(b("200")));
        assertEquals(-1, HttpSyntax.parseStatus(b("2000")));
        assertEquals(-1, HttpSyntax.parseStatus(b("20x")));
    }

    @Test
    void lineEnds() {
        assertTrue(HttpSyntax.isLineEmpty(b("\r\n"), 2));
        assertFalse(HttpSyntax.isLineEmpty(b("\r\r"), 2));
        assertFalse(HttpSyntax.isLineEmpty(b("\n\r"), 2));
        assertTrue(HttpSyntax.isTerminator(b(" \n"), 2, true));
        assertFalse(HttpSyntax.isTerminator(b(" \n"), 2, false));
        assertEquals(3, HttpSyntax.chomp(b("abc\r\n\n"), 6));
        assertEquals(4, HttpSyntax.chomp(b("abc\r"), 4));
    }

    @Test
    void nulBlindComparisons() {
        assertTrue(HttpSyntax.equalsNoCaseNoZero(b("G\0z\0IP"), "gzip"));
        assertFalse(HttpSyntax.equalsNoCaseNoZero(b("gzipx"), "gzip"));
        assertTrue(HttpSyntax.containsNoCaseNoZero(b("x, CHU\0NKED;"), "chunked"));
        assertFalse(HttpSyntax.containsNoCaseNoZero(b("chunke"), "chunked"));
    }

    @Test
    void contentCodingTokens() {
        boolean[] tooMany = new boolean[1];
        assertArrayEquals(new byte[] {ContentCodings.GZIP}, ContentCodings.layers(b("x-gz\0ip"), 3, tooMany));
        assertArrayEquals(new byte[] {ContentCodings.DEFLATE, ContentCodings.GZIP},
                ContentCodings.layers(b("deflate, identity gzip"), 3, tooMany));
        assertFalse(tooMany[0]);
        // unknown tokens count against the limit too
        assertArrayEquals(new byte[0], ContentCodings.layers(b("a, b, c, gzip"), 3, tooMany));
        assertTrue(tooMany[0]);
    }
}
