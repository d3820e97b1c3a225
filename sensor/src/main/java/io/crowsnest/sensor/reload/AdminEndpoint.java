package io.crowsnest.sensor.reload;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The local admin endpoint of {@code crowsnest live} (default {@code 127.0.0.1:9465}, apart from
 * the metrics port that listens on every address): {@code POST /reload} reloads the rules and
 * answers when the new set is live (200) or was refused (422), with one line saying why.
 */
public final class AdminEndpoint implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel channel;

    public AdminEndpoint(InetSocketAddress address, Supplier<CompletableFuture<RuleReloader.Result>> reload)
            throws InterruptedException {
        this.group = new MultiThreadIoEventLoopGroup(1, r -> {
            Thread t = new Thread(r, "crowsnest-admin");
            t.setDaemon(true);
            return t;
        }, NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192), new Handler(reload));
                    }
                });
        try {
            this.channel = b.bind(address).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully();
            throw e;
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Supplier<CompletableFuture<RuleReloader.Result>> reload;

        Handler(Supplier<CompletableFuture<RuleReloader.Result>> reload) {
            this.reload = reload;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            String path = req.uri();
            int q = path.indexOf('?');
            if (q >= 0) {
                path = path.substring(0, q);
            }
            if (!path.equals("/reload")) {
                send(ctx, HttpResponseStatus.NOT_FOUND, "not found: POST /reload\n");
            } else if (!HttpMethod.POST.equals(req.method())) {
                send(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "only POST\n");
            } else {
                // The reload runs on the reload thread; the answer is written when it is done.
                reload.get().whenComplete((r, t) -> {
                    if (t != null) {
                        send(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "reload failed: " + t + "\n");
                    } else {
                        send(ctx, r.ok() ? HttpResponseStatus.OK : HttpResponseStatus.UNPROCESSABLE_ENTITY, r.message() + "\n");
                    }
                });
            }
        }

        private static void send(ChannelHandlerContext ctx, HttpResponseStatus status, String body) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
