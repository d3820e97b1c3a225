package io.crowsnest.applayer.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.applayer.Buf;
import io.crowsnest.applayer.Slice;
import io.crowsnest.applayer.Transaction;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class HttpParserTest {
    final HttpParser parser = new HttpParser((tx, ts) -> { });

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static void feed(HttpParser p, boolean ts, String s) {
        byte[] x = b(s);
        p.parse(ts, x, 0, x.length);
    }

    void byteByByte(boolean toServer, byte[] data) {
        for (int i = 0; i < data.length; i++) {
            parser.parse(toServer, data, i, 1);
        }
    }

    List<HttpTx> txs() {
        List<HttpTx> l = new ArrayList<>();
        parser.transactions().forEach(l::add);
        return l;
    }

    static String buf(Transaction tx, int id, boolean ts) {
        Slice s = new Slice();
        return tx.buffer(id, ts, 0, s) ? s.toString() : null;
    }

    static byte[] gzip(byte[] in) throws Exception {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(o)) {
            g.write(in);
        }
        return o.toByteArray();
    }

    static byte[] deflate(byte[] in) throws Exception {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (DeflaterOutputStream g = new DeflaterOutputStream(o)) {
            g.write(in);
        }
        return o.toByteArray();
    }

    @Test
    void requestPiecesPipeliningAndNormalization() {
        byteByByte(true, b("GET /a/./b/../c%2Fd?q=%41 HTTP/1.1\r\nHost: WWW.Example.com:8080\r\nUser-Agent: t\r\n"
                + " folded\r\nCookie: k=v\r\n\r\nPOST /up HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"));
        List<HttpTx> t = txs();
        assertEquals(2, t.size());
        assertEquals("/a/c/d?q=A", buf(t.get(0), Buf.HTTP_URI, true));
        assertEquals("/a/./b/../c%2Fd?q=%41", buf(t.get(0), Buf.HTTP_URI_RAW, true));
        assertEquals("www.example.com", buf(t.get(0), Buf.HTTP_HOST, true));
        assertEquals("WWW.Example.com:8080", buf(t.get(0), Buf.HTTP_HOST_RAW, true));
        assertEquals("t folded", buf(t.get(0), Buf.HTTP_USER_AGENT, true));
        assertEquals("k=v", buf(t.get(0), Buf.HTTP_COOKIE, true));
        assertTrue(buf(t.get(0), Buf.HTTP_HEADER, true).contains("Host: WWW.Example.com:8080\r\n"));
        assertEquals("POST", buf(t.get(1), Buf.HTTP_METHOD, true));
        assertEquals("hello", buf(t.get(1), Buf.HTTP_REQUEST_BODY, true));
        // responses pair with requests in order
        byteByByte(false, b("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 201 Created\r\n"
                + "Content-Length: 0\r\n\r\n"));
        assertEquals("200", buf(t.get(0), Buf.HTTP_STAT_CODE, false));
        assertEquals("ok", buf(t.get(0), Buf.FILE_DATA, false));
        assertEquals("Created", buf(t.get(1), Buf.HTTP_STAT_MSG, false));
        assertTrue(t.get(1).complete());
    }

    @Test
    void chunkedGzipAndNestedEncodings() throws Exception {
        feed(parser, true, "GET / HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\n\r\n");
        byte[] body = gzip(b("the quick brown fox"));
        ByteArrayOutputStream r = new ByteArrayOutputStream();
        r.write(b("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"));
        r.write(b(Integer.toHexString(5) + "\r\n"));
        r.write(body, 0, 5);
        r.write(b("\r\n" + Integer.toHexString(body.length - 5) + ";ext=1\r\n"));
        r.write(body, 5, body.length - 5);
        r.write(b("\r\n0\r\n\r\n"));
        byte[] nested = gzip(deflate(b("nested body")));
        r.write(b("HTTP/1.1 200 OK\r\nContent-Encoding: deflate, gzip\r\nContent-Length: " + nested.length + "\r\n\r\n"));
        r.write(nested);
        // claims gzip but is not compressed: passed through as is (libhtp)
        r.write(b("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 5\r\n\r\nplain"));
        byteByByte(false, r.toByteArray());
        List<HttpTx> t = txs();
        assertEquals("the quick brown fox", buf(t.get(0), Buf.HTTP_RESPONSE_BODY, false));
        assertEquals("nested body", buf(t.get(1), Buf.FILE_DATA, false));
        assertEquals("plain", buf(t.get(2), Buf.FILE_DATA, false));
    }

    @Test
    void upgradeStopsParsingAndBodyUntilClose() {
        feed(parser, true, "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n");
        byte[] resp = b("HTTP/1.1 101 Switching\r\nUpgrade: websocket\r\n\r\n\u0081\u0005hello");
        parser.parse(false, resp, 0, resp.length);
        assertTrue(parser.tunnel());
        assertEquals(1, txs().size());
        HttpParser p2 = new HttpParser((tx, ts) -> { });
        feed(p2, true, "GET / HTTP/1.0\r\n\r\n");
        feed(p2, false, "HTTP/1.0 200 OK\r\n\r\nuntil close");
        p2.close(false);
        HttpTx tx = p2.transactions().iterator().next();
        assertEquals("until close", buf(tx, Buf.FILE_DATA, false));
        assertTrue(tx.responseComplete);
    }

    @Test
    void limitsHoldOnHugeLinesAndBodies() {
        HttpParser p = new HttpParser((tx, ts) -> { }, 1000);
        byte[] big = new byte[100_000];
        java.util.Arrays.fill(big, (byte) 'a');
        feed(p, true, "GET / HTTP/1.1\r\nContent-Length: 100000\r\n\r\n");
        p.parse(true, big, 0, big.length);
        assertEquals(1000, p.transactions().iterator().next().requestBody.length());
        p.parse(true, big, 0, big.length); // a 100 KB "request line"
        assertTrue(p.anomalies().contains("http.request_line_too_long"));
    }

    @Test
    void httpStartIsTheLineAndHeadersOnceTheyAreCompleteAndAcceptHeadersAreBuffers() {
        feed(parser, true, "GET / HTTP/1.1\r\nHost: google.com\r\nAccept-Encoding: gzip\r\n");
        HttpTx tx = txs().get(0);
        assertEquals(null, buf(tx, Buf.HTTP_START, true), "headers not complete yet");
        feed(parser, true, "Accept-Language:   en-US\r\n\r\n");
        assertEquals("GET / HTTP/1.1\r\nHost: google.com\r\nAccept-Encoding: gzip\r\nAccept-Language: en-US\r\n\r\n",
                buf(tx, Buf.HTTP_START, true));
        assertEquals("gzip", buf(tx, Buf.HTTP_ACCEPT_ENC, true));
        assertEquals("en-US", buf(tx, Buf.HTTP_ACCEPT_LANG, true));
        assertEquals(null, buf(tx, Buf.HTTP_ACCEPT, true), "Accept is not Accept-Encoding");
        assertEquals(null, buf(tx, Buf.HTTP_START, false));
        feed(parser, false, "HTTP/1.1 302 Found\r\nSet-Cookie: a=1;\r\nContent-Length: 0\r\n\r\n");
        assertEquals("HTTP/1.1 302 Found\r\nSet-Cookie: a=1;\r\nContent-Length: 0\r\n\r\n",
                buf(tx, Buf.HTTP_START, false));
        assertEquals(null, buf(tx, Buf.HTTP_ACCEPT_ENC, false), "request-only buffer");
    }

    @Test
    void aRequestTransferEncodingOtherThanChunkedIsATransactionEvent() {
        String ev = io.crowsnest.applayer.AppLayerEvents.HTTP_INVALID_TE_REQUEST;
        feed(parser, true, "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
        feed(parser, true, "POST /b HTTP/1.1\r\nTransfer-Encoding: chunked, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
        feed(parser, true, "POST /c HTTP/1.1\r\nTransfer-Encoding: CHUNKED\r\n\r\n0\r\n\r\n");
        List<HttpTx> t = txs();
        assertEquals(3, t.size());
        assertTrue(!t.get(0).hasEvent(ev));
        assertTrue(t.get(1).hasEvent(ev), "chunked twice: libhtp's invalid T-E");
        assertEquals("abc", buf(t.get(1), Buf.HTTP_REQUEST_BODY, true), "the body is still de-chunked");
        assertTrue(!t.get(2).hasEvent(ev), "case does not matter");
    }

    @Test
    void transactionEventsAreBoundedAndKeptOnce() {
        HttpTx tx = new HttpTx(16, 16);
        for (int i = 0; i < Transaction.MAX_EVENTS + 5; i++) {
            tx.addEvent("e" + i);
            tx.addEvent("e" + i);
        }
        assertTrue(tx.hasEvent("e0") && tx.hasEvent("e" + (Transaction.MAX_EVENTS - 1)));
        assertTrue(!tx.hasEvent("e" + Transaction.MAX_EVENTS));
    }
}
