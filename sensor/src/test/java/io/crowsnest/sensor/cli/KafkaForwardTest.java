package io.crowsnest.sensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crowsnest.outputs.kafka.KraftBroker;
import io.crowsnest.sensor.SharedData;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replay … --forward kafka://…} end to end, the CLI run in-process against a real Kafka
 * broker (KRaft, a child JVM on 127.0.0.1; outputs' test {@link KraftBroker}): every alert the
 * replay writes to eve.json is read back from the topic by a consumer, the same alerts (sid,
 * flow_id, timestamp) the same number of times; over PLAINTEXT, over TLS with SCRAM-SHA-512,
 * and with the broker down during the run (delivered by the next run from the spool).
 */
class KafkaForwardTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path brokerDir;
    private static KraftBroker broker;

    private final CliRun cli = new CliRun();

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

    private static Path demo() {
        return SharedData.projectRoot().resolve("pcaps/demo-container-attacks.pcap");
    }

    @Test
    void everyAlertOfTheDemoReplayIsReadBackFromTheTopic(@TempDir Path dir) throws Exception {
        broker.createTopic("alerts", 4, Map.of());
        String url = "kafka://" + broker.bootstrap() + "/alerts?acks=all";
        assertEquals(0, cli.run("replay", demo().toString(), "--forward", url, "--out", dir.resolve("out").toString(),
                "--spool-dir", dir.resolve("spool").toString(), "--no-progress"), cli.err);
        assertFalse(cli.err.contains("kafka"), "no forwarding trouble: " + cli.err);

        List<String> written = alertsIn(dir.resolve("out/eve.json"));
        assertEquals(6, written.size(), "the demo's six alerts: " + written);
        assertEquals(written, readBack(broker.bootstrap(), "alerts", written.size()));
    }

    @Test
    void overTlsWithScramTheSameAlertsArrive(@TempDir Path dir) throws Exception {
        broker.createTopic("alerts-sasl", 4, Map.of());
        String url = "kafka://" + broker.saslSslBootstrap() + "/alerts-sasl?acks=all&tls=true"
                + "&ca=" + URLEncoder.encode(broker.certs().ca.toString(), StandardCharsets.UTF_8)
                + "&sasl=scram-sha-512&user=" + KraftBroker.USER
                + "&password=" + URLEncoder.encode(KraftBroker.PASSWORD, StandardCharsets.UTF_8);
        assertEquals(0, cli.run("replay", demo().toString(), "--forward", url, "--out", dir.resolve("out").toString(),
                "--spool-dir", dir.resolve("spool").toString(), "--no-progress"), cli.err);
        assertFalse(cli.err.contains("kafka"), "no forwarding trouble: " + cli.err);

        List<String> written = alertsIn(dir.resolve("out/eve.json"));
        assertEquals(6, written.size(), written.toString());
        assertEquals(written, readBack(broker.bootstrap(), "alerts-sasl", written.size()));
    }

    @Test
    void withTheBrokerDownTheAlertsWaitInTheSpoolAndTheNextRunDeliversThem(@TempDir Path dir) throws Exception {
        // a broker of its own, formatted but not started: its port refuses connections during the first run
        try (KraftBroker late = KraftBroker.create(dir.resolve("broker"))) {
            String url = "kafka://" + late.bootstrap() + "/alerts-late?acks=all";
            Path spool = dir.resolve("spool");
            long t0 = System.nanoTime();
            assertEquals(0, cli.run("replay", demo().toString(), "--forward", url, "--out", dir.resolve("a").toString(),
                    "--spool-dir", spool.toString(), "--no-progress"), cli.err);
            System.out.printf("kafka forward, broker down: the replay ended after %.1f s%n", (System.nanoTime() - t0) / 1e9);
            // the run is over before the producer's 5 s wait for metadata: the line at close says why
            assertTrue(cli.err.contains("crowsnest: forward kafka " + late.bootstrap() + "/alerts-late: stopping with alerts"
                    + " Kafka has not acknowledged (no broker reachable at " + late.bootstrap() + ")"), cli.err);
            assertTrue(cli.err.contains("they stay spooled for the next start"), cli.err);
            List<String> written = alertsIn(dir.resolve("a/eve.json"));
            assertEquals(6, written.size(), written.toString());

            late.start();
            late.createTopic("alerts-late", 4, Map.of());
            // the next run replays a capture without alerts: whatever arrives comes from the spool
            Path quiet = SharedData.externalPcap("normal/zeek-http-get.pcap");
            assertEquals(0, cli.run("replay", quiet.toString(), "--forward", url, "--out", dir.resolve("b").toString(),
                    "--spool-dir", spool.toString(), "--no-progress"), cli.err);
            assertEquals(List.of(), alertsIn(dir.resolve("b/eve.json")), "the second capture has no alerts");
            assertEquals(written, readBack(late.bootstrap(), "alerts-late", written.size()));
        }
    }

    /** (sid, flow_id, timestamp) of each alert in an eve.json, sorted. */
    private static List<String> alertsIn(Path eve) throws IOException {
        List<String> keys = new ArrayList<>();
        if (Files.exists(eve)) {
            for (String line : Files.readAllLines(eve)) {
                JsonNode e = JSON.readTree(line);
                if (e.path("event_type").asText().equals("alert")) {
                    keys.add(key(e));
                }
            }
        }
        keys.sort(null);
        return keys;
    }

    private static String key(JsonNode eve) {
        return "sid " + eve.path("alert").path("signature_id").asLong() + " flow " + eve.path("flow_id").asLong()
                + " at " + eve.path("timestamp").asText();
    }

    /**
     * Every record of {@code topic} from the beginning, as (sid, flow_id, timestamp), sorted: read
     * until {@code expected} arrived, then one more second for any extra (a duplicate would show).
     */
    private static List<String> readBack(String bootstrap, String topic, int expected) throws IOException {
        List<String> keys = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "key.deserializer", ByteArrayDeserializer.class.getName(),
                "value.deserializer", ByteArrayDeserializer.class.getName(),
                "enable.metrics.push", false))) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(topic, Duration.ofSeconds(20)).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    JsonNode e = JSON.readTree(r.value());
                    assertEquals(String.valueOf(e.path("flow_id").asLong()), new String(r.key(), StandardCharsets.US_ASCII),
                            "the record key is the alert's flow_id");
                    keys.add(key(e));
                }
                if (keys.size() >= expected && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                }
            }
        }
        keys.sort(null);
        return keys;
    }
}
