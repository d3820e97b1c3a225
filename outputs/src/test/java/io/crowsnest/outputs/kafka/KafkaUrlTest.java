package io.crowsnest.outputs.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaUrlTest {
    private static Map<String, Object> producer(String url) {
        return KafkaUrl.parse(url).builder(null).producerConfig();
    }

    private static String error(String url) {
        return assertThrows(IllegalArgumentException.class, () -> KafkaUrl.parse(url)).getMessage();
    }

    @Test
    void severalBootstrapBrokersAndATopic() {
        KafkaUrl u = KafkaUrl.parse("kafka://k1.example:9092,10.0.0.2:9093,[::1]:9094/ids.alerts-v1");
        assertEquals(List.of("k1.example:9092", "10.0.0.2:9093", "[::1]:9094"), u.hosts());
        assertEquals("k1.example:9092,10.0.0.2:9093,[::1]:9094", u.bootstrap());
        assertEquals("ids.alerts-v1", u.topic());
        assertTrue(KafkaUrl.isKafka("KAFKA://h:1/t"));
        assertFalse(KafkaUrl.isKafka("http://h:1/t"));
    }

    @Test
    void defaultsAreAnIdempotentProducerWithAcksAll() {
        Map<String, Object> p = producer("kafka://127.0.0.1:9092/alerts");
        assertEquals("all", p.get("acks"));
        assertEquals(true, p.get("enable.idempotence"));
        assertEquals(1, p.get("max.in.flight.requests.per.connection"), "KAFKA-15591: see KafkaSender");
        assertEquals("none", p.get("compression.type"));
        assertEquals("127.0.0.1:9092", p.get("bootstrap.servers"));
        assertEquals(null, p.get("security.protocol"));
    }

    @Test
    void parametersBecomeProducerSettings() {
        Map<String, Object> p = producer("kafka://h:9092/alerts?acks=all&compression=zstd&linger_ms=20&client_id=sensor-3");
        assertEquals("zstd", p.get("compression.type"));
        assertEquals(20, p.get("linger.ms"));
        assertEquals("sensor-3", p.get("client.id"));

        Map<String, Object> tls = producer("kafka://h:9093/alerts?tls=true&ca=/etc/ca.pem");
        assertEquals("SSL", tls.get("security.protocol"));
        assertEquals("PEM", tls.get("ssl.truststore.type"));
        assertEquals("/etc/ca.pem", tls.get("ssl.truststore.location"));

        Map<String, Object> sasl = producer("kafka://h:9093/alerts?tls=true&sasl=scram-sha-512&user=ids&password=p%22w%5C");
        assertEquals("SASL_SSL", sasl.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", sasl.get("sasl.mechanism"));
        assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"ids\" password=\"p\\\"w\\\\\";",
                sasl.get("sasl.jaas.config"));

        Map<String, Object> one = producer("kafka://h:9092/alerts?acks=1");
        assertEquals("1", one.get("acks"));
        assertEquals(false, one.get("enable.idempotence"));
    }

    @Test
    void mistakesAreNamed() {
        assertTrue(error("kafka://h:9092").contains("needs a topic"));
        assertTrue(error("kafka://h/alerts").contains("not HOST:PORT"));
        assertTrue(error("kafka://h:99999/alerts").contains("port must be"));
        assertTrue(error("kafka://h:9092,/alerts").contains("not HOST:PORT"));
        assertTrue(error("kafka://::1:9092/alerts").contains("IPv6"));
        assertTrue(error("kafka://h:9092/bad topic").contains("not a Kafka topic name"));
        assertTrue(error("kafka://h:9092/").contains("not a Kafka topic name"));
        assertTrue(error("kafka://h:9092/a?acks=0").contains("acks must be all or 1"));
        assertTrue(error("kafka://h:9092/a?compression=brotli").contains("compression must be"));
        assertTrue(error("kafka://h:9092/a?linger_ms=-1").contains("linger_ms must be"));
        assertTrue(error("kafka://h:9092/a?tls=yes").contains("tls must be true or false"));
        assertTrue(error("kafka://h:9092/a?sasl=plain").contains("sasl needs user and password"));
        assertTrue(error("kafka://h:9092/a?user=u").contains("need sasl"));
        assertTrue(error("kafka://h:9092/a?lingerms=5").contains("unknown parameter 'lingerms'"));
    }
}
