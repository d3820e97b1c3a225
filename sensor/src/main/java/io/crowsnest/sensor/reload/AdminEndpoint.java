package io.crowsnest.sensor.reload;

import io.crowsnest.sensor.http.LocalHttpServer;
import io.crowsnest.sensor.http.LocalHttpServer.Reply;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The local admin endpoint of {@code crowsnest live} (default {@code 127.0.0.1:9465}, apart from
 * the metrics port that listens on every address): {@code POST /reload} reloads the rules and
 * answers when the new set is live (200) or was refused (422), with one line saying why.
 */
public final class AdminEndpoint implements AutoCloseable {
    private final LocalHttpServer server;

    public AdminEndpoint(InetSocketAddress address, Supplier<CompletableFuture<RuleReloader.Result>> reload)
            throws InterruptedException {
        this.server = new LocalHttpServer(address, "crowsnest-admin", (method, path) -> {
            if (!path.equals("/reload")) {
                return CompletableFuture.completedFuture(Reply.text(404, "not found: POST /reload\n"));
            }
            if (!method.equals("POST")) {
                return CompletableFuture.completedFuture(Reply.text(405, "only POST\n"));
            }
            // The reload runs on the reload thread; the answer is written when it is done.
            return reload.get().thenApply(r -> Reply.text(r.ok() ? 200 : 422, r.message() + "\n"));
        });
    }

    public InetSocketAddress address() {
        return server.address();
    }

    @Override
    public void close() {
        server.close();
    }
}
