package io.crowsnest.identity.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crowsnest.identity.IpKey;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A small Docker Engine API client over the UNIX socket (Netty, epoll domain sockets): list, inspect and the
 * {@code /events} stream. One connection per request; the events stream keeps its own. Callbacks run on the
 * client's event-loop thread and must not block.
 */
public final class DockerClient implements AutoCloseable {

    public static final Path DEFAULT_SOCKET = Path.of("/var/run/docker.sock");
    private static final int MAX_BODY = 64 << 20;
    static final ObjectMapper JSON = new ObjectMapper();

    private final DomainSocketAddress address;
    private final EventLoopGroup group;
    private final String apiPrefix;

    public DockerClient() {
        this(DEFAULT_SOCKET);
    }

    public DockerClient(Path socket) {
        this(socket, "");
    }

    /** @param apiPrefix e.g. {@code /v1.41} to pin the API version; empty for the daemon's own */
    public DockerClient(Path socket, String apiPrefix) {
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("epoll is not available", Epoll.unavailabilityCause());
        }
        this.address = new DomainSocketAddress(socket.toFile());
        this.apiPrefix = apiPrefix;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("docker-client", true),
                EpollIoHandler.newFactory());
    }

    /** Raised for a non-2xx answer. */
    public static final class DockerApiException extends IOException {
        private final int status;

        DockerApiException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    // ---- requests ------------------------------------------------------------------------------------------------

    /** {@code GET path} and its JSON body. */
    public CompletableFuture<JsonNode> get(String pathAndQuery) {
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        Bootstrap b = bootstrap(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_BODY),
                        new SimpleChannelInboundHandler<FullHttpResponse>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
                                String body = r.content().toString(StandardCharsets.UTF_8);
                                int code = r.status().code();
                                try {
                                    if (code / 100 != 2) {
                                        result.completeExceptionally(new DockerApiException(code,
                                                "GET " + pathAndQuery + ": " + code + " " + message(body)));
                                    } else {
                                        result.complete(JSON.readTree(body.isEmpty() ? "null" : body));
                                    }
                                } catch (IOException e) {
                                    result.completeExceptionally(e);
                                }
                                ctx.close();
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                result.completeExceptionally(new IOException("GET " + pathAndQuery + ": connection closed"));
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                result.completeExceptionally(cause);
                                ctx.close();
                            }
                        });
            }
        });
        connectAndSend(b, pathAndQuery, true, result);
        return result;
    }

    public CompletableFuture<List<ContainerSummary>> listContainers() {
        return get("/containers/json").thenApply(DockerClient::parseList);
    }

    public CompletableFuture<ContainerDetails> inspect(String id) {
        return get("/containers/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/json")
                .thenApply(DockerClient::parseInspect);
    }

    /** An open {@code /events} stream; {@link #close()} ends it (onEnd is not called then). */
    public interface Subscription extends AutoCloseable {
        /** Completes when the daemon answered 200 and the stream is open. */
        CompletableFuture<Void> opened();

        @Override
        void close();
    }

    /**
     * Streams container {@code start} and {@code die} events. {@code onEnd} gets the failure, or null when the
     * daemon closed the stream.
     */
    public Subscription containerEvents(Consumer<DockerEvent> onEvent, Consumer<Throwable> onEnd) {
        return events(Map.of("type", List.of("container"), "event", List.of("start", "die")), onEvent, onEnd);
    }

    public Subscription events(Map<String, List<String>> filters, Consumer<DockerEvent> onEvent,
            Consumer<Throwable> onEnd) {
        String query;
        try {
            query = "/events?filters=" + URLEncoder.encode(JSON.writeValueAsString(filters), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
        CompletableFuture<Void> opened = new CompletableFuture<>();
        Channel[] channel = new Channel[1];
        boolean[] closedByUs = new boolean[1];
        Bootstrap b = bootstrap(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpClientCodec(), new SimpleChannelInboundHandler<HttpObject>() {
                    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
                    private int status;
                    private Throwable failure;

                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
                        if (msg instanceof HttpResponse r) {
                            status = r.status().code();
                            if (status / 100 == 2) {
                                opened.complete(null);
                            }
                        }
                        if (msg instanceof HttpContent c) {
                            ByteBuf buf = c.content();
                            while (buf.isReadable()) {
                                byte x = buf.readByte();
                                if (x == '\n') {
                                    emit();
                                } else {
                                    line.write(x);
                                }
                            }
                            if (msg instanceof LastHttpContent) {
                                emit();
                                if (status / 100 != 2) {
                                    failure = new DockerApiException(status, "GET /events: " + status);
                                }
                                ctx.close();
                            }
                        }
                    }

                    private void emit() {
                        if (line.size() == 0) {
                            return;
                        }
                        String s = line.toString(StandardCharsets.UTF_8);
                        line.reset();
                        if (status / 100 != 2) {
                            failure = new DockerApiException(status, "GET /events: " + status + " " + message(s));
                            return;
                        }
                        try {
                            onEvent.accept(parseEvent(JSON.readTree(s)));
                        } catch (IOException | RuntimeException e) {
                            // a line we cannot read, or a callback that threw: skip it, keep the stream
                        }
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        failure = cause;
                        ctx.close();
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        Throwable f = failure;
                        opened.completeExceptionally(f != null ? f : new IOException("GET /events: closed"));
                        if (!closedByUs[0]) {
                            onEnd.accept(f);
                        }
                    }
                });
            }
        });
        CompletableFuture<Channel> ch = connectAndSend(b, query, false, null);
        ch.whenComplete((c, e) -> {
            if (e != null) {
                opened.completeExceptionally(e);
                onEnd.accept(e);
            } else {
                synchronized (channel) {
                    channel[0] = c;
                    if (closedByUs[0]) {
                        c.close();
                    }
                }
            }
        });
        return new Subscription() {
            @Override
            public CompletableFuture<Void> opened() {
                return opened;
            }

            @Override
            public void close() {
                synchronized (channel) {
                    closedByUs[0] = true;
                    if (channel[0] != null) {
                        channel[0].close();
                    }
                }
            }
        };
    }

    private Bootstrap bootstrap(ChannelInitializer<Channel> init) {
        return new Bootstrap().group(group).channel(EpollDomainSocketChannel.class).handler(init);
    }

    private CompletableFuture<Channel> connectAndSend(Bootstrap b, String pathAndQuery, boolean close,
            CompletableFuture<?> failOn) {
        CompletableFuture<Channel> out = new CompletableFuture<>();
        b.connect(address).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                IOException e = new IOException("cannot connect to " + address.path() + ": " + f.cause(), f.cause());
                if (failOn != null) {
                    failOn.completeExceptionally(e);
                }
                out.completeExceptionally(e);
                return;
            }
            FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, apiPrefix + pathAndQuery);
            req.headers().set(HttpHeaderNames.HOST, "docker");
            req.headers().set(HttpHeaderNames.ACCEPT, "application/json");
            if (close) {
                req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            f.channel().writeAndFlush(req);
            out.complete(f.channel());
        });
        return out;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    // ---- JSON -> records (package-private for tests) --------------------------------------------------------------

    private static String message(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n != null && n.hasNonNull("message")) {
                return n.get("message").asText();
            }
        } catch (IOException ignored) {
            // not JSON
        }
        return body.length() > 200 ? body.substring(0, 200) : body;
    }

    static List<ContainerSummary> parseList(JsonNode arr) {
        List<ContainerSummary> out = new ArrayList<>();
        if (arr == null || !arr.isArray()) {
            return out;
        }
        for (JsonNode c : arr) {
            List<String> names = new ArrayList<>();
            for (JsonNode n : c.path("Names")) {
                String s = n.asText();
                names.add(s.startsWith("/") ? s.substring(1) : s);
            }
            out.add(new ContainerSummary(c.path("Id").asText(), List.copyOf(names), text(c, "Image"),
                    strings(c.path("Labels")), text(c, "State")));
        }
        return out;
    }

    static ContainerDetails parseInspect(JsonNode c) {
        String name = text(c, "Name");
        if (name != null && name.startsWith("/")) {
            name = name.substring(1);
        }
        JsonNode state = c.path("State");
        JsonNode ns = c.path("NetworkSettings");
        Set<IpKey> addrs = new LinkedHashSet<>();
        addAddress(addrs, text(ns, "IPAddress"));
        addAddress(addrs, text(ns, "GlobalIPv6Address"));
        for (Iterator<JsonNode> it = ns.path("Networks").elements(); it.hasNext(); ) {
            JsonNode n = it.next();
            addAddress(addrs, text(n, "IPAddress"));
            addAddress(addrs, text(n, "GlobalIPv6Address"));
        }
        return new ContainerDetails(c.path("Id").asText(), name, text(c.path("Config"), "Image"), text(c, "Image"),
                strings(c.path("Config").path("Labels")), state.path("Pid").asInt(0), state.path("Running").asBoolean(false),
                text(c.path("HostConfig"), "NetworkMode"), List.copyOf(addrs), time(text(state, "StartedAt")),
                state.path("Running").asBoolean(false) ? 0 : time(text(state, "FinishedAt")));
    }

    static DockerEvent parseEvent(JsonNode e) {
        JsonNode actor = e.path("Actor");
        String id = text(actor, "ID");
        if (id == null) {
            id = text(e, "id");
        }
        String action = text(e, "Action");
        if (action == null) {
            action = text(e, "status");
        }
        String type = text(e, "Type");
        long t = e.path("timeNano").asLong(0);
        if (t == 0) {
            t = e.path("time").asLong(0) * 1_000_000_000L;
        }
        return new DockerEvent(type, action, id, strings(actor.path("Attributes")), t);
    }

    private static void addAddress(Set<IpKey> out, String s) {
        if (s != null && !s.isEmpty()) {
            out.add(IpKey.parse(s));
        }
    }

    /** RFC 3339 with nanoseconds; docker's zero time {@code 0001-01-01T00:00:00Z} is 0. */
    static long time(String s) {
        if (s == null || s.isEmpty() || s.startsWith("0001-")) {
            return 0;
        }
        try {
            Instant i = Instant.parse(s);
            return i.getEpochSecond() * 1_000_000_000L + i.getNano();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Map<String, String> strings(JsonNode obj) {
        Map<String, String> m = new LinkedHashMap<>();
        if (obj != null && obj.isObject()) {
            obj.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        }
        return m;
    }
}
