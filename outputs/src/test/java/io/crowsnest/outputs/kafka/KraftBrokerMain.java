package io.crowsnest.outputs.kafka;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A broker for trying the sensor by hand: {@code KraftBrokerMain PORT TOPIC SECONDS} starts a
 * single-node Kafka on 127.0.0.1:PORT in a temp dir, creates TOPIC (4 partitions), prints every
 * record that arrives (partition, key, start of the value) for SECONDS, then stops and removes
 * the temp dir. Run it from the outputs test classpath, then e.g.
 * {@code java -jar sensor/target/crowsnest.jar replay X.pcap --forward kafka://127.0.0.1:PORT/TOPIC?compression=zstd}.
 */
public final class KraftBrokerMain {
    private KraftBrokerMain() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String topic = args[1];
        long until = System.nanoTime() + Duration.ofSeconds(Long.parseLong(args[2])).toNanos();
        Path dir = Files.createTempDirectory("crowsnest-kafka-");
        try (KraftBroker broker = KraftBroker.create(dir, port).start()) {
            broker.createTopic(topic, 4, Map.of());
            System.out.println("broker up at " + broker.bootstrap() + ", topic " + topic);
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", broker.bootstrap(),
                    "key.deserializer", ByteArrayDeserializer.class.getName(),
                    "value.deserializer", ByteArrayDeserializer.class.getName()))) {
                List<TopicPartition> parts = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1),
                        new TopicPartition(topic, 2), new TopicPartition(topic, 3));
                c.assign(parts);
                c.seekToBeginning(parts);
                long n = 0;
                while (System.nanoTime() < until) {
                    for (var r : c.poll(Duration.ofMillis(200))) {
                        String v = new String(r.value(), StandardCharsets.UTF_8);
                        System.out.println("record " + (++n) + " partition " + r.partition() + " key "
                                + (r.key() == null ? null : new String(r.key(), StandardCharsets.US_ASCII)) + " "
                                + v.substring(0, Math.min(100, v.length())));
                    }
                }
            }
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
