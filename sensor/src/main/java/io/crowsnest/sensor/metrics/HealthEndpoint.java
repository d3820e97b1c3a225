package io.crowsnest.sensor.metrics;

import io.crowsnest.sensor.http.LocalHttpServer;
import io.crowsnest.sensor.http.LocalHttpServer.Reply;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The sensor's HTTP endpoint: {@code /metrics} in Prometheus text format, {@code /healthz} (the
 * process and its pipeline are running) and {@code /readyz} (rules loaded and capture started),
 * as the DaemonSet's probes and a Prometheus scrape expect.
 */
public final class HealthEndpoint implements AutoCloseable {
    private final LocalHttpServer server;

    public HealthEndpoint(InetSocketAddress address, Supplier<String> metrics, BooleanSupplier healthy,
                          BooleanSupplier ready) throws InterruptedException {
        this.server = new LocalHttpServer(address, "crowsnest-http", (method, path) -> {
            if (!method.equals("GET") && !method.equals("HEAD")) {
                return done(Reply.text(405, "only GET\n"));
            }
            switch (path) {
                case "/metrics":
                    return done(new Reply(200, metrics.get(), "text/plain; version=0.0.4; charset=utf-8"));
                case "/healthz": {
                    boolean ok = healthy.getAsBoolean();
                    return done(Reply.text(ok ? 200 : 503, ok ? "ok\n" : "unhealthy\n"));
                }
                case "/readyz": {
                    boolean ok = ready.getAsBoolean();
                    return done(Reply.text(ok ? 200 : 503, ok ? "ready\n" : "not ready\n"));
                }
                default:
                    return done(Reply.text(404, "not found: /metrics, /healthz, /readyz\n"));
            }
        });
    }

    private static CompletableFuture<Reply> done(Reply r) {
        return CompletableFuture.completedFuture(r);
    }

    /** The bound address (the port, when 0 was asked for). */
    public InetSocketAddress address() {
        return server.address();
    }

    @Override
    public void close() {
        server.close();
    }
}
