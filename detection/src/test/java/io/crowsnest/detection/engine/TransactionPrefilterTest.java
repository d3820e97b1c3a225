package io.crowsnest.detection.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.detection.TestSupport;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The per-buffer prefilter of transaction rules: fewer evaluations, the same alerts. */
class TransactionPrefilterTest {

    static final String RULES = ""
            + "alert http any any -> any any (http.uri; content:\"/admin\"; sid:1;)\n"
            + "alert http any any -> any any (http.host; content:\"evil.example\"; sid:2;)\n"
            + "alert http any any -> any any (http.user_agent; content:\"curl\"; nocase; sid:3;)\n"
            + "alert http any any -> any any (http.uri; pcre:\"/\\/a[0-9]+$/\"; sid:4;)\n"
            + "alert http any any -> any any (http.stat_code; content:\"404\"; sid:5;)\n";

    @Test
    void onlyRulesWhosePatternOccursInTheirBufferAreEvaluated() {
        TcpConversation c = new TcpConversation(TestSupport.harness(RULES), 40000, 80);
        c.handshake();
        assertEquals(List.of(1L), c.send(true, 0x18, "GET /admin HTTP/1.1\r\nHost: a\r\nUser-Agent: x\r\n\r\n"));
        EngineStats st = c.h.engine.stats();
        // the request: /admin (sid 1) and the pcre-only rule (sid 4, always evaluated); not 2, 3 or 5
        assertEquals(2, st.transactionCandidates());

        TcpConversation off = new TcpConversation(
                TestSupport.harness(RULES, DetectionEngine::buildWithoutTransactionPrefilter), 40000, 80);
        off.handshake();
        assertEquals(List.of(1L), off.send(true, 0x18, "GET /admin HTTP/1.1\r\nHost: a\r\nUser-Agent: x\r\n\r\n"));
        assertEquals(5, off.h.engine.stats().transactionCandidates());
    }

    @Test
    void nocaseAndResponseBuffersAreScannedInTheirDirection() {
        TcpConversation c = new TcpConversation(TestSupport.harness(RULES), 40001, 80);
        c.handshake();
        assertEquals(List.of(3L, 4L), c.send(true, 0x18, "GET /a12 HTTP/1.1\r\nHost: b\r\nUser-Agent: CURL/8\r\n\r\n"));
        assertEquals(List.of(5L), c.send(false, 0x18, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
    }

    @Test
    void growingBodyIsScannedIncrementallyWithoutLosingEarlierCandidates() {
        String rules = "alert http any any -> any any (file.data; content:\"alphabet-soup\"; content:\"omega\"; "
                + "distance:0; sid:21;)\n"
                + "alert http any any -> any any (file.data; content:\"straddling-pattern\"; sid:22;)\n";
        TcpConversation c = new TcpConversation(TestSupport.harness(rules), 40004, 80);
        c.handshake();
        c.send(true, 0x18, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        // the fast pattern of 21 arrives first, its second content two packets later; 22's pattern straddles
        String[] body = {"xx alphabet-soup yy straddl", "ing-pattern zz ", "then omega......"};
        int len = body[0].length() + body[1].length() + body[2].length();
        assertEquals(List.of(), c.send(false, 0x18, "HTTP/1.1 200 OK\r\nContent-Length: " + len + "\r\n\r\n" + body[0]));
        assertEquals(List.of(22L), c.send(false, 0x18, body[1]));
        assertEquals(List.of(21L), c.send(false, 0x18, body[2]));
    }

    @Test
    void ruleWithATransformedBufferIsNotPrefilteredOnTheRawBuffer() {
        String rules = "alert http any any -> any any (http.uri; to_lowercase; content:\"/admin\"; sid:7;)\n"
                + "alert http any any -> any any (http.uri; content:\"/other\"; sid:8;)\n";
        TcpConversation c = new TcpConversation(TestSupport.harness(rules), 40002, 80);
        c.handshake();
        assertEquals(List.of(7L), c.send(true, 0x18, "GET /ADMIN HTTP/1.1\r\nHost: a\r\n\r\n"));
    }

    @Test
    void explicitFastPatternInAnotherBufferIsTheOneUsed() {
        String rules = "alert http any any -> any any (http.uri; content:\"/a-rather-long-path\"; "
                + "http.host; content:\"h\"; fast_pattern; sid:9;)\n";
        DetectionEngine e = TestSupport.harness(rules).engine;
        AppBinding ab = e.app[0];
        int slot = TransactionPrefilter.fastPatternSlot(ab);
        assertEquals("http.host", ab.bufNames[slot]);
        TcpConversation c = new TcpConversation(TestSupport.harness(rules), 40003, 80);
        c.handshake();
        assertEquals(List.of(9L), c.send(true, 0x18, "GET /a-rather-long-path HTTP/1.1\r\nHost: h\r\n\r\n"));
    }

    /**
     * Randomized equivalence: many rules over many buffers (nocase, negated and several contents, explicit
     * fast patterns, transforms, pcre) and many transactions; per packet, the alerts with the prefilter equal
     * those without it.
     */
    @Test
    void sameAlertsAsWithoutThePrefilterOnRandomTraffic() {
        String[] words = {"admin", "login", "curl", "wget", "evil", "passwd", "jndi", "select", "cmd", "shell",
            "x", "ab", "ABC", "Mozilla", "json", "404", "200", "gzip", "token", "..%2f"};
        String[] reqBufs = {"http.uri", "http.uri.raw", "http.host", "http.user_agent", "http.header", "http.method",
            "http.cookie", "http.request_line", "http.request_body", "http.content_type", "http.header_names"};
        String[] respBufs = {"http.stat_code", "http.stat_msg", "http.response_line", "file.data", "http.server",
            "http.header", "http.response_body"};
        SplittableRandom rnd = new SplittableRandom(7);
        StringBuilder rules = new StringBuilder();
        for (int sid = 1; sid <= 300; sid++) {
            boolean resp = rnd.nextInt(3) == 0;
            String[] bufs = resp ? respBufs : reqBufs;
            StringBuilder r = new StringBuilder("alert http any any -> any any (");
            int nb = 1 + rnd.nextInt(2);
            for (int b = 0; b < nb; b++) {
                r.append(bufs[rnd.nextInt(bufs.length)]).append("; ");
                if (rnd.nextInt(8) == 0) {
                    r.append("to_lowercase; ");
                }
                int nc = 1 + rnd.nextInt(2);
                for (int k = 0; k < nc; k++) {
                    boolean neg = rnd.nextInt(6) == 0;
                    r.append("content:").append(neg ? "!" : "").append('"').append(words[rnd.nextInt(words.length)])
                            .append("\"; ");
                    if (rnd.nextInt(3) == 0) {
                        r.append("nocase; ");
                    }
                    if (!neg && rnd.nextInt(10) == 0) {
                        r.append("fast_pattern; ");
                    }
                }
                if (rnd.nextInt(10) == 0) {
                    r.append("pcre:\"/").append(words[rnd.nextInt(10)]).append("/i\"; ");
                }
            }
            rules.append(r).append("sid:").append(sid).append(";)\n");
        }
        TcpConversation on = new TcpConversation(TestSupport.harness(rules.toString()), 41000, 80);
        TcpConversation off = new TcpConversation(
                TestSupport.harness(rules.toString(), DetectionEngine::buildWithoutTransactionPrefilter), 41000, 80);
        on.handshake();
        off.handshake();
        int alerts = 0;
        for (int t = 0; t < 150; t++) {
            String w1 = words[rnd.nextInt(words.length)], w2 = words[rnd.nextInt(words.length)];
            String w3 = words[rnd.nextInt(words.length)], w4 = words[rnd.nextInt(words.length)];
            String body = w1 + " " + w4;
            String req = (rnd.nextBoolean() ? "GET" : "POST") + " /" + w1 + "/" + w2 + "?q=" + w3 + " HTTP/1.1\r\n"
                    + "Host: " + w2 + ".example\r\nUser-Agent: " + w3 + "/1.0\r\nCookie: s=" + w4 + "\r\n"
                    + "Content-Type: application/" + w1 + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
            String status = rnd.nextBoolean() ? "404 Not " + w2 : "200 OK";
            StringBuilder rb = new StringBuilder();
            for (int k = rnd.nextInt(12); k >= 0; k--) {
                rb.append(words[rnd.nextInt(words.length)]).append(rnd.nextBoolean() ? " " : "");
            }
            String rbody = rb.toString();
            String rsp = "HTTP/1.1 " + status + "\r\nServer: " + w4 + "\r\nContent-Length: " + rbody.length()
                    + "\r\n\r\n" + rbody;
            // requests sometimes split mid-header, so a transaction is updated by several packets
            int cut = rnd.nextInt(req.length());
            for (String part : new String[] {req.substring(0, cut), req.substring(cut)}) {
                if (part.isEmpty()) {
                    continue;
                }
                List<Long> a = on.send(true, 0x18, part), b = off.send(true, 0x18, part);
                assertEquals(b, a, "request " + t + " part: " + part);
                alerts += a.size();
            }
            // responses in up to three segments, so bodies grow packet by packet (incremental body scans)
            int c1 = rnd.nextInt(rsp.length()), c2 = c1 + rnd.nextInt(rsp.length() - c1);
            for (String part : new String[] {rsp.substring(0, c1), rsp.substring(c1, c2), rsp.substring(c2)}) {
                if (part.isEmpty()) {
                    continue;
                }
                List<Long> a = on.send(false, 0x18, part), b = off.send(false, 0x18, part);
                assertEquals(b, a, "response " + t + " part: " + part);
                alerts += a.size();
            }
        }
        assertTrue(alerts > 100, "the random rules should fire often enough to prove something: " + alerts);
        long candOn = on.h.engine.stats().transactionCandidates();
        long candOff = off.h.engine.stats().transactionCandidates();
        assertTrue(candOn * 3 < candOff, "prefilter should cut evaluations: " + candOn + " vs " + candOff);
    }
}
