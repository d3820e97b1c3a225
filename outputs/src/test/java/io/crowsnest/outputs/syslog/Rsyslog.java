package io.crowsnest.outputs.syslog;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real rsyslogd started by a test: its own config, work directory, pid file and output file
 * in a temp directory, listening on a loopback port. No system configuration is read.
 */
final class Rsyslog implements AutoCloseable {
    enum Input { TCP, TLS, RELP, UDP }

    /** Templates: raw keeps the message as received; parsed shows what rsyslog parsed. */
    static final String RAW = "raw";
    static final String PARSED = "parsed";

    final Path dir;
    final int port;
    final Input input;
    final Path out;
    final String template;
    Path caFile;
    Path certFile;
    Path keyFile;
    private Process process;
    private int starts;

    Rsyslog(Path dir, int port, Input input, String outName, String template) {
        this.dir = dir;
        this.port = port;
        this.input = input;
        this.out = dir.resolve(outName);
        this.template = template;
    }

    Rsyslog tls(Path ca, Path cert, Path key) {
        this.caFile = ca;
        this.certFile = cert;
        this.keyFile = key;
        return this;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void requireRsyslogd() {
        if (!Files.isExecutable(Path.of("/usr/sbin/rsyslogd"))) {
            throw new AssertionError("rsyslogd not found: install the Debian packages rsyslog, "
                    + "rsyslog-gnutls and rsyslog-relp (apt-get install -y rsyslog rsyslog-gnutls rsyslog-relp)");
        }
    }

    String config() {
        StringBuilder c = new StringBuilder();
        Path work = dir.resolve("work");
        c.append("global(workDirectory=\"").append(work).append("\" maxMessageSize=\"64k\"");
        if (input == Input.TLS) {
            c.append(" defaultNetstreamDriverCAFile=\"").append(caFile).append('"')
                    .append(" defaultNetstreamDriverCertFile=\"").append(certFile).append('"')
                    .append(" defaultNetstreamDriverKeyFile=\"").append(keyFile).append('"');
        }
        c.append(")\n");
        // direct main queue: a message is in the output file before the input acknowledges it
        // (imrelp's rsp), so a SIGKILL loses only what was not yet acknowledged
        c.append("main_queue(queue.type=\"Direct\")\n");
        switch (input) {
            case TCP:
                c.append("module(load=\"imtcp\")\n");
                c.append("input(type=\"imtcp\" port=\"").append(port).append("\" address=\"127.0.0.1\")\n");
                break;
            case TLS:
                c.append("module(load=\"imtcp\" streamDriver.name=\"gtls\" streamDriver.mode=\"1\""
                        + " streamDriver.authMode=\"anon\")\n");
                c.append("input(type=\"imtcp\" port=\"").append(port).append("\" address=\"127.0.0.1\")\n");
                break;
            case UDP:
                c.append("module(load=\"imudp\")\n");
                c.append("input(type=\"imudp\" port=\"").append(port).append("\" address=\"127.0.0.1\")\n");
                break;
            case RELP:
                c.append("module(load=\"imrelp\")\n");
                c.append("input(type=\"imrelp\" port=\"").append(port).append("\" address=\"127.0.0.1\")\n");
                break;
            default:
                throw new IllegalStateException();
        }
        c.append("template(name=\"raw\" type=\"string\" string=\"%rawmsg%\\n\")\n");
        c.append("template(name=\"parsed\" type=\"string\" string=\"%syslogfacility%|%syslogseverity%|%hostname%"
                + "|%app-name%|%procid%|%msgid%|%structured-data%|%msg%\\n\")\n");
        c.append("action(type=\"omfile\" file=\"").append(out).append("\" template=\"").append(template)
                .append("\")\n");
        return c.toString();
    }

    void start() throws Exception {
        requireRsyslogd();
        Files.createDirectories(dir.resolve("work"));
        Path conf = dir.resolve("rsyslog.conf");
        Files.writeString(conf, config());
        Path pid = dir.resolve("rsyslogd.pid");
        Files.deleteIfExists(pid);
        starts++;
        Path log = dir.resolve("rsyslogd-" + starts + ".log");
        process = new ProcessBuilder("/usr/sbin/rsyslogd", "-n", "-f", conf.toString(), "-i", pid.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("rsyslogd exited with " + process.exitValue() + ": "
                        + Files.readString(log) + "\nconfig:\n" + config());
            }
            if (input == Input.UDP) {
                Thread.sleep(500); // no way to probe a UDP listener; rsyslogd binds at startup
                if (process.isAlive()) {
                    return;
                }
                continue;
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("rsyslogd did not listen on 127.0.0.1:" + port + " within 30 s: " + Files.readString(log));
    }

    /** SIGKILL, as a crash. */
    void kill9() throws InterruptedException {
        process.destroyForcibly(); // SIGKILL on Unix
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("rsyslogd did not die");
        }
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroy(); // SIGTERM: rsyslogd flushes and exits
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    List<String> lines() throws IOException {
        if (!Files.exists(out)) {
            return new ArrayList<>();
        }
        String s = new String(Files.readAllBytes(out), StandardCharsets.UTF_8);
        List<String> l = new ArrayList<>();
        for (String line : s.split("\n")) {
            if (!line.isEmpty()) {
                l.add(line);
            }
        }
        return l;
    }

    String logs() throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= starts; i++) {
            Path p = dir.resolve("rsyslogd-" + i + ".log");
            if (Files.exists(p)) {
                b.append(Files.readString(p));
            }
        }
        return b.toString();
    }
}
