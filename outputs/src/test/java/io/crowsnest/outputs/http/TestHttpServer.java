package io.crowsnest.outputs.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLContext;

/** An HTTP(S) server on 127.0.0.1 (JDK httpserver) whose answers a test scripts. */
final class TestHttpServer implements AutoCloseable {
    static {
        // answer without Nagle delays (the JDK server writes headers and body separately)
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    static final Pattern SEQ = Pattern.compile("\"pcap_cnt\":(\\d+)");

    /** One request as received (body gunzipped when it came with Content-Encoding: gzip). */
    record Req(int n, long nanos, String path, Headers headers, byte[] body, boolean gzipped) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    record Reply(int status, String body, Map<String, String> headers) {
        static Reply of(int status, String body) {
            return new Reply(status, body, Map.of());
        }
    }

    interface Handler {
        Reply handle(Req r) throws Exception;
    }

    final int port;
    private final SSLContext ssl;
    private final Handler handler;
    private final AtomicInteger count = new AtomicInteger();
    final List<Req> requests = new CopyOnWriteArrayList<>();
    volatile boolean keepBodies = true;
    private HttpServer server;
    private ExecutorService executor;

    private TestHttpServer(int port, SSLContext ssl, Handler handler) {
        this.port = port;
        this.ssl = ssl;
        this.handler = handler;
    }

    /** A server on a free loopback port, not started. */
    static TestHttpServer create(SSLContext ssl, Handler handler) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        return new TestHttpServer(port, ssl, handler);
    }

    TestHttpServer start() throws IOException {
        InetSocketAddress addr = new InetSocketAddress("127.0.0.1", port);
        if (ssl != null) {
            HttpsServer s = HttpsServer.create(addr, 64);
            s.setHttpsConfigurator(new HttpsConfigurator(ssl));
            server = s;
        } else {
            server = HttpServer.create(addr, 64);
        }
        executor = Executors.newFixedThreadPool(2);
        server.setExecutor(executor);
        server.createContext("/", this::exchange);
        server.start();
        return this;
    }

    void stop() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void exchange(HttpExchange ex) throws IOException {
        try (ex) {
            long t = System.nanoTime();
            byte[] raw;
            try (InputStream in = ex.getRequestBody()) {
                raw = in.readAllBytes();
            }
            boolean gz = "gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"));
            byte[] body = raw;
            if (gz) {
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                    body = in.readAllBytes();
                }
            }
            Req r = new Req(count.getAndIncrement(), t, ex.getRequestURI().toString(), ex.getRequestHeaders(),
                    body, gz);
            Reply reply;
            try {
                reply = handler.handle(r);
            } catch (Exception e) {
                reply = Reply.of(500, e.toString());
            }
            requests.add(keepBodies ? r : new Req(r.n, r.nanos, r.path, r.headers, new byte[0], gz));
            byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
            reply.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(out);
                }
            }
        }
    }

    /** Sequence numbers (EVE pcap_cnt) in a text, added to {@code seen}. */
    static void count(String text, Map<Long, Integer> seen) {
        Matcher m = SEQ.matcher(text);
        while (m.find()) {
            seen.merge(Long.parseLong(m.group(1)), 1, Integer::sum);
        }
    }

    /** Sequence number -> times seen over the bodies of the requests {@code accepted} selects. */
    static Map<Long, Integer> seen(List<Req> reqs, java.util.function.Predicate<Req> accepted) {
        Map<Long, Integer> m = new HashMap<>();
        for (Req r : reqs) {
            if (accepted.test(r)) {
                count(r.text(), m);
            }
        }
        return m;
    }

    static long duplicates(Map<Long, Integer> seen) {
        return seen.values().stream().mapToLong(v -> v - 1).sum();
    }
}
