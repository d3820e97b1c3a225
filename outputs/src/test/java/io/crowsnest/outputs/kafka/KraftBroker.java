package io.crowsnest.outputs.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka (broker and KRaft controller in one process, a child JVM), for tests.
 * Listens on 127.0.0.1 only; its log directory is the caller's (a temp dir). {@link #stop} and
 * {@link #start} again reuse the log directory and the ports, as a restarted broker would.
 *
 * <p>An authorizer is on with "allow everyone if no ACL", so every test works as the anonymous
 * user and a test can refuse one topic with a DENY ACL.
 *
 * <p>{@link #createSecured} adds three listeners beside the PLAINTEXT one (which the tests' admin
 * client and consumers keep using): SSL (TLS, no client authentication), SASL_SSL and
 * SASL_PLAINTEXT, both taking PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 for {@link #USER} /
 * {@link #PASSWORD}. The TLS certificate is made at test time ({@link BrokerCerts}); the SCRAM
 * credentials are written into the cluster metadata when the log directory is formatted
 * ({@code kafka-storage format --add-scram}), so they exist from the broker's first start.
 */
public final class KraftBroker implements AutoCloseable {
    /** The SASL user of a secured broker (every mechanism). */
    public static final String USER = "crowsnest-sensor";
    /** Its password. */
    public static final String PASSWORD = "Sensor-Pass.42";

    private final Path logDir;
    private final int port;
    private final int controllerPort;
    /** TLS material and the ports of the SSL, SASL_SSL and SASL_PLAINTEXT listeners; null: PLAINTEXT only. */
    private final BrokerCerts certs;
    private final int sslPort;
    private final int saslSslPort;
    private final int saslPlaintextPort;
    private Process process;

    private KraftBroker(Path logDir, int port, int controllerPort, BrokerCerts certs) throws IOException {
        this.logDir = logDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.certs = certs;
        this.sslPort = certs == null ? -1 : freePort();
        this.saslSslPort = certs == null ? -1 : freePort();
        this.saslPlaintextPort = certs == null ? -1 : freePort();
    }

    /** Formats {@code dir} as a new single-node cluster (ports chosen now, kept for restarts). */
    public static KraftBroker create(Path dir) throws IOException {
        return create(dir, freePort());
    }

    /** As {@link #create(Path)}, clients connecting to {@code port}. */
    public static KraftBroker create(Path dir, int port) throws IOException {
        return format(new KraftBroker(dir, port, freePort(), null));
    }

    /**
     * As {@link #create(Path)}, with the SSL, SASL_SSL and SASL_PLAINTEXT listeners too; the CA
     * and the broker's certificate are made now under {@code dir/tls}.
     */
    public static KraftBroker createSecured(Path dir) throws Exception {
        return format(new KraftBroker(dir, freePort(), freePort(), BrokerCerts.make(dir.resolve("tls"))));
    }

    private static KraftBroker format(KraftBroker b) throws IOException {
        Path props = b.logDir.resolve("server.properties");
        Files.createDirectories(b.logDir);
        try (var w = Files.newBufferedWriter(props)) {
            b.config().store(w, "crowsnest test broker");
        }
        List<String> args = new java.util.ArrayList<>(List.of("format", "-t",
                org.apache.kafka.common.Uuid.randomUuid().toString(), "-c", props.toString()));
        if (b.certs != null) {
            for (String mechanism : new String[] {"SCRAM-SHA-256", "SCRAM-SHA-512"}) {
                args.add("--add-scram");
                args.add(mechanism + "=[name=" + USER + ",password=" + PASSWORD + "]");
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = StorageTool.execute(args.toArray(new String[0]), new PrintStream(out, true, StandardCharsets.UTF_8));
        if (rc != 0) {
            throw new IOException("kafka-storage format failed: " + out.toString(StandardCharsets.UTF_8));
        }
        return b;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private Properties config() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        String listeners = "PLAINTEXT://127.0.0.1:" + port;
        if (certs != null) {
            listeners += ",SSL://127.0.0.1:" + sslPort + ",SASL_SSL://127.0.0.1:" + saslSslPort
                    + ",SASL_PLAINTEXT://127.0.0.1:" + saslPlaintextPort;
        }
        p.put("listeners", listeners + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", listeners);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map",
                "PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
        if (certs != null) {
            p.put("ssl.keystore.type", "PKCS12");
            p.put("ssl.keystore.location", certs.keystore.toString());
            p.put("ssl.keystore.password", BrokerCerts.KEYSTORE_PASSWORD);
            p.put("ssl.key.password", BrokerCerts.KEYSTORE_PASSWORD);
            p.put("ssl.client.auth", "none");
            p.put("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512");
            for (String listener : new String[] {"sasl_ssl", "sasl_plaintext"}) {
                // PLAIN checks the user_NAME="PASSWORD" entries of its JAAS line; SCRAM the credentials in the metadata
                p.put("listener.name." + listener + ".plain.sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required user_" + USER + "=\"" + PASSWORD + "\";");
                for (String scram : new String[] {"scram-sha-256", "scram-sha-512"}) {
                    p.put("listener.name." + listener + "." + scram + ".sasl.jaas.config",
                            "org.apache.kafka.common.security.scram.ScramLoginModule required;");
                }
            }
        }
        p.put("log.dirs", logDir.resolve("data").toString());
        p.put("num.partitions", "4");
        p.put("auto.create.topics.enable", "false");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("allow.everyone.if.no.acl.found", "true");
        return p;
    }

    /**
     * Starts the broker in a child JVM (same class path) and waits until it answers on its port.
     *
     * <p>Why a child process and not this JVM: a broker restarted in the test JVM (or a second
     * one started beside it) shares JVM-wide state with the first (metrics registries, …), and
     * with 4.3.1 that was seen to go wrong: after an in-JVM restart a producer id was handed
     * out again whose old sequence numbers the partition still held (OUT_OF_ORDER_SEQUENCE_NUMBER
     * until the delivery timeout), and once a produce stalled for 30 s with a second broker in
     * the JVM. A process per broker lifetime is also what a real restart is.
     */
    public KraftBroker start() {
        if (process != null) {
            throw new IllegalStateException("already running");
        }
        try {
            Path props = logDir.resolve("server.properties");
            String java = ProcessHandle.current().info().command().orElse("java");
            process = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                    KraftBroker.class.getName(), props.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve("broker.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Admin a = admin()) {
            while (true) {
                try {
                    a.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    return this;
                } catch (Exception e) {
                    if (System.nanoTime() > deadline || !process.isAlive()) {
                        stop();
                        throw new IllegalStateException("broker did not come up (see " + logDir.resolve("broker.log") + ")", e);
                    }
                }
            }
        }
    }

    /** Stops the broker (SIGTERM: controlled shutdown) and waits until it is gone; the log directory stays. */
    public void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /**
     * The child JVM: runs the broker of {@code args[0]} (server.properties) until SIGTERM, or
     * until its standard input closes (the test JVM died: no orphan broker left behind).
     */
    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(Path.of(args[0]))) {
            p.load(r);
        }
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(p, false), Time.SYSTEM);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            server.awaitShutdown();
        }));
        server.startup();
        Thread parentWatch = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is ever written; EOF means the parent is gone
                }
            } catch (IOException ignored) {
                // same
            }
            System.exit(0);
        });
        parentWatch.setDaemon(true);
        parentWatch.start();
        server.awaitShutdown();
    }

    /** The PLAINTEXT listener (no TLS, no authentication). */
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** The SSL listener (TLS, no client authentication) of a secured broker. */
    public String sslBootstrap() {
        return "127.0.0.1:" + secured().sslPort;
    }

    /** The SASL_SSL listener (TLS, then PLAIN / SCRAM-SHA-256 / SCRAM-SHA-512) of a secured broker. */
    public String saslSslBootstrap() {
        return "127.0.0.1:" + secured().saslSslPort;
    }

    /** The SASL_PLAINTEXT listener (no TLS, PLAIN / SCRAM-SHA-256 / SCRAM-SHA-512) of a secured broker. */
    public String saslPlaintextBootstrap() {
        return "127.0.0.1:" + secured().saslPlaintextPort;
    }

    /** The TLS material of a secured broker: {@code certs().ca} signed its certificate. */
    public BrokerCerts certs() {
        return secured().certs;
    }

    private KraftBroker secured() {
        if (certs == null) {
            throw new IllegalStateException("not a secured broker (KraftBroker.createSecured)");
        }
        return this;
    }

    Path logDir() {
        return logDir;
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
    }

    /** Creates a topic with {@code partitions} partitions and the given topic settings. */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        try (Admin a = admin()) {
            a.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all()
                    .get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + name, e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
