package io.crowsnest.outputs.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.detection.alert.Alert;
import io.crowsnest.outputs.format.AlertFormat;
import io.crowsnest.outputs.format.Rfc3164Format;
import io.crowsnest.outputs.format.Rfc5424Format;
import io.crowsnest.outputs.format.TestAlerts;
import io.crowsnest.outputs.spool.Spool;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delivery to a real rsyslogd (Debian packages rsyslog, rsyslog-gnutls), verified in its output file. */
class RsyslogDeliveryTest {
    /** 10,000 by default; -Dcrowsnest.syslog.n=200000 for a longer throughput run. */
    static final int N = Integer.getInteger("crowsnest.syslog.n", 10_000);
    static final Pattern SEQ = Pattern.compile("\"pcap_cnt\":(\\d+)");

    @TempDir
    Path tmp;

    final List<String> log = new CopyOnWriteArrayList<>();

    static void await(String what, long seconds, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Sequence number -> times seen, over the given servers' output files. */
    static Map<Long, Integer> seen(Rsyslog... servers) {
        Map<Long, Integer> m = new HashMap<>();
        for (Rsyslog r : servers) {
            try {
                for (String line : r.lines()) {
                    Matcher mm = SEQ.matcher(line);
                    if (mm.find()) {
                        m.merge(Long.parseLong(mm.group(1)), 1, Integer::sum);
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return m;
    }

    SyslogAlertOutput output(AlertFormat format, Path spoolDir,
                             java.util.function.Function<Spool, SyslogSender.Builder> sender) throws Exception {
        Spool spool = Spool.builder(spoolDir).errors(log::add).open();
        return new SyslogAlertOutput(format, spool, sender.apply(spool).errors(log::add).start(), 10_000);
    }

    private void sendAndVerify(Rsyslog server, SyslogSender.Transport transport, TestCerts certs) throws Exception {
        server.start();
        Path spoolDir = tmp.resolve("spool");
        Spool spool = Spool.builder(spoolDir).errors(log::add).open();
        SyslogSender.Builder sb = SyslogSender.builder(spool, "127.0.0.1", server.port).transport(transport)
                .backoff(50, 1000).errors(log::add);
        if (certs != null) {
            sb.caFile(certs.ca);
        }
        try (server; SyslogAlertOutput out = new SyslogAlertOutput(new Rfc3164Format(16, "sensor"), spool, sb.start(), 10_000)) {
            Alert a = TestAlerts.seq(0);
            long t0 = System.nanoTime();
            for (int i = 0; i < N; i++) {
                a.pcapCount = i;
                out.write(a);
            }
            long tWritten = System.nanoTime();
            await("spool drained", 60, spool::isDrained);
            long tSent = System.nanoTime();
            await(N + " messages in rsyslog's file", 60, () -> seen(server).size() == N);
            long tArrived = System.nanoTime();
            Map<Long, Integer> s = seen(server);
            for (long i = 0; i < N; i++) {
                assertTrue(s.containsKey(i), "missing " + i);
            }
            long dups = s.values().stream().filter(v -> v > 1).count();
            System.out.printf("%s: %d alerts: appended in %.1f ms (%.0f/s), sent in %.1f ms (%.0f alerts/s), "
                            + "in rsyslog's file after %.1f ms (%.0f alerts/s end to end), duplicates %d, connects %d%n",
                    transport, N, ms(t0, tWritten), N / sec(t0, tWritten), ms(t0, tSent), N / sec(t0, tSent),
                    ms(t0, tArrived), N / sec(t0, tArrived), dups, out.sender().connects());
            assertEquals(0, dups);
            assertEquals(0, spool.droppedRecords() + spool.failedAppends() + spool.corruptRecords());
            assertEquals(1, out.sender().connects());
        }
    }

    static double ms(long a, long b) {
        return (b - a) / 1e6;
    }

    static double sec(long a, long b) {
        return (b - a) / 1e9;
    }

    @Test
    void tcpOctetCounted10k() throws Exception {
        Rsyslog server = new Rsyslog(tmp.resolve("rsyslog"), Rsyslog.freePort(), Rsyslog.Input.TCP, "out.log", Rsyslog.RAW);
        sendAndVerify(server, SyslogSender.Transport.TCP, null);
    }

    @Test
    void tls10k() throws Exception {
        TestCerts certs = TestCerts.make(tmp.resolve("certs"));
        Rsyslog server = new Rsyslog(tmp.resolve("rsyslog"), Rsyslog.freePort(), Rsyslog.Input.TLS, "out.log", Rsyslog.RAW)
                .tls(certs.ca, certs.cert, certs.key);
        sendAndVerify(server, SyslogSender.Transport.TLS, certs);
    }

    @Test
    void tlsRejectsServerWhoseCertificateDoesNotMatchTheName() throws Exception {
        TestCerts certs = TestCerts.make(tmp.resolve("certs"));
        TestCerts other = TestCerts.make(tmp.resolve("other-ca"));
        Rsyslog server = new Rsyslog(tmp.resolve("rsyslog"), Rsyslog.freePort(), Rsyslog.Input.TLS, "out.log", Rsyslog.RAW)
                .tls(certs.ca, certs.cert, certs.key);
        server.start();
        try (server) {
            // right CA, wrong name; then right name, wrong CA
            for (int k = 0; k < 2; k++) {
                int kk = k;
                try (SyslogAlertOutput out = output(new Rfc3164Format(16, "sensor"), tmp.resolve("spool" + k),
                        spool -> {
                            SyslogSender.Builder sb = SyslogSender.builder(spool, "127.0.0.1", server.port)
                                    .transport(SyslogSender.Transport.TLS).backoff(50, 200)
                                    .caFile(kk == 0 ? certs.ca : other.ca);
                            return kk == 0 ? sb.serverName("evil.example") : sb;
                        })) {
                    out.write(TestAlerts.seq(1));
                    SyslogSender s = out.sender();
                    await("failed handshakes", 30, () -> s.connectFailures() >= 2);
                    assertEquals(0, s.connects());
                    assertFalse(out.spool().isDrained());
                }
            }
            assertTrue(log.stream().anyMatch(l -> l.contains("TLS handshake failed")), log.toString());
            assertTrue(server.lines().isEmpty());
        }
    }

    @Test
    void rfc5424ParsesAsRfc5424InRsyslog() throws Exception {
        Rsyslog server = new Rsyslog(tmp.resolve("rsyslog"), Rsyslog.freePort(), Rsyslog.Input.TCP, "out.log", Rsyslog.PARSED);
        server.start();
        try (server; SyslogAlertOutput out = output(new Rfc5424Format(16, "sensor-1"), tmp.resolve("spool"),
                spool -> SyslogSender.builder(spool, "127.0.0.1", server.port).backoff(50, 1000))) {
            Alert hostile = TestAlerts.hostile();
            hostile.msg = "ET \"evil\" | a=b \\ c] ünï";   // no raw newline: rsyslog escapes control chars
            hostile.category = "Bad=cat|x\\y";
            out.write(hostile);
            out.write(TestAlerts.plain());
            await("2 lines", 60, () -> {
                try {
                    return server.lines().size() == 2;
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            List<String> lines = server.lines();
            // facility|severity (numeric)|hostname|app-name|procid|msgid|structured-data|msg, as rsyslog parsed them
            String json0 = lines.get(0).substring(lines.get(0).indexOf("]|{") + 2);
            assertEquals("16|2|sensor-1|crowsnest|-|alert|[crowsnest@32473 gid=\"1\" sid=\"2019401\" rev=\"3\""
                    + " action=\"allowed\" severity=\"1\" class=\"Bad=cat|x\\\\y\""
                    + " msg=\"ET \\\"evil\\\" | a=b \\\\ c\\] ünï\" proto=\"TCP\" src=\"10.0.0.1\""
                    + " sport=\"12345\" dst=\"192.168.1.2\" dport=\"80\"]|" + json0, lines.get(0));
            assertTrue(json0.startsWith("{\"timestamp\":\"2021-12-13T10:12:32.617443+0000\""), json0);
            assertTrue(json0.endsWith("\"category\":\"Bad=cat|x\\\\y\",\"severity\":1}}"), json0);
            assertTrue(lines.get(1).startsWith("16|4|sensor-1|crowsnest|-|alert|[crowsnest@32473 gid=\"1\""
                    + " sid=\"1\" rev=\"1\" action=\"allowed\" severity=\"3\" class=\"misc\" msg=\"ping\""
                    + " proto=\"IPv6-ICMP\" src=\"2001:0db8:0000:0000:0000:0000:0000:0001\""
                    + " dst=\"2001:0db8:0000:0000:0000:0000:0000:0002\"]|{\"timestamp\":\"2022-01-01T01:20:00.000005+0000\""),
                    lines.get(1));
        }
    }

    /**
     * rsyslogd is SIGKILLed mid-stream and restarted on the same port. Plain TCP syslog has no
     * acknowledgement, so what was in flight may be lost: the test asserts the sender reconnects
     * and that everything appended after the reconnect arrives, and prints the rest.
     */
    @Test
    void tcpServerKilledMidStream() throws Exception {
        int port = Rsyslog.freePort();
        Rsyslog first = new Rsyslog(tmp.resolve("rsyslog1"), port, Rsyslog.Input.TCP, "out.log", Rsyslog.RAW);
        Rsyslog second = new Rsyslog(tmp.resolve("rsyslog2"), port, Rsyslog.Input.TCP, "out.log", Rsyslog.RAW);
        first.start();
        try (first; second; SyslogAlertOutput out = output(new Rfc3164Format(16, "sensor"), tmp.resolve("spool"),
                spool -> SyslogSender.builder(spool, "127.0.0.1", port).backoff(20, 500))) {
            SyslogSender sender = out.sender();
            Alert a = TestAlerts.seq(0);
            int i = 0;
            for (; i < N * 3 / 10; i++) {
                a.pcapCount = i;
                out.write(a);
                if (i % 20 == 0) {
                    Thread.sleep(1); // a stream, not a burst: the kill lands while sending
                }
            }
            first.kill9();
            for (; i < N / 2; i++) {
                a.pcapCount = i;
                out.write(a); // spooled while the server is down
            }
            second.start();
            await("reconnect", 60, () -> sender.connects() >= 2);
            int firstAfterReconnect = i;
            for (; i < N; i++) {
                a.pcapCount = i;
                out.write(a);
            }
            await("spool drained", 60, out.spool()::isDrained);
            await("post-reconnect alerts in rsyslog's file", 60, () -> {
                Map<Long, Integer> m = seen(second);
                for (long k = firstAfterReconnect; k < N; k++) {
                    if (!m.containsKey(k)) {
                        return false;
                    }
                }
                return true;
            });
            Map<Long, Integer> all = seen(first, second);
            long arrived = all.size();
            long dups = all.values().stream().mapToLong(v -> v - 1).sum();
            long lostBefore = 0;
            for (long k = 0; k < firstAfterReconnect; k++) {
                if (!all.containsKey(k)) {
                    lostBefore++;
                }
            }
            System.out.printf("TCP kill -9 mid-stream: sent %d, distinct arrived %d, lost in flight %d (all before the"
                            + " reconnect), duplicates %d, connects %d, failed batches %d, connect failures %d%n",
                    N, arrived, lostBefore, dups, sender.connects(), sender.sendFailures(), sender.connectFailures());
            assertTrue(sender.connects() >= 2);
            assertEquals(N - lostBefore, arrived);
        }
    }

    /** UDP is fire-and-forget: count what arrived on loopback, assert only that it flows and is acked. */
    @Test
    void udpFireAndForget() throws Exception {
        int n = 1000;
        Rsyslog server = new Rsyslog(tmp.resolve("rsyslog"), Rsyslog.freePort(), Rsyslog.Input.UDP, "out.log", Rsyslog.RAW);
        server.start();
        try (server; SyslogAlertOutput out = output(new Rfc3164Format(16, "sensor"), tmp.resolve("spool"),
                spool -> SyslogSender.builder(spool, "127.0.0.1", server.port).transport(SyslogSender.Transport.UDP))) {
            Alert a = TestAlerts.seq(0);
            for (int i = 0; i < n; i++) {
                a.pcapCount = i;
                out.write(a);
                if (i % 50 == 0) {
                    Thread.sleep(1);
                }
            }
            await("spool drained", 60, out.spool()::isDrained);
            // the sender counts a batch after acknowledging it to the spool: wait for the count too
            await("all datagrams sent", 10, () -> out.sender().sentRecords() == n);
            assertEquals(n, out.sender().sentRecords());
            try {
                await("datagrams in rsyslog's file", 10, () -> seen(server).size() == n);
            } catch (AssertionError e) {
                // loss is allowed for UDP; reported below
            }
            Map<Long, Integer> got = seen(server);
            System.out.printf("UDP: sent %d datagrams, %d arrived (lowest seq %s, highest %s), send errors %d%n", n,
                    got.size(), got.keySet().stream().min(Long::compare).orElse(-1L),
                    got.keySet().stream().max(Long::compare).orElse(-1L), out.sender().udpErrors());
            assertFalse(seen(server).isEmpty());
        }
    }
}
