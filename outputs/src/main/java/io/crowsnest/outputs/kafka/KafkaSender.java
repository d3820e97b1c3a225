package io.crowsnest.outputs.kafka;

import io.crowsnest.outputs.spool.Backoff;
import io.crowsnest.outputs.spool.Spool;
import io.crowsnest.outputs.spool.SpoolSender;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Drains a {@link Spool} of EVE JSON records to a Kafka topic, on its own thread, through an
 * idempotent producer with {@code acks=all}.
 *
 * <p>Delivery is at-least-once: the spool is acknowledged only up to records Kafka has
 * acknowledged (the producer callback), in spool order ({@link InFlight}). At most
 * {@code maxInFlightRecords} records are handed to the producer and not yet acknowledged, so
 * the producer's memory stays bounded and a broker outage leaves the backlog in the spool.
 *
 * <p>Short outages (a broker restart, a leader election) are absorbed by the producer itself:
 * it retries in-flight records until {@code delivery.timeout.ms}, and idempotence (producer id
 * and per-partition sequence numbers, which the broker keeps across its restart) means a retry
 * of a record that was written already is not written twice. When the producer gives up (the
 * delivery timeout passed, no metadata for the topic within {@code max.block.ms}, refused by
 * an ACL, authentication failed…) the sender reports one line naming the target and the cause,
 * aborts that producer, rewinds the spool to the last acknowledged record and, after a capped
 * exponential backoff with jitter (the n-th consecutive failure waits a random time in
 * [d/2, d], d = min(max, initial·2^(n-1))), starts again with a new producer. Records Kafka had
 * written but whose acknowledgement was lost in the abort are sent again then: duplicates are
 * possible after such a failure, loss is not.
 *
 * <p><b>One request in flight per broker</b> ({@code max.in.flight.requests.per.connection=1},
 * so the producer also holds back a partition's next batch while one is in flight). Brokers
 * before Kafka 4.5 (KAFKA-15591) take any first sequence number from a producer they hold no
 * state for on a partition. With several requests in flight, the first one to a just-created
 * partition (created by an operator, auto-created by our first send, or partitions added) could
 * be refused with NOT_LEADER_OR_FOLLOWER while the broker was still applying the topic, and the
 * next one, already sent, accepted as the producer's first; every retry of the first was then
 * refused as OUT_OF_ORDER_SEQUENCE_NUMBER until the delivery timeout: 2 minutes without
 * progress, then a rewind, the later records of that partition twice and out of order. With one
 * request at a time the refused batch is retried before anything after it is sent. The cost is
 * the pipelining: per round trip to a broker at most one batch (256 KiB, ~740 alerts) per
 * partition and 1 MiB in all. On 127.0.0.1 that is no slower (the CPU is the limit); over a
 * 30 ms link it caps a one-partition topic near 25,000 alerts/s, four partitions or more near
 * 100,000.
 *
 * <p><b>Poison records</b>: a record the broker can never take (too large for the topic's
 * {@code max.message.bytes}, refused as invalid) would block the spool forever; it is reported,
 * counted in {@link #poisonRecords()} and skipped. Authorization errors are retried instead
 * (someone can fix the ACL; dropping every alert until then would be worse).
 *
 * <p>The record key is the alert's {@code flow_id} ({@link AlertKey}); the value is the record
 * as spooled (the EVE JSON line).
 */
public final class KafkaSender implements AutoCloseable, SpoolSender {
    private final Spool spool;
    private final String bootstrap;
    private final String topic;
    private final Map<String, Object> producerConfig;
    private final KafkaSecurity security;
    private final int maxInFlightRecords;
    private final int pollRecords;
    private final long initialBackoffMillis;
    private final long maxBackoffMillis;
    private final long closeGraceMillis;
    private final Consumer<String> errors;

    private final Thread thread;
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile boolean running = true;

    private final Spool.Batch pollBatch = new Spool.Batch();
    private final InFlight inFlight = new InFlight();
    /** Used by the sender thread; {@link #close} aborts it from outside when a send() is blocked. */
    private volatile KafkaProducer<byte[], byte[]> producer;
    /** First error a callback reported since the last recovery; the sender thread acts on it. */
    private volatile Exception failure;

    private final AtomicLong sentRecords = new AtomicLong();
    private final AtomicLong poisonRecords = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong producersStarted = new AtomicLong();
    private volatile long lastBackoffMillis;
    private volatile String lastError;
    /** Whether a broker ever answered (tells "unreachable" from other reasons at shutdown). */
    private volatile boolean reachedBroker;

    private KafkaSender(Builder b) {
        this.spool = b.spool;
        this.bootstrap = b.bootstrap;
        this.topic = b.topic;
        this.maxInFlightRecords = b.maxInFlightRecords;
        this.pollRecords = Math.min(1000, b.maxInFlightRecords);
        this.initialBackoffMillis = b.initialBackoffMillis;
        this.maxBackoffMillis = b.maxBackoffMillis;
        this.closeGraceMillis = b.closeGraceMillis;
        this.security = b.security;
        // no report may carry the password, whatever a Kafka message quotes
        String secret = b.saslPassword;
        this.errors = secret == null || secret.isEmpty() ? b.errors : line -> b.errors.accept(line.replace(secret, "***"));
        this.producerConfig = b.producerConfig();
        this.thread = new Thread(this::run, "kafka-sender-" + topic);
        this.thread.setDaemon(true);
    }

    /** A sender to {@code topic} on the cluster reached through {@code bootstrap} ("HOST:PORT,HOST:PORT"). */
    public static Builder builder(Spool spool, String bootstrap, String topic) {
        return new Builder(spool, bootstrap, topic);
    }

    /** Configuration of a sender. */
    public static final class Builder {
        private final Spool spool;
        private final String bootstrap;
        private final String topic;
        private String acks = "all";
        private String compression = "none";
        private int lingerMillis = 5;
        private String clientId = "crowsnest";
        private int maxInFlightRecords = 20_000;
        private long initialBackoffMillis = 100;
        private long maxBackoffMillis = 30_000;
        private int maxBlockMillis = 5_000;
        private int deliveryTimeoutMillis = 120_000;
        private long closeGraceMillis = 2_000;
        private KafkaSecurity security = KafkaSecurity.NONE;
        private String saslPassword;
        private final Map<String, Object> extra = new LinkedHashMap<>();
        private Consumer<String> errors = line -> System.err.println(line);

        private Builder(Spool spool, String bootstrap, String topic) {
            this.spool = spool;
            this.bootstrap = bootstrap;
            this.topic = topic;
        }

        /** "all" (default, with idempotence) or "1" (leader only, no idempotence). */
        public Builder acks(String v) {
            if (!v.equals("all") && !v.equals("1") && !v.equals("-1")) {
                throw new IllegalArgumentException("acks must be all or 1 (0 has no acknowledgement to release the spool)");
            }
            this.acks = v.equals("-1") ? "all" : v;
            return this;
        }

        /** none (default), gzip, lz4, zstd or snappy. */
        public Builder compression(String v) {
            switch (v) {
                case "none": case "gzip": case "lz4": case "zstd": case "snappy": break;
                default: throw new IllegalArgumentException("compression must be none, gzip, lz4, zstd or snappy");
            }
            this.compression = v;
            return this;
        }

        /** How long the producer waits for a batch to fill (default 5 ms). */
        public Builder lingerMillis(int v) { this.lingerMillis = v; return this; }

        public Builder clientId(String v) { this.clientId = v; return this; }

        /** Records handed to the producer and not yet acknowledged, at most (default 20,000). */
        public Builder maxInFlightRecords(int v) { this.maxInFlightRecords = Math.max(1, v); return this; }

        public Builder backoff(long initialMillis, long maxMillis) {
            this.initialBackoffMillis = initialMillis;
            this.maxBackoffMillis = maxMillis;
            return this;
        }

        /** How long to wait for the topic's metadata before reporting the cluster unreachable (default 5 s). */
        public Builder maxBlockMillis(int v) { this.maxBlockMillis = v; return this; }

        /** How long the producer retries a record before giving up on it (default 120 s). */
        public Builder deliveryTimeoutMillis(int v) { this.deliveryTimeoutMillis = v; return this; }

        /** How long stopping waits for records in flight to be acknowledged (default 2 s). */
        public Builder closeGraceMillis(long v) { this.closeGraceMillis = v; return this; }

        /**
         * Connects with TLS, verifying the brokers' certificates and host names against the CAs
         * in {@code caFile} (PEM), or against the JDK trust store when it is null.
         */
        public Builder tls(String caFile) {
            this.security = security.withTls(caFile);
            return this;
        }

        /**
         * Authenticates with SASL {@code mechanism} (plain, scram-sha-256 or scram-sha-512) as
         * {@code user}; over TLS when {@link #tls} is set too. Errors name the mechanism and the
         * user, never the password.
         */
        public Builder sasl(String mechanism, String user, String password) {
            this.security = security.withSasl(mechanism, user);
            this.saslPassword = password;
            return this;
        }

        /** Any other producer setting; applied last. */
        public Builder property(String name, Object value) { this.extra.put(name, value); return this; }

        public Builder errors(Consumer<String> v) { this.errors = v; return this; }

        /** The producer settings this builder stands for. */
        Map<String, Object> producerConfig() {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            c.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
            c.put(ProducerConfig.ACKS_CONFIG, acks);
            // idempotence needs acks=all; with acks=1 (asked for explicitly) the producer may duplicate on retry
            c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "all".equals(acks));
            // one produce request at a time per broker: see "One request in flight" in the class comment
            c.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
            c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
            c.put(ProducerConfig.LINGER_MS_CONFIG, lingerMillis);
            c.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
            // how long send() may wait for the topic's metadata: the time to notice an unreachable cluster
            c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlockMillis);
            c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryTimeoutMillis);
            c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(30_000, deliveryTimeoutMillis - lingerMillis));
            // no client metrics pushed to the broker (KIP-714): nothing to gain, one more thing to fail
            c.put(ProducerConfig.ENABLE_METRICS_PUSH_CONFIG, false);
            c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            security.configure(c, saslPassword);
            c.putAll(extra);
            return c;
        }

        /** Builds and starts the sender thread. */
        public KafkaSender start() {
            KafkaSender s = new KafkaSender(this);
            s.thread.start();
            return s;
        }
    }

    // ---------------------------------------------------------------- sender thread

    private void run() {
        int failuresInRow = 0;
        long sentAtLastFailure = 0;
        try {
            while (running) {
                if (failure != null) {
                    recover(failure);
                    failuresInRow = sentRecords.get() > sentAtLastFailure ? 1 : failuresInRow + 1;
                    sentAtLastFailure = sentRecords.get();
                    backoff(failuresInRow);
                    continue;
                }
                ackDone();
                if (failuresInRow > 0 && sentRecords.get() > sentAtLastFailure) {
                    errors.accept(name() + ": delivering again");
                    lastError = null;
                    failuresInRow = 0;
                }
                int room = maxInFlightRecords - inFlight.records();
                if (room <= 0) {
                    inFlight.awaitProgress(20);
                    continue;
                }
                // while records are in flight, come back soon to acknowledge them in the spool
                int n = spool.poll(pollBatch, Math.min(room, pollRecords), 1 << 20, inFlight.isEmpty() ? 200 : 2);
                if (n > 0) {
                    send(n);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            errors.accept(name() + ": sender stopped: " + e);
        } finally {
            boolean reached = reachedBroker || sentRecords.get() > 0 || connected();
            shutdownProducer();
            if (!spool.isDrained()) {
                errors.accept(name() + ": stopping with alerts Kafka has not acknowledged"
                        + (reached ? "" : " (no broker reachable at " + bootstrap + ")")
                        + (lastError != null ? " (last error: " + lastError + ")" : "")
                        + "; they stay spooled for the next start");
            }
        }
    }

    private void send(int n) {
        if (producer == null) {
            try {
                producer = new KafkaProducer<>(producerConfig);
            } catch (RuntimeException e) {
                // e.g. no bootstrap host resolves (DNS not ready yet), unreadable CA file: retried after a backoff
                failure = e;
                return;
            }
            producersStarted.incrementAndGet();
        }
        InFlight.Batch batch = inFlight.open(pollBatch.endPosition(), n);
        for (int i = 0; i < n; i++) {
            if (failure != null) {
                return; // e.g. no metadata: every further send() would wait max.block.ms again
            }
            byte[] value = pollBatch.copy(i);
            byte[] key = AlertKey.of(value, 0, value.length);
            try {
                producer.send(new ProducerRecord<>(topic, key, value), new Ack(batch, value.length));
            } catch (RuntimeException e) {
                // thrown rather than passed to the callback: the producer is unusable (closed, fatal state)
                if (failure == null) {
                    failure = e;
                }
                return;
            }
        }
    }

    /** The producer callback of one record. */
    private final class Ack implements Callback {
        private final InFlight.Batch batch;
        private final int bytes;

        Ack(InFlight.Batch batch, int bytes) {
            this.batch = batch;
            this.bytes = bytes;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception e) {
            if (e == null) {
                sentRecords.incrementAndGet();
                inFlight.done(batch);
            } else if (KafkaErrors.isPoison(e)) {
                long n = poisonRecords.incrementAndGet();
                if (n == 1 || Long.bitCount(n) == 1) {
                    errors.accept(name() + ": record of " + bytes + " bytes dropped: "
                            + KafkaErrors.describe(e, bootstrap, topic, true, security) + " (" + n + " dropped so far)");
                }
                inFlight.done(batch);
            } else if (failure == null) {
                failure = e;
            }
        }
    }

    /** Acknowledges in the spool every record up to the first one Kafka has not acknowledged. */
    private void ackDone() {
        long end = inFlight.takeDone();
        if (end >= 0) {
            spool.ack(end);
        }
    }

    /** Reports the failure, drops the producer and everything in flight, and rewinds the spool. */
    private void recover(Exception e) {
        failures.incrementAndGet();
        boolean connected = connected();
        reachedBroker |= connected || KafkaErrors.isBrokerAnswer(e);
        reportOnce(KafkaErrors.describe(e, bootstrap, topic, connected, security));
        abortProducer();
        ackDone(); // batches that did complete before the failure need not be sent again
        inFlight.clear();
        spool.rewind();
        failure = null;
    }

    /** Whether the producer holds a connection to any broker (producer-metrics connection-count). */
    private boolean connected() {
        if (producer == null) {
            return false;
        }
        for (Map.Entry<MetricName, ? extends Metric> m : producer.metrics().entrySet()) {
            if (m.getKey().name().equals("connection-count") && m.getKey().group().equals("producer-metrics")) {
                Object v = m.getValue().metricValue();
                return v instanceof Number && ((Number) v).doubleValue() > 0;
            }
        }
        return false;
    }

    /** Closes the producer at once: records still in flight fail (their callbacks run before this returns). */
    private void abortProducer() {
        if (producer != null) {
            try {
                producer.close(Duration.ZERO);
            } catch (RuntimeException ignored) {
                // closing a broken producer: nothing more to learn from it
            }
            producer = null;
        }
    }

    /** On the way out: gives records in flight a moment to be acknowledged, then acknowledges them. */
    private void shutdownProducer() {
        if (producer != null) {
            try {
                producer.close(Duration.ofMillis(failure == null ? closeGraceMillis : 0));
            } catch (RuntimeException ignored) {
                // the rest stays spooled
            }
            producer = null;
        }
        ackDone();
    }

    private String name() {
        return "kafka " + bootstrap + "/" + topic;
    }

    private void backoff(int failuresInRow) throws InterruptedException {
        long wait = Backoff.delayMillis(initialBackoffMillis, maxBackoffMillis, failuresInRow);
        lastBackoffMillis = wait;
        stop.await(wait, TimeUnit.MILLISECONDS);
    }

    /** Reports a failure unless it repeats the previous one (no flood while the broker is down). */
    private void reportOnce(String what) {
        if (!what.equals(lastError)) {
            errors.accept(name() + ": " + what + "; retrying");
            lastError = what;
        }
    }

    // ---------------------------------------------------------------- stats

    /** Records Kafka acknowledged. */
    public long sentRecords() { return sentRecords.get(); }

    /** Records dropped because the broker can never take them (too large, invalid). */
    public long poisonRecords() { return poisonRecords.get(); }

    /** Times the producer gave up and the spool was rewound. */
    public long failures() { return failures.get(); }

    /** Producers created (1 + one per recovery that sent again). */
    public long producersStarted() { return producersStarted.get(); }

    public long lastBackoffMillis() { return lastBackoffMillis; }

    /** The last error reported, null once delivering again. */
    public String lastError() { return lastError; }

    /** The producer settings in use (for diagnostics). */
    public Map<String, Object> producerConfig() {
        return java.util.Collections.unmodifiableMap(producerConfig);
    }

    /**
     * Waits up to {@code drainMillis} for the spool to drain, then stops: records in flight get
     * {@code closeGraceMillis} to be acknowledged; the rest stays spooled for the next start.
     */
    @Override
    public void close(long drainMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(drainMillis);
        while (System.nanoTime() < deadline && !spool.isDrained() && thread.isAlive()) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        running = false;
        stop.countDown();
        try {
            thread.join(closeGraceMillis + 1_000L);
            if (thread.isAlive()) {
                // blocked in send() waiting for metadata (broker down): closing the producer wakes it
                KafkaProducer<byte[], byte[]> p = producer;
                if (p != null) {
                    p.close(Duration.ZERO);
                }
                thread.join(15_000L);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException ignored) {
            // the producer was being closed by its own thread at the same moment
        }
    }

    @Override
    public void close() {
        close(0);
    }
}
