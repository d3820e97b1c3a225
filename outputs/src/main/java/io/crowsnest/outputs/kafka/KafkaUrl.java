package io.crowsnest.outputs.kafka;

import io.crowsnest.outputs.spool.Spool;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Kafka forwarding target written as a URL:
 * <pre>
 *   kafka://HOST:PORT[,HOST:PORT…]/TOPIC
 *       ?acks=all|1  &amp;compression=none|gzip|lz4|zstd|snappy  &amp;linger_ms=N  &amp;client_id=ID
 *       &amp;tls=true  &amp;ca=PEM-FILE  &amp;sasl=plain|scram-sha-256|scram-sha-512  &amp;user=U  &amp;password=P
 * </pre>
 * Several bootstrap brokers are comma-separated (java.net.URI cannot hold them, hence this
 * parser). {@code tls=true} (or giving {@code ca}) connects with TLS, verifying the broker's
 * certificate and host name; {@code sasl} authenticates (over TLS when {@code tls=true}).
 * Error messages name the problem only; the caller prefixes where the URL came from.
 */
public final class KafkaUrl {
    public static final String SCHEME = "kafka";
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final Set<String> PARAMS = Set.of("acks", "compression", "linger_ms", "client_id",
            "tls", "ca", "sasl", "user", "password");

    private final List<String> hosts;
    private final String topic;
    private final Map<String, String> params;

    private KafkaUrl(List<String> hosts, String topic, Map<String, String> params) {
        this.hosts = hosts;
        this.topic = topic;
        this.params = params;
    }

    /** True when {@code url} has the kafka scheme (whatever else is wrong with it). */
    public static boolean isKafka(String url) {
        return url.regionMatches(true, 0, SCHEME + "://", 0, SCHEME.length() + 3);
    }

    /** Parses and checks a kafka:// URL; throws IllegalArgumentException saying what is wrong. */
    public static KafkaUrl parse(String url) {
        if (!isKafka(url)) {
            throw new IllegalArgumentException("not a kafka:// URL");
        }
        String rest = url.substring(SCHEME.length() + 3);
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("needs a topic: kafka://HOST:PORT[,HOST:PORT]/TOPIC");
        }
        List<String> hosts = new ArrayList<>();
        for (String hp : rest.substring(0, slash).split(",", -1)) {
            hosts.add(hostPort(hp));
        }
        String path = rest.substring(slash + 1);
        String query = null;
        int q = path.indexOf('?');
        if (q >= 0) {
            query = path.substring(q + 1);
            path = path.substring(0, q);
        }
        String topic = URLDecoder.decode(path, StandardCharsets.UTF_8);
        if (!TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            throw new IllegalArgumentException("topic '" + topic
                    + "' is not a Kafka topic name (1-249 of A-Z a-z 0-9 . _ -)");
        }
        Map<String, String> params = query(query);
        KafkaUrl u = new KafkaUrl(Collections.unmodifiableList(hosts), topic, params);
        u.configure(KafkaSender.builder(null, u.bootstrap(), topic)); // checks every value now, not at first send
        return u;
    }

    private static String hostPort(String hp) {
        int colon = hp.lastIndexOf(':');
        if (hp.isEmpty() || colon <= 0 || colon == hp.length() - 1) {
            throw new IllegalArgumentException("'" + hp + "' is not HOST:PORT");
        }
        String host = hp.substring(0, colon);
        if (host.indexOf(':') >= 0 && !(host.startsWith("[") && host.endsWith("]"))) {
            throw new IllegalArgumentException("'" + hp + "': write an IPv6 address in brackets, [ADDR]:PORT");
        }
        int port;
        try {
            port = Integer.parseInt(hp.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("'" + hp + "': port must be 1-65535");
        }
        return hp;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("bad query parameter '" + kv + "'");
            }
            String k = URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8);
            if (!PARAMS.contains(k)) {
                throw new IllegalArgumentException("unknown parameter '" + k + "' (allowed: "
                        + String.join(", ", new java.util.TreeSet<>(PARAMS)) + ")");
            }
            q.put(k, URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    /** "HOST:PORT,HOST:PORT" for {@code bootstrap.servers}. */
    public String bootstrap() {
        return String.join(",", hosts);
    }

    public List<String> hosts() {
        return hosts;
    }

    public String topic() {
        return topic;
    }

    /** The {@code ca} parameter (PEM file of the CAs that sign the brokers' certificates), or null. */
    public String caFile() {
        return params.get("ca");
    }

    /** A sender builder for this target, draining {@code spool}. */
    public KafkaSender.Builder builder(Spool spool) {
        return configure(KafkaSender.builder(spool, bootstrap(), topic));
    }

    private KafkaSender.Builder configure(KafkaSender.Builder b) {
        if (params.containsKey("acks")) {
            b.acks(params.get("acks"));
        }
        if (params.containsKey("compression")) {
            b.compression(params.get("compression"));
        }
        if (params.containsKey("linger_ms")) {
            b.lingerMillis(intParam("linger_ms", 0, 60_000));
        }
        if (params.containsKey("client_id")) {
            b.clientId(params.get("client_id"));
        }
        if (bool("tls") || params.containsKey("ca")) {
            b.tls(params.get("ca"));
        }
        String sasl = params.get("sasl");
        if (sasl != null) {
            if (!sasl.equals("plain") && !sasl.equals("scram-sha-256") && !sasl.equals("scram-sha-512")) {
                throw new IllegalArgumentException("sasl must be plain, scram-sha-256 or scram-sha-512");
            }
            if (!params.containsKey("user") || !params.containsKey("password")) {
                throw new IllegalArgumentException("sasl needs user and password");
            }
            b.sasl(sasl, params.get("user"), params.get("password"));
        } else if (params.containsKey("user") || params.containsKey("password")) {
            throw new IllegalArgumentException("user and password need sasl=plain|scram-sha-256|scram-sha-512");
        }
        return b;
    }

    private boolean bool(String name) {
        String v = params.get(name);
        if (v == null || v.equals("false")) {
            return false;
        }
        if (v.equals("true")) {
            return true;
        }
        throw new IllegalArgumentException(name + " must be true or false");
    }

    private int intParam(String name, int min, int max) {
        try {
            int v = Integer.parseInt(params.get(name));
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be " + min + "-" + max);
    }
}
