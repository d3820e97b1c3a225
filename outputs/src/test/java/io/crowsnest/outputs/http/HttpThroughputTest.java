package io.crowsnest.outputs.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crowsnest.outputs.format.EveJsonFormat;
import io.crowsnest.outputs.format.TestAlerts;
import io.crowsnest.outputs.http.TestHttpServer.Reply;
import io.crowsnest.outputs.spool.Spool;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts/s from a filled spool to a local server answering 200 (JDK httpserver on 127.0.0.1,
 * which is part of what is measured). Prints the figures; no timing assertions.
 * {@code -Dcrowsnest.http.n=…} changes N (default 100,000 per flavor).
 */
class HttpThroughputTest {
    static final int N = Integer.getInteger("crowsnest.http.n", 100_000);
    static final byte[] MARK = "\"pcap_cnt\":".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path tmp;

    @Test
    void throughputToLocal200Server() throws Exception {
        for (HttpFlavor f : HttpFlavor.values()) {
            run(f, false, false);
        }
        run(HttpFlavor.WEBHOOK, true, false);
        run(HttpFlavor.SPLUNK_HEC, false, true);
    }

    private void run(HttpFlavor flavor, boolean gzip, boolean hecAck) throws Exception {
        AtomicLong received = new AtomicLong();
        AtomicLong ackIds = new AtomicLong();
        String answer = flavor == HttpFlavor.ELASTIC_BULK ? "{\"took\":1,\"errors\":false,\"items\":[]}"
                : flavor == HttpFlavor.SPLUNK_HEC ? "{\"text\":\"Success\",\"code\":0}" : "{}";
        try (TestHttpServer srv = TestHttpServer.create(null, r -> {
            if (r.path().endsWith("/ack")) {
                String id = r.text().replaceAll("[^0-9]", "");
                return Reply.of(200, "{\"acks\":{\"" + id + "\":true}}");
            }
            received.addAndGet(count(r.body()));
            if (hecAck) {
                return Reply.of(200, "{\"text\":\"Success\",\"code\":0,\"ackId\":" + ackIds.getAndIncrement() + "}");
            }
            return Reply.of(200, answer);
        })) {
            srv.keepBodies = false;
            srv.start();
            Path dir = tmp.resolve(flavor + "-" + gzip);
            try (Spool spool = Spool.builder(dir).open()) {
                EveJsonFormat format = new EveJsonFormat();
                ByteArrayOutputStream buf = new ByteArrayOutputStream(1024);
                long t0 = System.nanoTime();
                for (long i = 0; i < N; i++) {
                    buf.reset();
                    format.format(TestAlerts.seq(i), buf);
                    spool.append(buf.toByteArray(), 0, buf.size());
                }
                long t1 = System.nanoTime();
                HttpSender sender = HttpSender.builder(spool, URI.create("http://127.0.0.1:" + srv.port))
                        .flavor(flavor).gzip(gzip).splunkToken("t").batch(2000, 2 << 20, 5).backoff(20, 500)
                        .splunkAck(hecAck).splunkAckPoll(50, 10_000)
                        .start();
                try {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                    while (!spool.isDrained() && System.nanoTime() < deadline) {
                        Thread.sleep(5);
                    }
                } finally {
                    sender.close(0);
                }
                long t2 = System.nanoTime();
                assertEquals(N, received.get());
                System.out.printf("HTTP throughput %-12s gzip=%-5s ack(poll 50 ms)=%-5s: %,d alerts: spool append %,.0f alerts/s, "
                                + "delivery %,.0f alerts/s (%d requests, %d connections)%n", flavor, gzip, hecAck, N,
                        N / ((t1 - t0) / 1e9), N / ((t2 - t1) / 1e9), sender.requests(), sender.connects());
            }
        }
    }

    private static long count(byte[] b) {
        long n = 0;
        outer:
        for (int i = 0; i + MARK.length <= b.length; i++) {
            for (int k = 0; k < MARK.length; k++) {
                if (b[i + k] != MARK[k]) {
                    continue outer;
                }
            }
            n++;
        }
        return n;
    }
}
