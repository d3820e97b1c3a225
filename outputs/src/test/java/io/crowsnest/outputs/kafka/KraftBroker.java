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
 */
final class KraftBroker implements AutoCloseable {
    private final Path logDir;
    private final int port;
    private final int controllerPort;
    private Process process;

    private KraftBroker(Path logDir, int port, int controllerPort) {
        this.logDir = logDir;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /** Formats {@code dir} as a new single-node cluster (ports chosen now, kept for restarts). */
    static KraftBroker create(Path dir) throws IOException {
        return create(dir, freePort());
    }

    /** As {@link #create(Path)}, clients connecting to {@code port}. */
    static KraftBroker create(Path dir, int port) throws IOException {
        KraftBroker b = new KraftBroker(dir, port, freePort());
        Path props = dir.resolve("server.properties");
        Files.createDirectories(dir);
        try (var w = Files.newBufferedWriter(props)) {
            b.config().store(w, "crowsnest test broker");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = StorageTool.execute(new String[] {"format", "-t", org.apache.kafka.common.Uuid.randomUuid().toString(), "-c", props.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8));
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
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
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
    KraftBroker start() {
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
    void stop() {
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

    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    Path logDir() {
        return logDir;
    }

    Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
    }

    /** Creates a topic with {@code partitions} partitions and the given topic settings. */
    void createTopic(String name, int partitions, Map<String, String> configs) {
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
