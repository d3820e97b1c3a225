package io.crowsnest.outputs.kafka;

import static io.crowsnest.outputs.kafka.KafkaDeliveryTest.consume;
import static io.crowsnest.outputs.kafka.KafkaDeliveryTest.fill;
import static io.crowsnest.outputs.kafka.KafkaDeliveryTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.outputs.kafka.KafkaDeliveryTest.Delivered;
import io.crowsnest.outputs.spool.Spool;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Kafka output over TLS and SASL against a real broker (KRaft, a child JVM on 127.0.0.1,
 * one for the class: {@link KraftBroker#createSecured}): a throw-away CA signs the broker's
 * certificate, PLAIN checks its JAAS users, SCRAM-SHA-256/512 the credentials formatted into the
 * cluster metadata. Every sender is built from a {@code kafka://} URL as the CLI builds it. The
 * alerts are read back over the broker's PLAINTEXT listener.
 */
class KafkaTlsSaslTest {
    @TempDir
    static Path brokerDir;
    private static KraftBroker broker;

    @TempDir
    Path tmp;
    private final List<String> errors = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KraftBroker.createSecured(brokerDir).start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    /** A sender for {@code url} (as {@code --forward} builds it), quick to retry, reporting into {@link #errors}. */
    private KafkaSender sender(Spool spool, String url) {
        return KafkaUrl.parse(url).builder(spool).backoff(50, 500).maxBlockMillis(2_000).closeGraceMillis(1_000)
                .errors(line -> {
                    errors.add(line);
                    System.err.println("[kafka tls/sasl test] " + line);
                }).start();
    }

    private static String enc(Object v) {
        return URLEncoder.encode(String.valueOf(v), StandardCharsets.UTF_8);
    }

    private static String tlsUrl(String topic, Path ca) {
        return "kafka://" + broker.sslBootstrap() + "/" + topic + "?tls=true&ca=" + enc(ca);
    }

    private static String saslUrl(String topic, String mechanism, boolean tls, String password) {
        return "kafka://" + (tls ? broker.saslSslBootstrap() : broker.saslPlaintextBootstrap()) + "/" + topic
                + "?sasl=" + mechanism + "&user=" + enc(KraftBroker.USER) + "&password=" + enc(password)
                + (tls ? "&tls=true&ca=" + enc(broker.certs().ca) : "");
    }

    /** Delivers the spool through a sender for {@code url}, then closes it. */
    private KafkaSender drain(Spool spool, String url, String what) throws Exception {
        KafkaSender s = sender(spool, url);
        try {
            waitFor(spool::isDrained, 30_000, what);
        } finally {
            s.close(0);
        }
        return s;
    }

    private static void assertAllOnce(Delivered d, int n) {
        assertEquals(n, d.distinct, "every alert: " + d);
        assertEquals(0, d.duplicates, "none twice: " + d);
        assertEquals(0, d.outOfOrder, "in order per partition: " + d);
    }

    // ---------------------------------------------------------------- TLS

    @Test
    void twoThousandAlertsOverTlsWithTheBrokersCertificateVerified() throws Exception {
        int n = 2_000;
        broker.createTopic("tls-ok", 4, Map.of());
        try (Spool spool = Spool.builder(tmp.resolve("spool")).open()) {
            fill(spool, 0, n);
            KafkaSender s = drain(spool, tlsUrl("tls-ok", broker.certs().ca), "2,000 alerts over TLS");
            assertEquals("SSL", s.producerConfig().get("security.protocol"));
            assertEquals(n, s.sentRecords());
        }
        assertAllOnce(consume(broker.bootstrap(), "tls-ok", n), n);
        assertTrue(errors.isEmpty(), errors.toString());
    }

    @Test
    void aWrongCaIsReportedOnceNamingTargetAndCauseAndTheAlertsWaitForTheRightOne() throws Exception {
        int n = 500;
        broker.createTopic("tls-wrong-ca", 4, Map.of());
        Path wrongCa = broker.certs().otherCa;
        try (Spool spool = Spool.builder(tmp.resolve("spool")).open()) {
            fill(spool, 0, n);
            KafkaSender s = sender(spool, tlsUrl("tls-wrong-ca", wrongCa));
            try {
                waitFor(() -> s.failures() >= 3, 30_000, "the handshake refused three times");
                assertEquals(0, s.sentRecords());
                assertFalse(spool.isDrained(), "kept in the spool");
            } finally {
                s.close(0);
            }
            String expected = "kafka " + broker.sslBootstrap() + "/tls-wrong-ca: TLS handshake with " + broker.sslBootstrap()
                    + " failed: unable to find valid certification path to requested target (the broker's certificate is"
                    + " not signed by a CA in ca=" + wrongCa + "); retrying";
            assertEquals(List.of(expected), errors.stream().filter(e -> e.endsWith("; retrying")).collect(Collectors.toList()),
                    "one line for three failures: " + errors);
            assertStaysSpooledSaysWhy("TLS handshake with " + broker.sslBootstrap() + " failed");
            assertOneLineEach();

            // the URL fixed (as a restarted sensor with the right ca= would): the same spool delivers everything
            errors.clear();
            KafkaSender fixed = drain(spool, tlsUrl("tls-wrong-ca", broker.certs().ca), "delivered with the right CA");
            assertEquals(n, fixed.sentRecords());
        }
        assertAllOnce(consume(broker.bootstrap(), "tls-wrong-ca", n), n);
        assertTrue(errors.isEmpty(), errors.toString());
    }

    // ---------------------------------------------------------------- SASL

    @ParameterizedTest(name = "{0}, tls={1}")
    @CsvSource({"plain, true", "scram-sha-256, true", "scram-sha-512, true", "scram-sha-512, false"})
    void aWrongPasswordIsReportedOnceWithoutItAndTheRightOneDeliversEverything(String mechanism, boolean tls)
            throws Exception {
        int n = 1_000;
        String topic = "sasl-" + mechanism + (tls ? "-tls" : "-plaintext");
        String bootstrap = tls ? broker.saslSslBootstrap() : broker.saslPlaintextBootstrap();
        String wrong = "Wrong-" + KraftBroker.PASSWORD;
        broker.createTopic(topic, 4, Map.of());
        try (Spool spool = Spool.builder(tmp.resolve("spool")).open()) {
            fill(spool, 0, n);
            KafkaSender s = sender(spool, saslUrl(topic, mechanism, tls, wrong));
            try {
                waitFor(() -> s.failures() >= 3, 30_000, "authentication refused three times");
                assertEquals(0, s.sentRecords());
                assertFalse(spool.isDrained(), "kept in the spool");
            } finally {
                s.close(0);
            }
            List<String> reported = errors.stream().filter(e -> e.endsWith("; retrying")).collect(Collectors.toList());
            assertEquals(1, reported.size(), "one line for three failures: " + errors);
            String upper = mechanism.toUpperCase(java.util.Locale.ROOT);
            assertTrue(reported.get(0).startsWith("kafka " + bootstrap + "/" + topic + ": authentication failed with "
                    + bootstrap + " (SASL " + upper + ", user '" + KraftBroker.USER + "'): "), reported.get(0));
            assertStaysSpooledSaysWhy("authentication failed with " + bootstrap);
            for (String e : errors) {
                assertFalse(e.contains(wrong) || e.contains(KraftBroker.PASSWORD), "no password in: " + e);
            }
            assertOneLineEach();

            errors.clear();
            KafkaSender right = drain(spool, saslUrl(topic, mechanism, tls, KraftBroker.PASSWORD),
                    "delivered with the right password");
            assertEquals(n, right.sentRecords());
            assertEquals(tls ? "SASL_SSL" : "SASL_PLAINTEXT", right.producerConfig().get("security.protocol"));
            assertEquals(upper, right.producerConfig().get("sasl.mechanism"));
        }
        assertAllOnce(consume(broker.bootstrap(), topic, n), n);
        assertTrue(errors.isEmpty(), errors.toString());
    }

    // ---------------------------------------------------------------- throughput (printed, not asserted)

    /**
     * Alerts/s from a filled spool over TLS with SCRAM-SHA-512 (the broker a child JVM on the
     * same two cores). {@code -Dcrowsnest.kafka.n=…} changes N (default 100,000).
     */
    @Test
    void throughputOverTlsAndScramFromAFilledSpool() throws Exception {
        int n = Integer.getInteger("crowsnest.kafka.n", 100_000);
        broker.createTopic("sasl-bench", 4, Map.of());
        try (Spool spool = Spool.builder(tmp.resolve("bench")).open()) {
            fill(spool, 0, n);
            long bytes = spool.pendingBytes();
            long t0 = System.nanoTime();
            KafkaSender s = sender(spool, saslUrl("sasl-bench", "scram-sha-512", true, KraftBroker.PASSWORD));
            try {
                waitFor(spool::isDrained, 120_000, "bench drained");
            } finally {
                s.close(0);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("kafka throughput (SASL_SSL, SCRAM-SHA-512): %d alerts (%.1f MiB of EVE JSON) acknowledged"
                    + " in %.2f s = %.0f alerts/s%n", n, bytes / 1048576.0, secs, n / secs);
            assertEquals(n, s.sentRecords());
        }
        assertTrue(errors.isEmpty(), errors.toString());
    }

    /** The sender's last line (at close): the alerts stay spooled, for the reason given, not "no broker reachable". */
    private void assertStaysSpooledSaysWhy(String reason) {
        String last = errors.get(errors.size() - 1);
        assertTrue(last.contains("(last error: " + reason) && last.endsWith("they stay spooled for the next start"), last);
        assertFalse(last.contains("no broker reachable"), "the broker answered: " + last);
    }

    private void assertOneLineEach() {
        for (String e : errors) {
            assertFalse(e.contains("\n") || e.contains("\tat "), "one line, no stack trace: " + e);
        }
    }
}
