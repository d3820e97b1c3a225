package io.crowsnest.applayer.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Responses read as libhtp (Suricata's HTTP parser) reads them. Each case is the shape of an http-evader
 * capture from the suricata-verify conformance suite (named in the case), cut down to a short body; the
 * expected body is what Suricata's file_data sees. Every case is also fed one byte at a time, which must
 * give the same result (the parser decides as libhtp does on the unsplit stream).
 */
class ResponseParserTest {
    static final String GET = "GET /eicar.txt HTTP/1.1\r\nHost: evader.example.com\r\n\r\n";

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** Parses GET + the response (in pieces of {@code step} bytes), closes it, returns the transactions. */
    static List<HttpTx> parse(String request, byte[] response, int step, List<String> anomalies) {
        HttpParser p = new HttpParser(new HttpParser.Listener() {
            @Override
            public void updated(io.crowsnest.applayer.Transaction tx, boolean toServer) {
            }

            @Override
            public void anomaly(String event) {
                anomalies.add(event);
            }
        });
        byte[] req = b(request);
        p.parse(true, req, 0, req.length);
        for (int i = 0; i < response.length; i += step) {
            p.parse(false, response, i, Math.min(step, response.length - i));
        }
        p.close(false);
        List<HttpTx> l = new ArrayList<>();
        p.transactions().forEach(l::add);
        return l;
    }

    static String body(String request, byte[] response, int step) {
        List<HttpTx> t = parse(request, response, step, new ArrayList<>());
        return t.isEmpty() ? null : t.get(0).responseBody.toString();
    }

    static Stream<Arguments> bodies() {
        String chunked = "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
        return Stream.of(
                // 041: chunked on an HTTP/1.0 response is still chunked
                Arguments.of("chunked on HTTP/1.0", "HTTP/1.0 200 ok\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked,
                        "hello world"),
                // 063/065/066: "chunked" anywhere in the value
                Arguments.of("x chunked", "HTTP/1.1 200 ok\r\nTransfer-Encoding: x chunked\r\n\r\n" + chunked,
                        "hello world"),
                // 309: chunked;
                Arguments.of("chunked;", "HTTP/1.1 200 ok\r\nTransfer-Encoding:chunked;\r\n\r\n" + chunked,
                        "hello world"),
                // 313: a byte-order mark before it
                Arguments.of("BOM chunked", "HTTP/1.1 200 ok\r\nTransfer-Encoding:\u00ef\u00bb\u00bfchunked\r\n\r\n"
                        + chunked, "hello world"),
                // 290: NUL inside the value
                Arguments.of("chu NUL nked", "HTTP/1.1 200 ok\r\nTransfer-Encoding:chu\0nked\r\n\r\n" + chunked,
                        "hello world"),
                // 291: NUL inside the name
                Arguments.of("NUL in name", "HTTP/1.1 200 ok\r\nTransfer\0-encoding:chunked\r\n\r\n" + chunked,
                        "hello world"),
                // 079: repeated Transfer-Encoding headers join ("lalala, chunked")
                Arguments.of("repeated TE", "HTTP/1.1 200 ok\r\nTransfer-Encoding: lalala\r\nConnection: close\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n" + chunked, "hello world"),
                // 084: chunked wins over Content-Length
                Arguments.of("TE and CL", "HTTP/1.1 200 ok\r\nTransfer-Encoding: chunked\r\nContent-length: 3\r\n\r\n"
                        + chunked, "hello world"),
                // 056/076: says chunked, is not: the body is read until close from where the size should be
                Arguments.of("not chunked after all", "HTTP/1.1 200 ok\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "X5O!P%@AP[4 plain body\n", "X5O!P%@AP[4 plain body\n"),
                Arguments.of("junk size mid-body", "HTTP/1.1 200 ok\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5\r\nhello\r\nthen plain\n", "hellothen plain\n"),
                // bytes between a chunk's data and the next size are skipped up to the LF
                Arguments.of("chunk end junk", "HTTP/1.1 200 ok\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5\r\nhelloJUNK\r\n6\r\n world\r\n0\r\n\r\n", "hello world"),
                // 388/402: a CR alone ends the status line and header lines
                Arguments.of("lone CR line ends", "HTTP/1.1 200 ok\rTransfer-Encoding: chunked\rX: y\r\n\n" + chunked,
                        "hello world"),
                // 286: "CR CR" is not an empty line (the block goes on)
                Arguments.of("CR CR line", "HTTP/1.1 200 ok\r\nConnection: close\r\n\r\rTransfer-Encoding: chunked\r\n"
                        + "\r\n" + chunked, "hello world"),
                // 297: "name CR SP :value" folds into "name :value"
                Arguments.of("CR SP before colon", "HTTP/1.1 200 ok\r\nTransfer-Encoding\r :chunked\r\n\r\n" + chunked,
                        "hello world"),
                // 410/411: LF CR ends a header line, and "LF CR CR LF" the block
                Arguments.of("LF CR line end", "HTTP/1.1 200 ok\r\nContent-length: 5\n\r\r\nhello", "hello"),
                // 416/428: a blank (SP or HT) line ends the block unless an LF follows
                Arguments.of("SP LF ends headers", "HTTP/1.1 200 ok\r\nContent-length: 5\n \nhello", "hello"),
                Arguments.of("HT LF ends headers", "HTTP/1.1 200 ok\r\nTransfer-Encoding: chunked\n\t\n" + chunked,
                        "hello world"),
                // 298/300: folded lines join raw before the name is split off
                Arguments.of("folded colon", "HTTP/1.1 200 ok\r\nTransfer-Encoding\r\n :chunked\r\n\r\n" + chunked,
                        "hello world"),
                Arguments.of("folded thrice", "HTTP/1.1 200 ok\r\nTransfer-Encoding\r\n \r\n :\r\n chunked\r\n\r\n"
                        + chunked, "hello world"),
                // 307: NUL folds like SP
                Arguments.of("NUL folds", "HTTP/1.1 200 ok\r\nTransfer-Encoding:\n\0chunked\r\n\r\n" + chunked,
                        "hello world"),
                // 269/274: in HTTP/1.1 a folded line with a colon after a complete header is a header
                Arguments.of("folded header", "HTTP/1.1 200 ok\r\nConnection: close\r\n\tTransfer-Encoding: chunked\r\n"
                        + "\r\n" + chunked, "hello world"),
                // 295/320/317: controls and NUL between name and colon
                Arguments.of("FF before colon", "HTTP/1.1 200 ok\r\nTransfer-Encoding\f:chunked\r\n\r\n" + chunked,
                        "hello world"),
                Arguments.of("VT before colon", "HTTP/1.1 200 ok\r\nTransfer-Encoding\u000b:chunked\r\n\r\n" + chunked,
                        "hello world"),
                // 481-495: junk before the status line is skipped when a line starting with H follows
                Arguments.of("SP line first", " \r\nHTTP/1.1 200 ok\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked,
                        "hello world"),
                Arguments.of("junk line first", "foobar\r\nHTTP/1.1 200 ok\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + chunked, "hello world"),
                Arguments.of("SP HT CR CR LF first", " \t\r\r\nHTTP/1.1 200 ok\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + chunked, "hello world"),
                Arguments.of("CR first", "\rHTTP/1.1 200 ok\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked,
                        "hello world"),
                // 390: NUL before the protocol
                Arguments.of("NUL first", "\0HTTP/1.1 200 ok\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked,
                        "hello world"),
                // a first line that is no status line is body (HTTP/0.9 style), with what follows
                Arguments.of("no status line", "hello world\nmore\n", "hello world\nmore\n"),
                // 448: 101 with a Content-Length is a response with a body, not a protocol switch
                Arguments.of("101 with body", "HTTP/1.1 101 ok\r\nContent-length: 5\r\n\r\nhello", "hello"),
                Arguments.of("204 with body", "HTTP/1.1 204 ok\r\nContent-length: 5\r\n\r\nhello", "hello"),
                // 249: junk around the Content-Length digits
                Arguments.of("CL leading junk", "HTTP/1.1 200 ok\r\nContent-length: x5\r\n\r\nhello", "hello"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodies")
    void bodyAsSuricataSeesIt(String name, String response, String expected) {
        assertEquals(expected, body(GET, b(response), Integer.MAX_VALUE), "whole");
        assertEquals(expected, body(GET, b(response), 1), "byte by byte");
    }

    static byte[] gzip(String s) throws Exception {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(o)) {
            g.write(b(s));
        }
        return o.toByteArray();
    }

    @Test
    void contentEncodingNamesAndValuesIgnoreNul() throws Exception {
        // 315/316/317: gz\0ip, Content\0-encoding, Content-Encoding\0:
        for (String h : new String[] {"Content-Encoding: gz\0ip", "Content\0-encoding: gzip", "Content-Encoding\0:gzip"}) {
            byte[] z = gzip("hello world");
            ByteArrayOutputStream r = new ByteArrayOutputStream();
            r.write(b("HTTP/1.1 200 ok\r\n" + h + "\r\nContent-length: " + z.length + "\r\n\r\n"));
            r.write(z);
            assertEquals("hello world", body(GET, r.toByteArray(), Integer.MAX_VALUE), h);
            assertEquals("hello world", body(GET, r.toByteArray(), 1), h);
        }
    }

    @Test
    void bytesAfterTheBodyThatAreNoStatusLineStillBelongToIt() {
        // 249: "Content-length: 34 68" reads as 34; the rest of that packet is no status line, so libhtp
        // appends it to the body before it completes the response
        byte[] r = b("HTTP/1.1 200 ok\r\nContent-length: 5 11\r\n\r\nhello world");
        List<String> anomalies = new ArrayList<>();
        List<HttpTx> t = parse(GET, r, Integer.MAX_VALUE, anomalies);
        assertEquals("hello world", t.get(0).responseBody.toString());
        assertTrue(anomalies.contains("http.response_body_unexpected"), anomalies.toString());
        // libhtp completes the response at the end of the packet that ended the body: what comes in a later
        // packet is the next response (here a body-only one)
        HttpParser p = new HttpParser((tx, ts) -> { });
        byte[] req = b(GET + GET);
        p.parse(true, req, 0, req.length);
        p.parse(false, r, 0, r.length - 6);
        p.parse(false, r, r.length - 6, 6);
        p.close(false);
        List<HttpTx> split = new ArrayList<>();
        p.transactions().forEach(split::add);
        assertEquals("hello", split.get(0).responseBody.toString());
        assertTrue(split.get(0).responseComplete);
        assertEquals(" world", split.get(1).responseBody.toString());
    }

    @Test
    void aStatusLineFarTooLongIsBody() {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < HttpParser.LINE_LIMIT + 100) {
            sb.append("no status line here ");
        }
        List<String> anomalies = new ArrayList<>();
        assertEquals(sb.toString(), parse(GET, b(sb.toString()), 1000, anomalies).get(0).responseBody.toString());
        assertTrue(anomalies.contains("http.response_line_too_long"), anomalies.toString());
    }

    @Test
    void blankLinesBeforeAChunkSizeAreSkippedHoweverMany() {
        StringBuilder r = new StringBuilder("HTTP/1.1 200 ok\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int i = 0; i < 100_000; i++) {
            r.append(i % 2 == 0 ? "\r\n" : " \t");
        }
        r.append("5\r\nhello\r\n0\r\n\r\n");
        assertEquals("hello", body(GET, b(r.toString()), 1400));
    }

    @Test
    void headersPerBlockAreCapped() {
        StringBuilder r = new StringBuilder("HTTP/1.1 200 ok\r\n");
        for (int i = 0; i < 3000; i++) {
            r.append("X-").append(i).append(": v\r\n");
        }
        r.append("Content-Length: 2\r\n\r\nok");
        List<String> anomalies = new ArrayList<>();
        HttpTx t = parse(GET, b(r.toString()), 1400, anomalies).get(0);
        assertEquals(ResponseHeaders.MAX_HEADERS, t.responseHeaders.size());
        assertEquals(1, anomalies.stream().filter("http.too_many_headers"::equals).count());
    }

    @Test
    void repeatedHeadersJoinButContentLengthKeepsTheFirst() {
        List<HttpTx> t = parse(GET, b("HTTP/1.1 200 ok\r\nX-A: 1\r\nContent-Length: 2\r\nx-a: 2\r\n"
                + "Content-Length: 5\r\n\r\nhello"), Integer.MAX_VALUE, new ArrayList<>());
        assertEquals("1, 2", s(t.get(0).responseHeader("x-a")));
        assertEquals("2", s(t.get(0).responseHeader("content-length")));
        // two bytes of body by the first Content-Length; the rest, no status line, joins it at close (libhtp)
        assertEquals("hello", t.get(0).responseBody.toString());
    }

    @Test
    void statusLineFieldsAndTheResponseAfterTheBody() {
        List<HttpTx> t = parse(GET + GET, b("HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nnoHTTP/1.1 200 OK\r\n"
                + "Content-Length: 2\r\n\r\nok"), Integer.MAX_VALUE, new ArrayList<>());
        assertEquals(2, t.size());
        assertEquals(404, t.get(0).status);
        assertEquals("Not Found", s(t.get(0).statMsg));
        assertEquals("no", t.get(0).responseBody.toString());
        assertEquals("ok", t.get(1).responseBody.toString());
        assertTrue(t.get(1).responseComplete);
    }

    @Test
    void http09RequestGetsABareBody() {
        List<HttpTx> t = parse("GET /x\r\n", b("HTTP/1.1 200 OK\r\n\r\nhello"), Integer.MAX_VALUE, new ArrayList<>());
        assertEquals("HTTP/1.1 200 OK\r\n\r\nhello", t.get(0).responseBody.toString());
        assertNull(t.get(0).statCode);
    }

    @Test
    void invalidContentLengthStopsTheDirection() {
        List<String> anomalies = new ArrayList<>();
        List<HttpTx> t = parse(GET, b("HTTP/1.1 200 ok\r\nContent-Length: none\r\n\r\nhello"), Integer.MAX_VALUE,
                anomalies);
        assertEquals(0, t.get(0).responseBody.length());
        assertTrue(anomalies.contains("http.invalid_content_length"), anomalies.toString());
        assertTrue(t.get(0).responseComplete);
    }

    @Test
    void switchingProtocolsWithoutBodyLengthIsATunnel() {
        HttpParser p = new HttpParser((tx, ts) -> { });
        byte[] req = b(GET);
        p.parse(true, req, 0, req.length);
        byte[] resp = b("HTTP/1.1 101 Switching\r\nUpgrade: websocket\r\n\r\nHTTP/1.1 200 ok\r\n\r\n");
        p.parse(false, resp, 0, resp.length);
        assertTrue(p.tunnel());
        assertNotNull(p.transactions().iterator().next().statCode);
    }
}
