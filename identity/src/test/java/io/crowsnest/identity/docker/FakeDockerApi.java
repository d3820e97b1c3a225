package io.crowsnest.identity.docker;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A Docker Engine API stand-in on a UNIX socket, answering recorded JSON; {@code /events} stays open. */
public final class FakeDockerApi implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private final Channel server;
    private final Map<String, String> responses = new ConcurrentHashMap<>();
    private final List<Channel> eventStreams = new CopyOnWriteArrayList<>();
    public final List<String> requests = new CopyOnWriteArrayList<>();
    public final Path socket;

    public FakeDockerApi(Path socket) throws InterruptedException {
        this.socket = socket;
        server = new ServerBootstrap().group(group).channel(EpollServerDomainSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                        serve(ctx, req);
                                    }
                                });
                    }
                }).bind(new DomainSocketAddress(socket.toFile())).sync().channel();
    }

    /** Answers GET {@code path} (without the query) with {@code body}. */
    public FakeDockerApi respond(String path, String body) {
        responses.put(path, body);
        return this;
    }

    private void serve(ChannelHandlerContext ctx, FullHttpRequest req) {
        String uri = req.uri();
        requests.add(uri);
        String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
        if (path.equals("/events")) {
            HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            r.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            // register the stream before the headers go out: the client treats the headers as
            // "subscribed" and a test may send events right away
            eventStreams.add(ctx.channel());
            ctx.channel().closeFuture().addListener(f -> eventStreams.remove(ctx.channel()));
            ctx.writeAndFlush(r);
            return;
        }
        String body = responses.get(path);
        FullHttpResponse r;
        if (body == null) {
            r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND,
                    Unpooled.copiedBuffer("{\"message\":\"No such container: " + path + "\"}", StandardCharsets.UTF_8));
        } else {
            r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        }
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }

    public int openEventStreams() {
        return eventStreams.size();
    }

    /** Sends raw bytes to every open /events stream as one chunk (may hold partial or several lines). */
    public void sendEventChunk(String s) {
        for (Channel c : eventStreams) {
            c.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(s, StandardCharsets.UTF_8)));
        }
    }

    /** Ends every open /events stream (the daemon going away). */
    public void endEventStreams() {
        for (Channel c : eventStreams) {
            c.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
