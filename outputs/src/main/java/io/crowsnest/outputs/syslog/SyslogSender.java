package io.crowsnest.outputs.syslog;

import io.crowsnest.outputs.spool.Backoff;
import io.crowsnest.outputs.spool.Spool;
import io.crowsnest.outputs.spool.SpoolSender;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Drains a {@link Spool} of ready-made syslog messages to a syslog server, on its own thread
 * with a one-thread Netty NIO event loop.
 *
 * <p>Transports:
 * <ul>
 *   <li>{@link Transport#TCP}: RFC 6587 octet-counting framing ({@code LEN SP MSG}).
 *   <li>{@link Transport#TLS}: the same framing inside TLS (RFC 5425); JDK TLS provider, the
 *       server certificate is verified against the configured CA file and the host name (or IP
 *       address) is verified against the certificate (endpoint identification "HTTPS").
 *   <li>{@link Transport#UDP}: one datagram per message, fire-and-forget: a record is
 *       acknowledged in the spool as soon as it is handed to the kernel, whatever happens to it
 *       on the network; send errors are counted, not retried.
 * </ul>
 *
 * <p>Delivery over TCP/TLS: a batch counts as delivered (and is acknowledged in the spool) when
 * it was written and flushed to the socket successfully. Plain syslog has no application-level
 * acknowledgement, so what sat in socket buffers when the connection broke (e.g. the server was
 * killed) can be lost without anyone knowing; RELP (acknowledged per message) closes that gap.
 * What failed to write is resent after the reconnect (from the spool's last ack), so a failed
 * batch can also arrive twice.
 *
 * <p>{@link Transport#RELP} (rsyslog's imrelp): each message is a {@code syslog} command with
 * a transaction number; the spool is acknowledged only when the server has answered
 * {@code rsp 200} for every message of a batch. After a broken connection everything not
 * answered is resent, so delivery is at-least-once: nothing is lost, duplicates are possible.
 * Up to {@code relpWindow} batches are in flight. (RELP over TLS is not implemented.)
 *
 * <p>Reconnect: capped exponential backoff with jitter: the n-th consecutive failure waits a
 * random time in [d/2, d] with d = min(max, initial * 2^(n-1)).
 */
public final class SyslogSender implements AutoCloseable, SpoolSender {
    public enum Transport { UDP, TCP, TLS, RELP }

    private final Spool spool;
    private final Transport transport;
    private final String host;
    private final int port;
    private final String serverName;
    private final SslContext sslContext;
    private final long initialBackoffMillis;
    private final long maxBackoffMillis;
    private final int batchRecords;
    private final int batchBytes;
    private final long writeTimeoutMillis;
    private final int connectTimeoutMillis;
    private final int relpWindow;
    private final Consumer<String> errors;

    private final EventLoopGroup group;
    private final Thread thread;
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile Channel channel;

    private final AtomicLong sentRecords = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong connectFailures = new AtomicLong();
    private final AtomicLong sendFailures = new AtomicLong();
    private final AtomicLong udpErrors = new AtomicLong();
    private volatile long lastBackoffMillis;

    private SyslogSender(Builder b) throws IOException {
        this.spool = b.spool;
        this.transport = b.transport;
        this.host = b.host;
        this.port = b.port;
        this.serverName = b.serverName != null ? b.serverName : b.host;
        this.initialBackoffMillis = b.initialBackoffMillis;
        this.maxBackoffMillis = b.maxBackoffMillis;
        this.batchRecords = b.batchRecords;
        this.batchBytes = b.batchBytes;
        this.writeTimeoutMillis = b.writeTimeoutMillis;
        this.connectTimeoutMillis = b.connectTimeoutMillis;
        this.relpWindow = b.relpWindow;
        this.errors = b.errors;
        if (transport == Transport.TLS) {
            if (b.caFile == null) {
                throw new IllegalArgumentException("TLS needs a CA file to verify the server");
            }
            SslContextBuilder sb = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                    .trustManager(b.caFile.toFile()).endpointIdentificationAlgorithm("HTTPS");
            if (b.clientCert != null) {
                sb.keyManager(b.clientCert.toFile(), b.clientKey.toFile());
            }
            this.sslContext = sb.build();
        } else {
            this.sslContext = null;
        }
        this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        this.thread = new Thread(this::run, "syslog-sender-" + host + ":" + port);
        this.thread.setDaemon(true);
    }

    public static Builder builder(Spool spool, String host, int port) {
        return new Builder(spool, host, port);
    }

    /** Configuration of a sender. */
    public static final class Builder {
        private final Spool spool;
        private final String host;
        private final int port;
        private Transport transport = Transport.TCP;
        private Path caFile;
        private Path clientCert;
        private Path clientKey;
        private String serverName;
        private long initialBackoffMillis = 100;
        private long maxBackoffMillis = 30_000;
        private int batchRecords = 512;
        private int batchBytes = 256 * 1024;
        private long writeTimeoutMillis = 30_000;
        private int connectTimeoutMillis = 5_000;
        private int relpWindow = 8;
        private Consumer<String> errors = line -> System.err.println(line);

        private Builder(Spool spool, String host, int port) {
            this.spool = spool;
            this.host = host;
            this.port = port;
        }

        public Builder transport(Transport v) { this.transport = v; return this; }

        /** PEM file of the CA(s) that sign the server certificate (TLS). */
        public Builder caFile(Path v) { this.caFile = v; return this; }

        /** Optional client certificate and PKCS#8 key (PEM) for servers that require one. */
        public Builder clientCertificate(Path cert, Path key) { this.clientCert = cert; this.clientKey = key; return this; }

        /** Name the server certificate must match (default: the host). */
        public Builder serverName(String v) { this.serverName = v; return this; }

        public Builder backoff(long initialMillis, long maxMillis) {
            this.initialBackoffMillis = initialMillis;
            this.maxBackoffMillis = maxMillis;
            return this;
        }

        public Builder batch(int records, int bytes) { this.batchRecords = records; this.batchBytes = bytes; return this; }

        public Builder writeTimeoutMillis(long v) { this.writeTimeoutMillis = v; return this; }

        public Builder connectTimeoutMillis(int v) { this.connectTimeoutMillis = v; return this; }

        /** RELP: batches sent but not yet answered before the sender waits (default 8). */
        public Builder relpWindow(int v) { this.relpWindow = v; return this; }

        public Builder errors(Consumer<String> v) { this.errors = v; return this; }

        /** Builds and starts the sender thread. */
        public SyslogSender start() throws IOException {
            SyslogSender s = new SyslogSender(this);
            s.thread.start();
            return s;
        }
    }

    // ---------------------------------------------------------------- sender thread

    private void run() {
        Spool.Batch batch = new Spool.Batch();
        int failures = 0;
        while (running) {
            try {
                Channel ch = channel;
                if (ch == null || !ch.isActive()) {
                    if (ch != null) {
                        ch.close();
                        channel = null;
                    }
                    if (transport == Transport.RELP) {
                        drainRelpAcks();
                        outstanding.clear();
                    }
                    ch = connect();
                    if (ch == null) {
                        failures++;
                        connectFailures.incrementAndGet();
                        backoff(failures);
                        continue;
                    }
                    failures = 0;
                    channel = ch;
                    connects.incrementAndGet();
                    // resend whatever was read but not acknowledged before the break
                    spool.rewind();
                }
                if (transport == Transport.RELP) {
                    drainRelpAcks();
                    if (relp.failure != null) {
                        reportOnce("RELP: " + relp.failure + ", reconnecting");
                        ch.close();
                        continue;
                    }
                }
                int n = spool.poll(batch, batchRecords, batchBytes, outstanding.isEmpty() ? 200 : 5);
                if (n == 0) {
                    continue;
                }
                boolean ok = transport == Transport.RELP ? sendRelp(ch, batch) : send(ch, batch);
                if (ok && transport != Transport.RELP) {
                    sentRecords.addAndGet(n); // before the ack: whoever sees the spool drained sees the count
                    spool.ack(batch.endPosition());
                } else if (!ok) {
                    sendFailures.incrementAndGet();
                    ch.close();
                    channel = null;
                    spool.rewind();
                    failures++;
                    backoff(failures);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                errors.accept("syslog " + host + ":" + port + ": sender error: " + e);
                Channel ch = channel;
                if (ch != null) {
                    ch.close();
                    channel = null;
                }
                spool.rewind();
                failures++;
                try {
                    backoff(failures);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void backoff(int failures) throws InterruptedException {
        long wait = Backoff.delayMillis(initialBackoffMillis, maxBackoffMillis, failures);
        lastBackoffMillis = wait;
        stop.await(wait, TimeUnit.MILLISECONDS);
    }

    private Channel connect() throws InterruptedException {
        Bootstrap b = new Bootstrap().group(group)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis);
        if (transport == Transport.UDP) {
            b.channel(NioDatagramChannel.class).handler(new Discard(true));
        } else {
            b.channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.SO_KEEPALIVE, true)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            if (sslContext != null) {
                                ch.pipeline().addLast(sslContext.newHandler(ch.alloc(), serverName, port));
                            }
                            if (transport == Transport.RELP) {
                                RelpSession session = new RelpSession();
                                relp = session;
                                ch.pipeline().addLast(new RelpFrameDecoder(), new RelpResponses(session));
                            } else {
                                ch.pipeline().addLast(new Discard(false));
                            }
                        }
                    });
        }
        ChannelFuture f = b.connect(new InetSocketAddress(host, port));
        if (!f.await(connectTimeoutMillis + 1000L) || !f.isSuccess()) {
            reportOnce("connect failed: " + cause(f));
            f.channel().close();
            return null;
        }
        Channel ch = f.channel();
        SslHandler ssl = ch.pipeline().get(SslHandler.class);
        if (ssl != null) {
            Future<Channel> hs = ssl.handshakeFuture();
            if (!hs.await(connectTimeoutMillis + 1000L) || !hs.isSuccess()) {
                reportOnce("TLS handshake failed: " + cause(hs));
                ch.close();
                return null;
            }
        }
        if (transport == Transport.RELP && !relpOpen(ch)) {
            ch.close();
            return null;
        }
        errors.accept("syslog " + host + ":" + port + ": connected (" + transport + ")");
        lastError = null;
        return ch;
    }

    private String lastError;

    /** Reports an error line unless it repeats the previous one (no flood while the server is down). */
    private void reportOnce(String what) {
        if (!what.equals(lastError)) {
            errors.accept("syslog " + host + ":" + port + ": " + what);
            lastError = what;
        }
    }

    private static String cause(Future<?> f) {
        Throwable t = f.cause();
        if (t == null) {
            return "timed out";
        }
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private boolean send(Channel ch, Spool.Batch batch) throws InterruptedException {
        if (transport == Transport.UDP) {
            ChannelFuture last = null;
            for (int i = 0; i < batch.size(); i++) {
                ByteBuf buf = ch.alloc().buffer(batch.length(i));
                buf.writeBytes(batch.data(), batch.offset(i), batch.length(i));
                last = ch.write(buf);
                last.addListener(f -> {
                    if (!f.isSuccess()) {
                        udpErrors.incrementAndGet();
                    }
                });
            }
            ch.flush();
            if (last != null) {
                last.await(writeTimeoutMillis);
            }
            return true; // fire-and-forget: acknowledged whatever happened
        }
        int total = 0;
        for (int i = 0; i < batch.size(); i++) {
            total += batch.length(i) + 12;
        }
        ByteBuf buf = ch.alloc().buffer(total);
        for (int i = 0; i < batch.size(); i++) {
            int len = batch.length(i);
            buf.writeCharSequence(Integer.toString(len), StandardCharsets.US_ASCII);
            buf.writeByte(' ');
            buf.writeBytes(batch.data(), batch.offset(i), len);
        }
        ChannelFuture f = ch.writeAndFlush(buf);
        if (!f.await(writeTimeoutMillis)) {
            reportOnce("write timed out after " + writeTimeoutMillis + " ms, reconnecting");
            return false;
        }
        if (!f.isSuccess()) {
            reportOnce("write failed: " + cause(f) + ", reconnecting");
            return false;
        }
        return true;
    }

    // ---------------------------------------------------------------- RELP

    /** Responses of one RELP connection (written by the event loop, read by the sender thread). */
    private static final class RelpSession {
        volatile long acked;
        volatile String failure;
        long nextTxnr = 1;
    }

    private volatile RelpSession relp = new RelpSession();
    /** Per batch sent over RELP and not yet answered: {last txnr, spool end position, records}. */
    private final java.util.ArrayDeque<long[]> outstanding = new java.util.ArrayDeque<>();
    private final Object relpSignal = new Object();
    private static final long RELP_MAX_TXNR = 999_999_999L;

    private final class RelpResponses extends ChannelInboundHandlerAdapter {
        private final RelpSession session;

        RelpResponses(RelpSession session) {
            this.session = session;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            RelpFrameDecoder.Frame f = (RelpFrameDecoder.Frame) msg;
            if ("rsp".equals(f.command())) {
                if (f.status() == 200) {
                    session.acked = f.txnr();
                } else {
                    session.failure = "txnr " + f.txnr() + " answered " + f.data().split("\n")[0];
                    ctx.close();
                }
            } else if ("serverclose".equals(f.command())) {
                session.failure = "server closed the session";
                ctx.close();
            }
            synchronized (relpSignal) {
                relpSignal.notifyAll();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (session.failure == null) {
                session.failure = "connection closed";
            }
            synchronized (relpSignal) {
                relpSignal.notifyAll();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            session.failure = cause.getClass().getSimpleName() + ": " + cause.getMessage();
            ctx.close();
        }
    }

    private static ByteBuf relpFrame(ByteBuf buf, long txnr, String command, byte[] data, int off, int len) {
        buf.writeCharSequence(txnr + " " + command + " " + len, StandardCharsets.US_ASCII);
        if (len > 0) {
            buf.writeByte(' ');
            buf.writeBytes(data, off, len);
        }
        buf.writeByte('\n');
        return buf;
    }

    private boolean relpOpen(Channel ch) throws InterruptedException {
        RelpSession session = relp;
        byte[] offer = "relp_version=0\nrelp_software=crowsnest\ncommands=syslog".getBytes(StandardCharsets.US_ASCII);
        long txnr = session.nextTxnr++;
        ChannelFuture f = ch.writeAndFlush(relpFrame(ch.alloc().buffer(), txnr, "open", offer, 0, offer.length));
        if (!f.await(writeTimeoutMillis) || !f.isSuccess()) {
            reportOnce("RELP open failed: " + cause(f));
            return false;
        }
        if (!awaitRelpAck(session, txnr, connectTimeoutMillis + 1000L)) {
            reportOnce("RELP open not accepted: " + (session.failure != null ? session.failure : "no answer"));
            return false;
        }
        return true;
    }

    private boolean awaitRelpAck(RelpSession session, long txnr, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (relpSignal) {
            while (session.acked < txnr && session.failure == null) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                relpSignal.wait(left);
            }
        }
        return session.acked >= txnr;
    }

    /** Acknowledges in the spool every batch the server has answered. */
    private void drainRelpAcks() {
        long acked = relp.acked;
        long[] head;
        while ((head = outstanding.peekFirst()) != null && head[0] <= acked) {
            outstanding.pollFirst();
            sentRecords.addAndGet(head[2]);
            spool.ack(head[1]);
        }
    }

    private boolean sendRelp(Channel ch, Spool.Batch batch) throws InterruptedException {
        RelpSession session = relp;
        if (session.nextTxnr + batch.size() > RELP_MAX_TXNR) {
            // txnr would wrap: let everything be answered, then start a new session
            if (!outstanding.isEmpty() && !awaitRelpAck(session, outstanding.peekLast()[0], writeTimeoutMillis)) {
                return false;
            }
            drainRelpAcks();
            return false;
        }
        int total = 0;
        for (int i = 0; i < batch.size(); i++) {
            total += batch.length(i) + 32;
        }
        ByteBuf buf = ch.alloc().buffer(total);
        long txnr = 0;
        for (int i = 0; i < batch.size(); i++) {
            txnr = session.nextTxnr++;
            relpFrame(buf, txnr, "syslog", batch.data(), batch.offset(i), batch.length(i));
        }
        ChannelFuture f = ch.writeAndFlush(buf);
        if (!f.await(writeTimeoutMillis) || !f.isSuccess()) {
            reportOnce("RELP write failed: " + cause(f) + ", reconnecting");
            return false;
        }
        outstanding.addLast(new long[] {txnr, batch.endPosition(), batch.size()});
        drainRelpAcks();
        while (outstanding.size() > relpWindow) {
            long wantTxnr = outstanding.peekFirst()[0];
            if (!awaitRelpAck(session, wantTxnr, writeTimeoutMillis)) {
                reportOnce("RELP: no answer for txnr " + wantTxnr + " ("
                        + (session.failure != null ? session.failure : "timeout") + "), reconnecting");
                return false;
            }
            drainRelpAcks();
        }
        return true;
    }

    /** Drops whatever the server sends; closes on errors so the sender reconnects. */
    private final class Discard extends ChannelInboundHandlerAdapter {
        private final boolean udp;

        Discard(boolean udp) {
            this.udp = udp;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (udp) {
                udpErrors.incrementAndGet(); // e.g. ICMP port unreachable: fire-and-forget
                return;
            }
            reportOnce("connection error: " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
            ctx.close();
        }
    }

    // ---------------------------------------------------------------- stats and stop

    /** Records written and flushed (TCP/TLS) or handed to the kernel (UDP). */
    public long sentRecords() { return sentRecords.get(); }

    /** Successful connections (the first one included). */
    public long connects() { return connects.get(); }

    public long connectFailures() { return connectFailures.get(); }

    /** Batches that failed to write and were resent after a reconnect. */
    public long sendFailures() { return sendFailures.get(); }

    /** UDP datagrams the kernel refused (or ICMP errors seen); never retried. */
    public long udpErrors() { return udpErrors.get(); }

    /** The last backoff wait, in milliseconds. */
    public long lastBackoffMillis() { return lastBackoffMillis; }

    public boolean isConnected() {
        Channel ch = channel;
        return ch != null && ch.isActive();
    }

    /**
     * Waits up to {@code drainMillis} for the spool to be fully acknowledged, then stops the
     * thread and closes the connection. What is left stays in the spool for the next start.
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
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
        try {
            thread.join(writeTimeoutMillis + connectTimeoutMillis + 5000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ch = channel;
        if (ch != null) {
            ch.close().awaitUninterruptibly(5000);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5000);
    }

    @Override
    public void close() {
        close(0);
    }
}
