package io.crowsnest.outputs.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.outputs.format.TestAlerts;
import io.crowsnest.outputs.http.TestHttpServer.Reply;
import io.crowsnest.outputs.http.TestHttpServer.Req;
import io.crowsnest.outputs.spool.Spool;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HttpSender against in-process HTTP(S) servers on 127.0.0.1. */
class HttpSenderTest {
    @TempDir
    Path tmp;

    final List<String> log = new CopyOnWriteArrayList<>();
    final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
        log.forEach(l -> System.out.println("  log: " + l));
    }

    static void await(String what, long seconds, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    HttpAlertOutput output(Path spoolDir, Function<Spool, HttpSender.Builder> b) throws Exception {
        Spool spool = Spool.builder(spoolDir).errors(log::add).open();
        HttpAlertOutput out = new HttpAlertOutput(spool, b.apply(spool).errors(log::add).start(), 5_000);
        cleanup.add(out);
        return out;
    }

    TestHttpServer server(javax.net.ssl.SSLContext ssl, TestHttpServer.Handler h) throws Exception {
        TestHttpServer s = TestHttpServer.create(ssl, h);
        cleanup.add(s);
        return s;
    }

    static URI uri(TestHttpServer s, String scheme, String path) {
        return URI.create(scheme + "://127.0.0.1:" + s.port + path);
    }

    static void writeSeq(HttpAlertOutput out, long from, long to) throws Exception {
        for (long n = from; n < to; n++) {
            out.write(TestAlerts.seq(n));
        }
    }

    static Map<Long, Integer> seen(TestHttpServer s) {
        return TestHttpServer.seen(s.requests, r -> true);
    }

    // ---------------------------------------------------------------- (a) 503 then 200

    @Test
    void webhookSurvives503AndBacksOff() throws Exception {
        int n = 5000;
        TestHttpServer srv = server(null, r -> {
            if (r.n() < 5) {
                return Reply.of(503, "{\"error\":\"busy\"}");
            }
            if (r.n() == 5) {
                return new Reply(429, "{}", Map.of("Retry-After", "1"));
            }
            return Reply.of(200, "{}");
        }).start();
        HttpAlertOutput out = output(tmp.resolve("spool"), sp -> HttpSender.builder(sp, uri(srv, "http", "/hook"))
                .backoff(50, 5_000).batch(1000, 1 << 20, 50));
        writeSeq(out, 0, n);
        await("all alerts accepted", 60, () -> TestHttpServer.seen(srv.requests, r -> r.n() >= 6).size() == n);
        await("spool drained", 10, () -> out.spool().isDrained());
        Map<Long, Integer> ok = TestHttpServer.seen(srv.requests, r -> r.n() >= 6);
        for (long i = 0; i < n; i++) {
            assertTrue(ok.containsKey(i), "missing " + i);
        }
        List<Req> reqs = new ArrayList<>(srv.requests);
        reqs.sort((x, y) -> Integer.compare(x.n(), y.n()));
        long[] gap = new long[6];
        for (int i = 0; i < 6; i++) {
            gap[i] = TimeUnit.NANOSECONDS.toMillis(reqs.get(i + 1).nanos() - reqs.get(i).nanos());
        }
        System.out.printf("503 x5 then 429 Retry-After 1: gaps between attempts (ms) %s; duplicates %d; "
                        + "requests %d, connects %d, failures %d, retries %d%n", java.util.Arrays.toString(gap),
                TestHttpServer.duplicates(ok), out.sender().requests(), out.sender().connects(),
                out.sender().failures(), out.sender().retries());
        // waits in [d/2, d], d = 50, 100, 200, 400, 800 ms: the 5th is at least 400 ms, the 1st at most 50 + latency
        assertTrue(gap[4] >= 400 && gap[4] > 2 * gap[0], "backoff grows: " + java.util.Arrays.toString(gap));
        assertTrue(gap[5] >= 950, "Retry-After: 1 respected: " + gap[5]);
        assertEquals(6, out.sender().failures());
        assertTrue(out.sender().retries() >= 6);
        assertEquals(n, out.sender().sentRecords());
        assertTrue(srv.requests.stream().allMatch(r -> r.text().startsWith("[{") && r.text().endsWith("}]")
                && "application/json".equals(r.headers().getFirst("Content-Type"))));
        assertTrue(out.sender().connects() <= 3, "keep-alive: " + out.sender().connects() + " connections");
    }

    // ---------------------------------------------------------------- (b) bulk with item errors

    static final Pattern STATUS_ID = Pattern.compile("\"_id\":\"([^\"]+)\"");

    @Test
    void bulkRetriesOnlyFailedItems() throws Exception {
        int n = 3000;
        Map<Long, Integer> accepted = new ConcurrentHashMap<>();
        List<Integer> firstFailed = new CopyOnWriteArrayList<>();
        Set<String> failedIds = ConcurrentHashMap.newKeySet();
        AtomicReference<String> firstDoc = new AtomicReference<>();
        AtomicReference<String> firstAction = new AtomicReference<>();
        TestHttpServer srv = server(null, r -> {
            if (!r.path().equals("/_bulk")) {
                return Reply.of(404, "no");
            }
            String[] lines = r.text().split("\n");
            StringBuilder items = new StringBuilder();
            boolean errors = false;
            for (int i = 0; i + 1 < lines.length; i += 2) {
                if (firstDoc.get() == null) {
                    firstAction.set(lines[i]);
                    firstDoc.set(lines[i + 1]);
                }
                Matcher id = STATUS_ID.matcher(lines[i]);
                assertTrue(id.find(), lines[i]);
                int status = r.n() == 0 && (i / 2) % 3 == 1 ? 429 : 201;
                if (items.length() > 0) {
                    items.append(',');
                }
                if (status == 201) {
                    TestHttpServer.count(lines[i + 1], accepted);
                    items.append("{\"create\":{\"_index\":\"x\",\"_id\":\"").append(id.group(1))
                            .append("\",\"status\":201,\"result\":\"created\"}}");
                } else {
                    errors = true;
                    firstFailed.add(i / 2);
                    failedIds.add(id.group(1));
                    items.append("{\"create\":{\"_index\":\"x\",\"_id\":\"").append(id.group(1))
                            .append("\",\"status\":429,\"error\":{\"type\":\"es_rejected_execution_exception\","
                                    + "\"reason\":\"rejected execution\"}}}");
                }
            }
            return Reply.of(200, "{\"took\":3,\"errors\":" + errors + ",\"items\":[" + items + "]}");
        }).start();
        HttpAlertOutput out = output(tmp.resolve("spool"), sp -> HttpSender.builder(sp, uri(srv, "http", ""))
                .flavor(HttpFlavor.ELASTIC_BULK).backoff(20, 1000).batch(1000, 1 << 22, 300));
        writeSeq(out, 0, n);
        await("all documents accepted", 60, () -> accepted.size() == n);
        await("spool drained", 10, () -> out.spool().isDrained());
        assertEquals(n, accepted.size());
        System.out.printf("bulk: %d items answered 429 in the first response, retried %d; duplicates %d; requests %d%n",
                firstFailed.size(), out.sender().itemRetries(), TestHttpServer.duplicates(accepted),
                out.sender().requests());
        assertTrue(firstFailed.size() > 100);
        assertEquals(firstFailed.size(), out.sender().itemRetries());
        assertEquals(0, TestHttpServer.duplicates(accepted));
        // the second request carries exactly the refused items, with the same _id
        Req second = srv.requests.stream().filter(r -> r.n() == 1).findFirst().orElseThrow();
        Matcher m = STATUS_ID.matcher(second.text());
        Set<String> resent = new HashSet<>();
        while (m.find()) {
            resent.add(m.group(1));
        }
        assertEquals(failedIds, resent);
        assertEquals("application/x-ndjson", second.headers().getFirst("Content-Type"));
        assertEquals(n, out.sender().sentRecords());

        // ECS mapping of one document (TestAlerts.seq: 10.0.0.1:12345 -> 192.168.1.2:80 TCP, sid 2019401)
        String action = firstAction.get();
        assertTrue(action.startsWith("{\"create\":{\"_index\":\"crowsnest-alerts-2021.12.13\",\"_id\":\""), action);
        String doc = firstDoc.get();
        System.out.println("ECS document: " + doc);
        for (String want : new String[] {
                "\"@timestamp\":\"2021-12-13T10:12:32.617443+00:00\"",
                "\"event\":{\"kind\":\"alert\",\"category\":[\"network\",\"intrusion_detection\"]",
                "\"severity\":2",
                "\"source\":{\"ip\":\"10.0.0.1\",\"port\":12345}",
                "\"destination\":{\"ip\":\"192.168.1.2\",\"port\":80}",
                "\"network\":{\"transport\":\"tcp\",\"type\":\"ipv4\"}",
                "\"rule\":{\"id\":\"2019401\",\"name\":\"ET TEST sequence\",\"category\":\"test\",\"version\":\"3\"}",
                "\"observer\":{\"vendor\":\"Crowsnest\"",
                "\"crowsnest\":{\"timestamp\":\"2021-12-13T10:12:32.617443+0000\"",
        }) {
            assertTrue(doc.contains(want), "missing " + want + " in " + doc);
        }
        assertTrue(doc.endsWith("}}"), doc);
    }

    // ---------------------------------------------------------------- (c) HEC with indexer ack

    static final Pattern ACK_ID = Pattern.compile("\"acks\":\\[(\\d+)\\]");

    @Test
    void hecAcknowledgesSpoolOnlyAfterIndexerAck() throws Exception {
        int n = 2000;
        AtomicReference<Spool> spoolRef = new AtomicReference<>();
        Map<Long, Long> posAtPost = new ConcurrentHashMap<>();
        Map<Long, Long> posAtFalse = new ConcurrentHashMap<>();
        Map<Long, Integer> polls = new ConcurrentHashMap<>();
        Map<Long, Integer> accepted = new ConcurrentHashMap<>();
        Set<String> channels = ConcurrentHashMap.newKeySet();
        long[] nextAck = {0};
        TestHttpServer srv = server(null, r -> {
            if (!"Splunk s3cret".equals(r.headers().getFirst("Authorization"))) {
                return Reply.of(401, "{\"text\":\"Invalid authorization\",\"code\":3}");
            }
            String channel = r.headers().getFirst("X-Splunk-Request-Channel");
            if (channel == null) {
                return Reply.of(400, "{\"text\":\"Data channel is missing\",\"code\":10}");
            }
            channels.add(channel);
            if (r.path().startsWith("/services/collector/event")) {
                long id;
                synchronized (nextAck) {
                    id = nextAck[0]++;
                }
                posAtPost.put(id, spoolRef.get().ackPosition());
                TestHttpServer.count(r.text(), accepted);
                return Reply.of(200, "{\"text\":\"Success\",\"code\":0,\"ackId\":" + id + "}");
            }
            if (r.path().startsWith("/services/collector/ack")) {
                Matcher m = ACK_ID.matcher(r.text());
                assertTrue(m.find(), r.text());
                long id = Long.parseLong(m.group(1));
                int k = polls.merge(id, 1, Integer::sum);
                if (k == 1) {
                    posAtFalse.put(id, spoolRef.get().ackPosition());
                    return Reply.of(200, "{\"acks\":{\"" + id + "\":false}}");
                }
                return Reply.of(200, "{\"acks\":{\"" + id + "\":true}}");
            }
            return Reply.of(404, "{}");
        }).start();
        HttpAlertOutput out = output(tmp.resolve("spool"), sp -> {
            spoolRef.set(sp);
            return HttpSender.builder(sp, uri(srv, "http", "/services/collector/event"))
                    .flavor(HttpFlavor.SPLUNK_HEC).splunkToken("s3cret").splunkAck(true).splunkAckPoll(20, 10_000)
                    .backoff(20, 1000).batch(500, 1 << 22, 100);
        });
        writeSeq(out, 0, n);
        await("spool drained", 60, () -> out.spool().isDrained());
        assertEquals(n, accepted.size());
        System.out.printf("HEC: %d event posts, %d ack polls, channel %s%n", posAtPost.size(), out.sender().ackPolls(),
                channels);
        assertEquals(1, channels.size());
        assertTrue(posAtPost.size() >= n / 500);
        for (Map.Entry<Long, Long> e : posAtPost.entrySet()) {
            assertTrue(polls.getOrDefault(e.getKey(), 0) >= 2, "ackId " + e.getKey() + " polled until true");
            assertEquals(e.getValue(), posAtFalse.get(e.getKey()),
                    "spool acknowledged before the indexer ack of ackId " + e.getKey());
        }
        Req first = srv.requests.stream().filter(r -> r.n() == 0).findFirst().orElseThrow();
        assertTrue(first.text().startsWith("{\"time\":1639390352.617443,\"sourcetype\":\"crowsnest:eve\","
                + "\"event\":{\"timestamp\":\"2021-12-13T10:12:32.617443+0000\""), first.text().substring(0, 200));
        assertEquals(n, out.sender().sentRecords());
    }

    // ---------------------------------------------------------------- (d) restart resume

    @Test
    void newSenderResumesFromSpoolAfterServerWasDown() throws Exception {
        int n = 3000;
        TestHttpServer srv = server(null, r -> Reply.of(200, "{\"took\":1,\"errors\":false,\"items\":[]}"));
        Path dir = tmp.resolve("spool");
        HttpAlertOutput first = output(dir, sp -> HttpSender.builder(sp, uri(srv, "http", ""))
                .flavor(HttpFlavor.ELASTIC_BULK).backoff(20, 200).connectTimeoutMillis(1000));
        writeSeq(first, 0, n);
        await("connect failures", 20, () -> first.sender().failures() >= 3);
        first.close(); // server still down: nothing delivered, everything stays spooled
        assertEquals(0, first.sender().sentRecords());
        assertEquals(0, srv.requests.size());

        srv.start();
        HttpAlertOutput second = output(dir, sp -> HttpSender.builder(sp, uri(srv, "http", ""))
                .flavor(HttpFlavor.ELASTIC_BULK).backoff(20, 200));
        assertFalse(second.spool().isDrained());
        await("all alerts after restart", 60, () -> seen(srv).size() == n);
        await("spool drained", 10, () -> second.spool().isDrained());
        System.out.printf("restart: %d distinct, %d duplicates, first sender failures %d%n", seen(srv).size(),
                TestHttpServer.duplicates(seen(srv)), first.sender().failures());
        assertEquals(n, second.sender().sentRecords());
    }

    // ---------------------------------------------------------------- (e) TLS

    @Test
    void tlsVerifiesCaAndHostName() throws Exception {
        HttpTestCerts good = HttpTestCerts.make(tmp.resolve("good"));
        HttpTestCerts wrongName = HttpTestCerts.make(tmp.resolve("wrongname"), "DNS:other.example");
        int n = 1000;
        TestHttpServer srv = server(good.serverContext(), r -> Reply.of(200, "{}")).start();
        HttpAlertOutput out = output(tmp.resolve("spool"), sp -> HttpSender.builder(sp, uri(srv, "https", "/hook"))
                .caFile(good.ca).backoff(20, 500));
        writeSeq(out, 0, n);
        await("all alerts over TLS", 60, () -> seen(srv).size() == n);
        await("spool drained", 10, () -> out.spool().isDrained());

        // a server whose certificate the sender's CA did not sign
        TestHttpServer other = server(wrongName.serverContext(), r -> Reply.of(200, "{}")).start();
        HttpAlertOutput bad = output(tmp.resolve("spool-bad"), sp -> HttpSender.builder(sp, uri(other, "https", "/hook"))
                .caFile(good.ca).backoff(20, 200));
        // a certificate signed by the trusted CA, but for another name
        HttpAlertOutput badName = output(tmp.resolve("spool-badname"), sp -> HttpSender.builder(sp, uri(other, "https", "/hook"))
                .caFile(wrongName.ca).backoff(20, 200));
        writeSeq(bad, 0, 10);
        writeSeq(badName, 0, 10);
        await("TLS failures", 30, () -> bad.sender().failures() >= 2 && badName.sender().failures() >= 2);
        assertEquals(0, other.requests.size());
        assertEquals(0, bad.sender().sentRecords());
        assertEquals(0, badName.sender().sentRecords());
        assertTrue(log.stream().anyMatch(l -> l.contains("TLS handshake failed")), String.join("\n", log));
    }

    // ---------------------------------------------------------------- (f) gzip

    @Test
    void gzipBodiesDecodedByServer() throws Exception {
        int n = 2000;
        TestHttpServer srv = server(null, r -> r.gzipped() ? Reply.of(200, "{}") : Reply.of(400, "not gzip")).start();
        HttpAlertOutput out = output(tmp.resolve("spool"), sp -> HttpSender.builder(sp, uri(srv, "http", "/hook"))
                .gzip(true).backoff(20, 500).batch(500, 1 << 20, 50));
        writeSeq(out, 0, n);
        await("all alerts gzipped", 60, () -> seen(srv).size() == n);
        await("spool drained", 10, () -> out.spool().isDrained());
        assertTrue(srv.requests.stream().allMatch(Req::gzipped));
        assertEquals(0, out.sender().poisonRecords());
        assertEquals(n, out.sender().sentRecords());
    }

    // ---------------------------------------------------------------- poison batch

    @Test
    void non_retryable4xxDropsBatchAndGoesOn() throws Exception {
        // the batch holding alert 3 is refused with 400 (malformed): dropped, counted, the rest goes on
        TestHttpServer srv = server(null, r -> r.text().contains("\"pcap_cnt\":3,")
                ? Reply.of(400, "{\"error\":\"bad request\"}") : Reply.of(200, "{}")).start();
        HttpAlertOutput out = output(tmp.resolve("spool"), sp -> HttpSender.builder(sp, uri(srv, "http", "/hook"))
                .backoff(20, 500).batch(10, 1 << 20, 0));
        writeSeq(out, 0, 20);
        await("spool drained", 20, () -> out.spool().isDrained() && out.sender().sentRecords()
                + out.sender().poisonRecords() == 20);
        Map<Long, Integer> refused = TestHttpServer.seen(srv.requests, r -> r.text().contains("\"pcap_cnt\":3,"));
        Map<Long, Integer> ok = TestHttpServer.seen(srv.requests, r -> !r.text().contains("\"pcap_cnt\":3,"));
        assertEquals(1, srv.requests.stream().filter(r -> r.text().contains("\"pcap_cnt\":3,")).count(),
                "a poison batch is sent once");
        assertEquals(refused.size(), out.sender().poisonRecords());
        assertEquals(20, refused.size() + ok.size());
        assertTrue(log.stream().anyMatch(l -> l.contains("HTTP 400") && l.contains("dropped")), String.join("\n", log));
    }

    // ---------------------------------------------------------------- connections and timeouts

    @Test
    void serverClosingEveryConnectionCostsNoFailure() throws Exception {
        int n = 2000;
        TestHttpServer srv = server(null, r -> new Reply(200, "{}", Map.of("Connection", "close"))).start();
        HttpAlertOutput out = output(tmp.resolve("spool"), sp -> HttpSender.builder(sp, uri(srv, "http", "/hook"))
                .backoff(20, 500).batch(200, 1 << 20, 20));
        writeSeq(out, 0, n);
        await("all alerts", 60, () -> seen(srv).size() == n);
        await("spool drained", 10, () -> out.spool().isDrained());
        assertEquals(0, out.sender().failures());
        assertEquals(out.sender().requests(), out.sender().connects());
    }

    @Test
    void unansweredRequestTimesOutAndIsSentAgain() throws Exception {
        int n = 1000;
        TestHttpServer srv = server(null, r -> {
            if (r.n() == 0) {
                Thread.sleep(1500); // the answer comes after the sender gave up
            }
            return Reply.of(200, "{}");
        }).start();
        HttpAlertOutput out = output(tmp.resolve("spool"), sp -> HttpSender.builder(sp, uri(srv, "http", "/hook"))
                .backoff(20, 500).requestTimeoutMillis(300).batch(500, 1 << 20, 20));
        writeSeq(out, 0, n);
        await("all alerts", 60, () -> seen(srv).size() == n && out.spool().isDrained());
        await("the late request is recorded too", 10, () -> srv.requests.stream().anyMatch(r -> r.n() == 0));
        Map<Long, Integer> seen = seen(srv);
        System.out.printf("timeout: %d distinct, %d duplicates (the batch sent again after the timeout)%n",
                seen.size(), TestHttpServer.duplicates(seen));
        assertTrue(out.sender().failures() >= 1);
        assertTrue(TestHttpServer.duplicates(seen) > 0, "at-least-once: the timed-out batch arrived twice");
        assertTrue(log.stream().anyMatch(l -> l.contains("no answer within 300 ms")), String.join("\n", log));
    }
}
