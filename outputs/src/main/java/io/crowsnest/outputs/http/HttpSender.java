package io.crowsnest.outputs.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.crowsnest.outputs.ecs.EcsMapper;
import io.crowsnest.outputs.spool.Backoff;
import io.crowsnest.outputs.spool.Spool;
import io.crowsnest.outputs.spool.SpoolSender;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.Future;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Drains a {@link Spool} of EVE JSON records to an HTTP(S) endpoint, on its own thread with a
 * one-thread Netty NIO event loop (the structure of {@code SyslogSender}).
 *
 * <p>Batching: a batch closes at {@code batchRecords} records, about {@code batchBytes} bytes of
 * records, or {@code lingerMillis} after its first record, whichever comes first. One request is
 * in flight at a time, over one keep-alive HTTP/1.1 connection that is reused until the server
 * closes it or an error occurs.
 *
 * <p>Delivery is at-least-once: the spool position is acknowledged only when the batch was
 * accepted (a 2xx; for {@code _bulk} every item accepted; for HEC with indexer acknowledgement,
 * the ack reported {@code true}). A batch is retried, with capped exponential backoff and jitter
 * (the n-th consecutive failure waits a random time in [d/2, d], d = min(max, initial·2^(n-1))),
 * after connect errors, timeouts, TLS failures, 408, 429 and 5xx. A {@code Retry-After} header
 * (seconds or HTTP date) on such an answer replaces the computed wait (capped by
 * {@code maxRetryAfterMillis}). 401, 403, 404 and 407 are also retried: they mean the sender or
 * the server is misconfigured (token, URL), and dropping every alert until someone fixes it would
 * be worse than holding them in the spool (bounded by its cap).
 *
 * <p><b>Poison batches</b>: any other 4xx (400, 413, 422…) says the request itself is bad and
 * would fail forever; it would block the spool, so the batch is logged (one line with the status
 * and the start of the answer), counted in {@link #poisonRecords()}, and acknowledged (dropped).
 * For {@code _bulk}, the same applies per item (e.g. a mapping error drops that one document).
 *
 * <p>{@code _bulk}: each record becomes {@code {"create":{"_index":"crowsnest-alerts-YYYY.MM.dd",
 * "_id":ID}}} + its ECS document ({@link EcsMapper}). ID is a hash of the record bytes, so a
 * re-sent document is refused with 409 instead of duplicated; 409 counts as delivered. The
 * response is parsed and only the items that failed with 429 or 5xx are sent again (after a
 * backoff); the spool is acknowledged when every item is done.
 *
 * <p>HEC: with {@code splunkAck}, every request carries {@code X-Splunk-Request-Channel} (a
 * random UUID per sender), the {@code ackId} of the answer is polled at
 * {@code /services/collector/ack} until it reports {@code true}; only then is the spool
 * acknowledged. If it is not acknowledged within {@code ackTimeoutMillis} the batch is sent again.
 */
public final class HttpSender implements AutoCloseable, SpoolSender {
    private static final DateTimeFormatter EVE_TS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxx");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy.MM.dd");

    private final Spool spool;
    private final HttpFlavor flavor;
    private final String host;
    private final int port;
    private final String hostHeader;
    private final String path;
    private final String ackPath;
    private final SslContext sslContext;
    private final boolean gzip;
    private final int batchRecords;
    private final int batchBytes;
    private final long lingerMillis;
    private final long initialBackoffMillis;
    private final long maxBackoffMillis;
    private final long maxRetryAfterMillis;
    private final long requestTimeoutMillis;
    private final int connectTimeoutMillis;
    private final Map<String, String> headers;
    private final boolean splunkAck;
    private final long ackPollMillis;
    private final long ackTimeoutMillis;
    private final String sourcetype;
    private final String splunkIndex;
    private final String indexPrefix;
    private final String channelId = UUID.randomUUID().toString();
    private final Consumer<String> errors;

    private final EventLoopGroup group;
    private final Thread thread;
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile Conn conn;

    private final EcsMapper ecs = new EcsMapper();
    private final JsonFactory json = JsonFactory.builder().build();
    private final MessageDigest sha256;
    private final Body body = new Body(256 * 1024);
    private final Body gzBody = new Body(64 * 1024);
    private final Spool.Batch pollBatch = new Spool.Batch();

    private final AtomicLong sentRecords = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong poisonRecords = new AtomicLong();
    private final AtomicLong itemRetries = new AtomicLong();
    private final AtomicLong conflicts = new AtomicLong();
    private final AtomicLong ackPolls = new AtomicLong();
    private volatile long lastBackoffMillis;

    private HttpSender(Builder b) throws IOException {
        this.spool = b.spool;
        this.flavor = b.flavor;
        URI u = b.uri;
        boolean https = "https".equalsIgnoreCase(u.getScheme());
        if (!https && !"http".equalsIgnoreCase(u.getScheme())) {
            throw new IllegalArgumentException("not an http(s) URI: " + u);
        }
        this.host = u.getHost();
        this.port = u.getPort() > 0 ? u.getPort() : https ? 443 : 80;
        this.hostHeader = (host.indexOf(':') >= 0 ? "[" + host + "]" : host)
                + (u.getPort() > 0 ? ":" + u.getPort() : "");
        String p = u.getRawPath();
        if (p == null || p.isEmpty() || p.equals("/")) {
            p = flavor.defaultPath;
        }
        this.path = p + (u.getRawQuery() != null ? "?" + u.getRawQuery() : "");
        this.ackPath = p.endsWith("/event") ? p.substring(0, p.length() - "/event".length()) + "/ack"
                : "/services/collector/ack";
        if (https) {
            SslContextBuilder sb = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                    .endpointIdentificationAlgorithm("HTTPS");
            if (b.caFile != null) {
                sb.trustManager(b.caFile.toFile());
            }
            this.sslContext = sb.build();
        } else {
            this.sslContext = null;
        }
        this.gzip = b.gzip;
        this.batchRecords = b.batchRecords;
        this.batchBytes = b.batchBytes;
        this.lingerMillis = b.lingerMillis;
        this.initialBackoffMillis = b.initialBackoffMillis;
        this.maxBackoffMillis = b.maxBackoffMillis;
        this.maxRetryAfterMillis = b.maxRetryAfterMillis;
        this.requestTimeoutMillis = b.requestTimeoutMillis;
        this.connectTimeoutMillis = b.connectTimeoutMillis;
        this.headers = new LinkedHashMap<>(b.headers);
        if (b.splunkToken != null) {
            headers.put("Authorization", "Splunk " + b.splunkToken);
        }
        this.splunkAck = b.splunkAck;
        this.ackPollMillis = b.ackPollMillis;
        this.ackTimeoutMillis = b.ackTimeoutMillis;
        this.sourcetype = b.sourcetype;
        this.splunkIndex = b.splunkIndex;
        this.indexPrefix = b.indexPrefix;
        this.errors = b.errors;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        this.thread = new Thread(this::run, "http-sender-" + host + ":" + port);
        this.thread.setDaemon(true);
    }

    /** A sender to {@code uri} (http or https; an empty path means the flavor's usual path). */
    public static Builder builder(Spool spool, URI uri) {
        return new Builder(spool, uri);
    }

    /** Configuration of a sender. */
    public static final class Builder {
        private final Spool spool;
        private final URI uri;
        private HttpFlavor flavor = HttpFlavor.WEBHOOK;
        private Path caFile;
        private boolean gzip;
        private int batchRecords = 1000;
        private int batchBytes = 1024 * 1024;
        private long lingerMillis = 200;
        private long initialBackoffMillis = 100;
        private long maxBackoffMillis = 30_000;
        private long maxRetryAfterMillis = 300_000;
        private long requestTimeoutMillis = 30_000;
        private int connectTimeoutMillis = 5_000;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private String splunkToken;
        private boolean splunkAck;
        private long ackPollMillis = 500;
        private long ackTimeoutMillis = 120_000;
        private String sourcetype = "crowsnest:eve";
        private String splunkIndex;
        private String indexPrefix = "crowsnest-alerts-";
        private Consumer<String> errors = line -> System.err.println(line);

        private Builder(Spool spool, URI uri) {
            this.spool = spool;
            this.uri = uri;
        }

        public Builder flavor(HttpFlavor v) { this.flavor = v; return this; }

        /** PEM file of the CA(s) that sign the server certificate (https; default: the JDK trust store). */
        public Builder caFile(Path v) { this.caFile = v; return this; }

        /** Compress request bodies ({@code Content-Encoding: gzip}). */
        public Builder gzip(boolean v) { this.gzip = v; return this; }

        /** Batch limits: records, bytes of records, and how long to wait for a batch to fill. */
        public Builder batch(int records, int bytes, long lingerMillis) {
            this.batchRecords = records;
            this.batchBytes = bytes;
            this.lingerMillis = lingerMillis;
            return this;
        }

        public Builder backoff(long initialMillis, long maxMillis) {
            this.initialBackoffMillis = initialMillis;
            this.maxBackoffMillis = maxMillis;
            return this;
        }

        /** Upper bound of a wait asked for by {@code Retry-After} (default 5 min). */
        public Builder maxRetryAfterMillis(long v) { this.maxRetryAfterMillis = v; return this; }

        /** How long to wait for an answer before the connection is closed and the batch retried. */
        public Builder requestTimeoutMillis(long v) { this.requestTimeoutMillis = v; return this; }

        public Builder connectTimeoutMillis(int v) { this.connectTimeoutMillis = v; return this; }

        /** An extra request header (e.g. {@code Authorization: ApiKey …}). */
        public Builder header(String name, String value) { this.headers.put(name, value); return this; }

        public Builder basicAuth(String user, String password) {
            return header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }

        /** HEC token: {@code Authorization: Splunk TOKEN}. */
        public Builder splunkToken(String v) { this.splunkToken = v; return this; }

        /** HEC indexer acknowledgement (the token must have it enabled). */
        public Builder splunkAck(boolean v) { this.splunkAck = v; return this; }

        /** HEC ack polling interval and how long to wait before sending the batch again. */
        public Builder splunkAckPoll(long pollMillis, long timeoutMillis) {
            this.ackPollMillis = pollMillis;
            this.ackTimeoutMillis = timeoutMillis;
            return this;
        }

        public Builder splunkSourcetype(String v) { this.sourcetype = v; return this; }

        /** HEC {@code index} field (default: the token's default index). */
        public Builder splunkIndex(String v) { this.splunkIndex = v; return this; }

        /** {@code _bulk} index name before the {@code yyyy.MM.dd} of the alert (default {@code crowsnest-alerts-}). */
        public Builder elasticIndexPrefix(String v) { this.indexPrefix = v; return this; }

        public Builder errors(Consumer<String> v) { this.errors = v; return this; }

        /** Builds and starts the sender thread. */
        public HttpSender start() throws IOException {
            HttpSender s = new HttpSender(this);
            s.thread.start();
            return s;
        }
    }

    // ---------------------------------------------------------------- batches

    /** A batch read from the spool, held in memory until it is done. */
    private static final class Pending {
        final List<byte[]> records = new ArrayList<>();
        long endPosition;
        long bytes;
        int attempts;
        int delivered;
        boolean[] done;
        byte[][] rendered;
        long retryAfterMillis = -1;
    }

    private Pending fill() throws InterruptedException {
        int got = spool.poll(pollBatch, batchRecords, batchBytes, 200);
        if (got == 0) {
            return null;
        }
        Pending b = new Pending();
        take(b);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(lingerMillis);
        while (running && b.records.size() < batchRecords && b.bytes < batchBytes) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                break;
            }
            if (spool.poll(pollBatch, batchRecords - b.records.size(), (int) (batchBytes - b.bytes), left) == 0) {
                break;
            }
            take(b);
        }
        b.done = new boolean[b.records.size()];
        b.rendered = new byte[b.records.size()][];
        return b;
    }

    private void take(Pending b) {
        for (int i = 0; i < pollBatch.size(); i++) {
            b.records.add(pollBatch.copy(i));
            b.bytes += pollBatch.length(i);
        }
        b.endPosition = pollBatch.endPosition();
    }

    // ---------------------------------------------------------------- sender thread

    private void run() {
        Pending b = null;
        int failuresInRow = 0;
        while (running) {
            try {
                if (b == null) {
                    b = fill();
                    if (b == null) {
                        continue;
                    }
                }
                if (b.attempts++ > 0) {
                    retries.incrementAndGet();
                }
                boolean done;
                try {
                    done = deliver(b);
                } catch (IOException e) {
                    failures.incrementAndGet();
                    reportOnce(e.getMessage());
                    closeConnection();
                    done = false;
                }
                if (done) {
                    // counted before the spool is acknowledged: whoever sees the spool drained sees the count
                    sentRecords.addAndGet(b.delivered);
                    spool.ack(b.endPosition);
                    b = null;
                    if (failuresInRow > 0) {
                        errors.accept(name() + ": delivering again");
                        lastError = null;
                    }
                    failuresInRow = 0;
                } else if (running) {
                    failuresInRow++;
                    backoff(failuresInRow, b.retryAfterMillis);
                    b.retryAfterMillis = -1;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                errors.accept(name() + ": sender error: " + e);
                closeConnection();
                failuresInRow++;
                try {
                    backoff(failuresInRow, -1);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private String name() {
        return "http " + flavor + " " + hostHeader;
    }

    private void backoff(int failures, long retryAfterMillis) throws InterruptedException {
        long wait;
        if (retryAfterMillis >= 0) {
            wait = Math.min(Math.max(retryAfterMillis, initialBackoffMillis), maxRetryAfterMillis);
        } else {
            wait = Backoff.delayMillis(initialBackoffMillis, maxBackoffMillis, failures);
        }
        lastBackoffMillis = wait;
        stop.await(wait, TimeUnit.MILLISECONDS);
    }

    private String lastError;

    /** Reports an error line unless it repeats the previous one (no flood while the server is down). */
    private void reportOnce(String what) {
        if (!what.equals(lastError)) {
            errors.accept(name() + ": " + what);
            lastError = what;
        }
    }

    // ---------------------------------------------------------------- flavors

    /** True when the batch is done (acknowledge it), false to retry it after a backoff. */
    private boolean deliver(Pending b) throws IOException, InterruptedException {
        switch (flavor) {
            case ELASTIC_BULK: return deliverBulk(b);
            case SPLUNK_HEC: return deliverHec(b);
            default: return deliverWebhook(b);
        }
    }

    private boolean deliverWebhook(Pending b) throws IOException, InterruptedException {
        body.reset();
        body.write('[');
        for (int i = 0; i < b.records.size(); i++) {
            if (i > 0) {
                body.write(',');
            }
            body.write(b.records.get(i));
        }
        body.write(']');
        Response r = post(path, body, "application/json", false);
        return judge(b, r, b.records.size());
    }

    /** Whole-request outcome: 2xx done, retryable status retry, other 4xx poison (dropped). */
    private boolean judge(Pending b, Response r, int records) {
        if (r.status >= 200 && r.status < 300) {
            b.delivered += records;
            return true;
        }
        if (retryable(r.status)) {
            failures.incrementAndGet();
            b.retryAfterMillis = r.retryAfterMillis;
            reportOnce("HTTP " + r.status + " " + snippet(r.body) + ", retrying");
            return false;
        }
        poisonRecords.addAndGet(records);
        errors.accept(name() + ": HTTP " + r.status + " " + snippet(r.body) + ": batch of " + records
                + " records refused as malformed, dropped");
        return true;
    }

    static boolean retryable(int status) {
        return status == 408 || status == 429 || status >= 500
                || status == 401 || status == 403 || status == 404 || status == 407;
    }

    private static String snippet(String s) {
        s = s.replaceAll("\\s+", " ").trim();
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    private boolean deliverBulk(Pending b) throws IOException, InterruptedException {
        body.reset();
        List<Integer> sent = new ArrayList<>();
        for (int i = 0; i < b.records.size(); i++) {
            if (b.done[i]) {
                continue;
            }
            if (b.rendered[i] == null) {
                try {
                    b.rendered[i] = renderBulk(b.records.get(i));
                } catch (IOException e) {
                    b.done[i] = true;
                    poisonRecords.incrementAndGet();
                    errors.accept(name() + ": record not mapped to ECS (" + e.getMessage() + "), dropped");
                    continue;
                }
            }
            body.write(b.rendered[i]);
            sent.add(i);
        }
        if (sent.isEmpty()) {
            return true;
        }
        Response r = post(path, body, "application/x-ndjson", false);
        if (r.status < 200 || r.status >= 300) {
            return judge(b, r, sent.size()); // retry, or a poison batch (dropped)
        }
        int[] statuses;
        String[] reasons = new String[sent.size()];
        try {
            statuses = bulkStatuses(r.body, reasons);
        } catch (IOException e) {
            statuses = null;
        }
        if (statuses == null) {
            // "errors":false and no per-item status needed
            for (int i : sent) {
                b.done[i] = true;
            }
            b.delivered += sent.size();
            return true;
        }
        if (statuses.length != sent.size()) {
            failures.incrementAndGet();
            reportOnce("_bulk answered " + statuses.length + " items for " + sent.size() + ", sending again");
            return false;
        }
        int left = 0;
        String poisonReason = null;
        int poison = 0;
        for (int k = 0; k < statuses.length; k++) {
            int i = sent.get(k);
            int s = statuses[k];
            if ((s >= 200 && s < 300) || s == 409) {
                if (s == 409) {
                    conflicts.incrementAndGet();
                }
                b.done[i] = true;
                b.delivered++;
            } else if (s == 429 || s >= 500) {
                itemRetries.incrementAndGet();
                left++;
            } else {
                b.done[i] = true;
                poison++;
                if (poisonReason == null) {
                    poisonReason = s + " " + reasons[k];
                }
            }
        }
        if (poison > 0) {
            poisonRecords.addAndGet(poison);
            errors.accept(name() + ": _bulk refused " + poison + " documents (first: " + poisonReason + "), dropped");
        }
        if (left > 0) {
            reportOnce("_bulk: " + left + " items refused with 429/5xx, sending them again");
            return false;
        }
        return true;
    }

    private byte[] renderBulk(byte[] rec) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(rec.length * 2 + 128);
        ByteArrayOutputStream doc = new ByteArrayOutputStream(rec.length * 2 + 64);
        EcsMapper.Eve e = ecs.write(rec, 0, rec.length, doc);
        String day = e.day();
        if (day == null) {
            day = DAY.format(ZonedDateTime.now(ZoneOffset.UTC));
        }
        byte[] h = sha256.digest(rec);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(h, 15));
        out.write(("{\"create\":{\"_index\":\"" + indexPrefix + day + "\",\"_id\":\"" + id + "\"}}\n")
                .getBytes(StandardCharsets.UTF_8));
        doc.writeTo(out);
        out.write('\n');
        return out.toByteArray();
    }

    /**
     * Statuses of the items of a {@code _bulk} answer, in order; null when {@code "errors":false}
     * came before the items (every item succeeded).
     */
    private int[] bulkStatuses(String answer, String[] reasons) throws IOException {
        try (JsonParser p = json.createParser(answer)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not an object");
            }
            int[] out = new int[16];
            int n = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken t = p.nextToken();
                if ("errors".equals(f) && t == JsonToken.VALUE_FALSE) {
                    return null;
                }
                if (!"items".equals(f) || t != JsonToken.START_ARRAY) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    int status = 0;
                    String reason = null;
                    while (p.nextToken() == JsonToken.FIELD_NAME) { // the action: create/index
                        if (p.nextToken() != JsonToken.START_OBJECT) {
                            p.skipChildren();
                            continue;
                        }
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String k = p.currentName();
                            JsonToken v = p.nextToken();
                            if ("status".equals(k) && v == JsonToken.VALUE_NUMBER_INT) {
                                status = p.getIntValue();
                            } else if ("error".equals(k) && v == JsonToken.START_OBJECT) {
                                while (p.nextToken() == JsonToken.FIELD_NAME) {
                                    String ek = p.currentName();
                                    JsonToken ev = p.nextToken();
                                    if (("type".equals(ek) || "reason".equals(ek)) && ev == JsonToken.VALUE_STRING) {
                                        reason = reason == null ? p.getText() : reason + ": " + p.getText();
                                    } else {
                                        p.skipChildren();
                                    }
                                }
                            } else {
                                p.skipChildren();
                            }
                        }
                    }
                    if (n == out.length) {
                        out = java.util.Arrays.copyOf(out, n * 2);
                    }
                    if (n < reasons.length) {
                        reasons[n] = reason;
                    }
                    out[n++] = status;
                }
            }
            return java.util.Arrays.copyOf(out, n);
        }
    }

    private boolean deliverHec(Pending b) throws IOException, InterruptedException {
        body.reset();
        for (int i = 0; i < b.records.size(); i++) {
            if (b.rendered[i] == null) {
                b.rendered[i] = renderHec(b.records.get(i));
            }
            body.write(b.rendered[i]);
        }
        Response r = post(path, body, "application/json", false);
        if (r.status < 200 || r.status >= 300 || !splunkAck) {
            return judge(b, r, b.records.size());
        }
        long ackId = hecAckId(r.body);
        if (ackId < 0) {
            reportOnce("HEC answer has no ackId (indexer acknowledgement off for this token?), batch taken as delivered");
            b.delivered = b.records.size();
            return true;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ackTimeoutMillis);
        byte[] q = ("{\"acks\":[" + ackId + "]}").getBytes(StandardCharsets.US_ASCII);
        Body ackBody = new Body(q.length);
        ackBody.write(q);
        while (running && System.nanoTime() < deadline) {
            if (stop.await(ackPollMillis, TimeUnit.MILLISECONDS)) {
                return false;
            }
            Response a;
            try {
                a = post(ackPath, ackBody, "application/json", true);
            } catch (IOException e) {
                reportOnce("HEC ack poll: " + e.getMessage());
                continue;
            }
            ackPolls.incrementAndGet();
            if (a.status >= 200 && a.status < 300) {
                if (hecAcked(a.body, ackId)) {
                    b.delivered = b.records.size();
                    return true;
                }
            } else {
                reportOnce("HEC ack poll: HTTP " + a.status + " " + snippet(a.body));
            }
        }
        if (running) {
            failures.incrementAndGet();
            reportOnce("HEC ackId " + ackId + " not acknowledged within " + ackTimeoutMillis + " ms, sending the batch again");
        }
        return false;
    }

    private byte[] renderHec(byte[] rec) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(rec.length + 128);
        StringBuilder head = new StringBuilder(96).append('{');
        String time = null;
        try {
            String ts = ecs.parse(rec, 0, rec.length).timestamp;
            if (ts != null) {
                OffsetDateTime t = OffsetDateTime.parse(ts, EVE_TS);
                time = t.toEpochSecond() + "." + String.format("%06d", t.getNano() / 1000);
            }
        } catch (IOException | RuntimeException e) {
            time = null; // Splunk uses the receive time
        }
        if (time != null) {
            head.append("\"time\":").append(time).append(',');
        }
        head.append("\"sourcetype\":");
        quote(head, sourcetype);
        if (splunkIndex != null) {
            head.append(",\"index\":");
            quote(head, splunkIndex);
        }
        head.append(",\"event\":");
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        out.write(rec);
        out.write('}');
        out.write('\n');
        return out.toByteArray();
    }

    private static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        b.append('"');
    }

    private long hecAckId(String answer) throws IOException {
        try (JsonParser p = json.createParser(answer)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return -1;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken t = p.nextToken();
                if ("ackId".equals(f) && t == JsonToken.VALUE_NUMBER_INT) {
                    return p.getLongValue();
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    private boolean hecAcked(String answer, long ackId) {
        String key = Long.toString(ackId);
        try (JsonParser p = json.createParser(answer)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken t = p.nextToken();
                if ("acks".equals(f) && t == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String k = p.currentName();
                        JsonToken v = p.nextToken();
                        if (key.equals(k)) {
                            return v == JsonToken.VALUE_TRUE;
                        }
                        p.skipChildren();
                    }
                    return false;
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    // ---------------------------------------------------------------- HTTP exchange

    /** An answer, copied out of Netty's buffers. */
    static final class Response {
        final int status;
        final String body;
        final long retryAfterMillis;
        final boolean keepAlive;

        Response(int status, String body, long retryAfterMillis, boolean keepAlive) {
            this.status = status;
            this.body = body;
            this.retryAfterMillis = retryAfterMillis;
            this.keepAlive = keepAlive;
        }
    }

    /** Retry-After as milliseconds: delta-seconds or an HTTP date; -1 when absent or unreadable. */
    static long retryAfterMillis(String v) {
        if (v == null || v.isBlank()) {
            return -1;
        }
        v = v.trim();
        try {
            return Math.max(0, Long.parseLong(v) * 1000);
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime t = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, t.toInstant().toEpochMilli() - System.currentTimeMillis());
            } catch (RuntimeException e2) {
                return -1;
            }
        }
    }

    private static final class Conn {
        final Channel channel;
        final Responses responses;
        boolean reused;

        Conn(Channel channel, Responses responses) {
            this.channel = channel;
            this.responses = responses;
        }
    }

    /** Completes the future of the request in flight (one at a time per connection). */
    private static final class Responses extends SimpleChannelInboundHandler<FullHttpResponse> {
        volatile CompletableFuture<Response> pending;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse msg) {
            Response r = new Response(msg.status().code(), msg.content().toString(StandardCharsets.UTF_8),
                    retryAfterMillis(msg.headers().get(HttpHeaderNames.RETRY_AFTER)), HttpUtil.isKeepAlive(msg));
            if (!r.keepAlive) {
                ctx.close();
            }
            CompletableFuture<Response> f = pending;
            if (f != null) {
                f.complete(r);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            CompletableFuture<Response> f = pending;
            if (f != null) {
                f.completeExceptionally(new IOException("connection closed by the server"));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            CompletableFuture<Response> f = pending;
            if (f != null) {
                f.completeExceptionally(cause);
            }
            ctx.close();
        }
    }

    private Conn connection() throws IOException, InterruptedException {
        Conn c = conn;
        if (c != null && c.channel.isActive()) {
            c.reused = true;
            return c;
        }
        closeConnection();
        Responses responses = new Responses();
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (sslContext != null) {
                            ch.pipeline().addLast(sslContext.newHandler(ch.alloc(), host, port));
                        }
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(16 * 1024 * 1024), responses);
                    }
                });
        ChannelFuture f = b.connect(new InetSocketAddress(host, port));
        if (!f.await(connectTimeoutMillis + 1000L) || !f.isSuccess()) {
            f.channel().close();
            throw new IOException("connect failed: " + cause(f));
        }
        Channel ch = f.channel();
        SslHandler ssl = ch.pipeline().get(SslHandler.class);
        if (ssl != null) {
            Future<Channel> hs = ssl.handshakeFuture();
            if (!hs.await(connectTimeoutMillis + 1000L) || !hs.isSuccess()) {
                ch.close();
                throw new IOException("TLS handshake failed: " + cause(hs));
            }
        }
        connects.incrementAndGet();
        c = new Conn(ch, responses);
        conn = c;
        return c;
    }

    private void closeConnection() {
        Conn c = conn;
        conn = null;
        if (c != null) {
            c.channel.close();
        }
    }

    private static String cause(Future<?> f) {
        return cause(f.cause());
    }

    private static String cause(Throwable t) {
        if (t == null) {
            return "timed out";
        }
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    /**
     * One POST. A request that fails on a reused keep-alive connection before any answer (the
     * server closed it while idle) is sent once more on a new connection.
     */
    private Response post(String uri, Body content, String contentType, boolean small) throws IOException, InterruptedException {
        try {
            return post1(uri, content, contentType, small);
        } catch (StaleConnection e) {
            return post1(uri, content, contentType, small);
        }
    }

    /** A reused connection failed before an answer. */
    private static final class StaleConnection extends IOException {
        StaleConnection(String m) {
            super(m);
        }
    }

    private Response post1(String uri, Body content, String contentType, boolean small) throws IOException, InterruptedException {
        Conn c = connection();
        Body payload = content;
        boolean compressed = gzip && !small;
        if (compressed) {
            gzBody.reset();
            try (GZIPOutputStream z = new GZIPOutputStream(gzBody, 8192) {
                {
                    def.setLevel(Deflater.BEST_SPEED);
                }
            }) {
                z.write(content.array(), 0, content.size());
            }
            payload = gzBody;
        }
        ByteBuf buf = c.channel.alloc().buffer(payload.size());
        buf.writeBytes(payload.array(), 0, payload.size());
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri, buf);
        req.headers().set(HttpHeaderNames.HOST, hostHeader)
                .set(HttpHeaderNames.USER_AGENT, "crowsnest")
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set(HttpHeaderNames.CONTENT_LENGTH, payload.size())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        if (compressed) {
            req.headers().set(HttpHeaderNames.CONTENT_ENCODING, HttpHeaderValues.GZIP);
        }
        for (Map.Entry<String, String> h : headers.entrySet()) {
            req.headers().set(h.getKey(), h.getValue());
        }
        if (flavor == HttpFlavor.SPLUNK_HEC && splunkAck) {
            req.headers().set("X-Splunk-Request-Channel", channelId);
        }
        CompletableFuture<Response> f = new CompletableFuture<>();
        c.responses.pending = f;
        c.channel.writeAndFlush(req).addListener(w -> {
            if (!w.isSuccess()) {
                f.completeExceptionally(w.cause());
            }
        });
        if (!c.channel.isActive()) {
            f.completeExceptionally(new IOException("connection closed"));
        }
        try {
            Response r = f.get(requestTimeoutMillis, TimeUnit.MILLISECONDS);
            requests.incrementAndGet();
            if (!r.keepAlive) {
                closeConnection();
            }
            return r;
        } catch (TimeoutException e) {
            closeConnection();
            throw new IOException("no answer within " + requestTimeoutMillis + " ms");
        } catch (ExecutionException e) {
            closeConnection();
            if (c.reused && running) {
                throw new StaleConnection("request failed: " + cause(e.getCause()));
            }
            throw new IOException("request failed: " + cause(e.getCause()));
        }
    }

    /** A growable byte buffer whose array can be read without a copy. */
    private static final class Body extends ByteArrayOutputStream {
        Body(int size) {
            super(size);
        }

        byte[] array() {
            return buf;
        }

        @Override
        public void write(byte[] b) {
            write(b, 0, b.length);
        }
    }

    // ---------------------------------------------------------------- stats and stop

    /** Records accepted by the server (their batch acknowledged in the spool). */
    public long sentRecords() { return sentRecords.get(); }

    /** HTTP requests answered (any status), ack polls included. */
    public long requests() { return requests.get(); }

    /** Batches sent again (whole, or the failed items of a {@code _bulk}). */
    public long retries() { return retries.get(); }

    /** Failed attempts: connect/TLS errors, timeouts, retryable statuses, HEC ack timeouts. */
    public long failures() { return failures.get(); }

    /** Successful connections (keep-alive: fewer than requests). */
    public long connects() { return connects.get(); }

    /** Records dropped because the server refused them as malformed (non-retryable 4xx). */
    public long poisonRecords() { return poisonRecords.get(); }

    /** {@code _bulk} items that failed with 429/5xx and were sent again. */
    public long itemRetries() { return itemRetries.get(); }

    /** {@code _bulk} items answered 409 (already indexed by an earlier attempt): counted as delivered. */
    public long conflicts() { return conflicts.get(); }

    /** HEC ack polls answered. */
    public long ackPolls() { return ackPolls.get(); }

    /** The last backoff wait, in milliseconds. */
    public long lastBackoffMillis() { return lastBackoffMillis; }

    /** The HEC channel id sent with {@code X-Splunk-Request-Channel}. */
    public String channelId() { return channelId; }

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
        closeConnection();
        try {
            thread.join(requestTimeoutMillis + connectTimeoutMillis + 5000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeConnection();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5000);
    }

    @Override
    public void close() {
        close(0);
    }
}
