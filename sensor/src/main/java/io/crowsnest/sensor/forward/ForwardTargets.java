package io.crowsnest.sensor.forward;

import io.crowsnest.detection.alert.AlertOutput;
import io.crowsnest.outputs.format.AlertFormat;
import io.crowsnest.outputs.format.CefFormat;
import io.crowsnest.outputs.format.LeefFormat;
import io.crowsnest.outputs.format.Rfc3164Format;
import io.crowsnest.outputs.format.Rfc5424Format;
import io.crowsnest.outputs.http.HttpAlertOutput;
import io.crowsnest.outputs.http.HttpFlavor;
import io.crowsnest.outputs.http.HttpSender;
import io.crowsnest.outputs.kafka.KafkaAlertOutput;
import io.crowsnest.outputs.kafka.KafkaSender;
import io.crowsnest.outputs.kafka.KafkaUrl;
import io.crowsnest.outputs.spool.Spool;
import io.crowsnest.outputs.syslog.SyslogAlertOutput;
import io.crowsnest.outputs.syslog.SyslogSender;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns {@code --forward URL} values into alert outputs, each with its own on-disk spool (so
 * the packet path never waits on a SIEM and nothing is lost while it is down):
 * <pre>
 *   syslog+udp://HOST:PORT   syslog+tcp://HOST:PORT   syslog+tls://HOST:PORT   relp://HOST:PORT
 *       ?format=rfc5424|rfc3164|cef|leef   &amp;facility=N   &amp;ca=FILE   &amp;name=TLS-SERVER-NAME
 *   http://… or https://…
 *       ?flavor=webhook|bulk|hec   &amp;token=SPLUNK-TOKEN   &amp;ack=true   &amp;gzip=true   &amp;ca=FILE   &amp;index=PREFIX
 *   kafka://HOST:PORT[,HOST:PORT…]/TOPIC
 *       ?acks=all|1   &amp;compression=none|gzip|lz4|zstd|snappy   &amp;linger_ms=N   &amp;client_id=ID
 *       &amp;tls=true   &amp;ca=FILE   &amp;sasl=plain|scram-sha-256|scram-sha-512   &amp;user=U   &amp;password=P
 * </pre>
 * The spool of target N lives in {@code SPOOL_DIR/N-scheme-host-port} (kafka: of the first
 * bootstrap broker, then {@code -TOPIC}), so a restarted sensor
 * with the same arguments resumes from the last acknowledged record.
 */
public final class ForwardTargets {
    private ForwardTargets() {}

    /** How long closing an output may wait for delivery before leaving the rest spooled. */
    public static final long CLOSE_DRAIN_MILLIS = 5_000;

    public static List<AlertOutput> open(List<String> urls, Path spoolRoot, long spoolCapBytes, PrintStream err)
            throws IOException {
        List<AlertOutput> outputs = new ArrayList<>();
        try {
            for (int i = 0; i < urls.size(); i++) {
                outputs.add(open(i, urls.get(i), spoolRoot, spoolCapBytes, err));
            }
        } catch (IOException | RuntimeException e) {
            for (AlertOutput o : outputs) {
                try {
                    o.close();
                } catch (IOException ignored) {
                    // already failing: report the first problem
                }
            }
            throw e;
        }
        return outputs;
    }

    private static AlertOutput open(int index, String url, Path spoolRoot, long cap, PrintStream err) throws IOException {
        if (KafkaUrl.isKafka(url)) {
            return openKafka(index, url, spoolRoot, cap, err);
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--forward " + url + ": not a URL (" + e.getMessage() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (uri.getHost() == null || (uri.getPort() < 0 && !scheme.startsWith("http"))) {
            throw new IllegalArgumentException("--forward " + url + ": needs HOST:PORT");
        }
        Map<String, String> q = query(uri, url);
        String label = "forward " + scheme + "://" + uri.getHost() + ":" + uri.getPort();
        Path dir = spoolRoot.resolve(index + "-" + scheme.replace('+', '-') + "-" + uri.getHost() + "-" + uri.getPort());
        Spool spool = Spool.builder(dir).capBytes(cap).dropPolicy(Spool.DropPolicy.OLDEST)
                .errors(m -> err.println("crowsnest: " + label + ": " + m)).open();
        switch (scheme) {
            case "syslog+udp": case "syslog+tcp": case "syslog+tls": case "relp": {
                allow(q, url, "format", "facility", "ca", "name");
                SyslogSender.Transport t = scheme.equals("relp") ? SyslogSender.Transport.RELP
                        : scheme.equals("syslog+udp") ? SyslogSender.Transport.UDP
                        : scheme.equals("syslog+tls") ? SyslogSender.Transport.TLS : SyslogSender.Transport.TCP;
                SyslogSender.Builder b = SyslogSender.builder(spool, uri.getHost(), uri.getPort()).transport(t)
                        .errors(m -> err.println("crowsnest: " + label + ": " + m));
                if (q.containsKey("ca")) {
                    b.caFile(Paths.get(q.get("ca")));
                }
                if (q.containsKey("name")) {
                    b.serverName(q.get("name"));
                }
                return new SyslogAlertOutput(format(q, url), spool, b.start(), CLOSE_DRAIN_MILLIS);
            }
            case "http": case "https": {
                allow(q, url, "flavor", "token", "ack", "gzip", "ca", "index");
                HttpFlavor flavor;
                switch (q.getOrDefault("flavor", "webhook")) {
                    case "webhook": flavor = HttpFlavor.WEBHOOK; break;
                    case "bulk": flavor = HttpFlavor.ELASTIC_BULK; break;
                    case "hec": flavor = HttpFlavor.SPLUNK_HEC; break;
                    default: throw new IllegalArgumentException("--forward " + url + ": flavor must be webhook, bulk or hec");
                }
                URI target;
                try {
                    target = new URI(uri.getScheme(), uri.getUserInfo(), uri.getHost(), uri.getPort(), uri.getPath(), null, null);
                } catch (URISyntaxException e) {
                    throw new IllegalArgumentException("--forward " + url + ": " + e.getMessage());
                }
                HttpSender.Builder b = HttpSender.builder(spool, target).flavor(flavor)
                        .gzip(Boolean.parseBoolean(q.getOrDefault("gzip", "false")))
                        .errors(m -> err.println("crowsnest: " + label + ": " + m));
                if (q.containsKey("ca")) {
                    b.caFile(Paths.get(q.get("ca")));
                }
                if (q.containsKey("token")) {
                    b.splunkToken(q.get("token"));
                }
                if (q.containsKey("ack")) {
                    b.splunkAck(Boolean.parseBoolean(q.get("ack")));
                }
                if (q.containsKey("index")) {
                    b.elasticIndexPrefix(q.get("index"));
                }
                return new HttpAlertOutput(spool, b.start(), CLOSE_DRAIN_MILLIS);
            }
            default:
                spool.close();
                throw new IllegalArgumentException("--forward " + url
                        + ": scheme must be syslog+udp, syslog+tcp, syslog+tls, relp, http, https or kafka");
        }
    }

    /** kafka://HOST:PORT[,HOST:PORT]/TOPIC: its own parser, since URI cannot hold several hosts. */
    private static AlertOutput openKafka(int index, String url, Path spoolRoot, long cap, PrintStream err)
            throws IOException {
        KafkaUrl k;
        try {
            k = KafkaUrl.parse(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--forward " + url + ": " + e.getMessage());
        }
        String ca = k.caFile();
        if (ca != null && !Files.isReadable(Paths.get(ca))) {
            throw new IllegalArgumentException("--forward " + url + ": cannot read the CA file " + ca);
        }
        String first = k.hosts().get(0).replace("[", "").replace("]", "");
        int colon = first.lastIndexOf(':');
        Path dir = spoolRoot.resolve(index + "-kafka-" + first.substring(0, colon).replace(':', '_') + "-"
                + first.substring(colon + 1) + "-" + k.topic());
        String label = "forward kafka://" + k.bootstrap() + "/" + k.topic();
        Spool spool = Spool.builder(dir).capBytes(cap).dropPolicy(Spool.DropPolicy.OLDEST)
                .errors(m -> err.println("crowsnest: " + label + ": " + m)).open();
        // the sender's lines already name the target ("kafka HOSTS/TOPIC: …")
        KafkaSender sender = k.builder(spool).errors(m -> err.println("crowsnest: forward " + m)).start();
        return new KafkaAlertOutput(spool, sender, CLOSE_DRAIN_MILLIS);
    }

    private static AlertFormat format(Map<String, String> q, String url) throws IOException {
        int facility;
        try {
            facility = Integer.parseInt(q.getOrDefault("facility", "16"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--forward " + url + ": facility must be 0-23");
        }
        if (facility < 0 || facility > 23) {
            throw new IllegalArgumentException("--forward " + url + ": facility must be 0-23");
        }
        String host = InetAddress.getLocalHost().getHostName();
        switch (q.getOrDefault("format", "rfc5424")) {
            case "rfc5424": return new Rfc5424Format(facility, host);
            case "rfc3164": return new Rfc3164Format(facility, host);
            case "cef": return new Rfc3164Format(facility, host, new CefFormat());
            case "leef": return new Rfc3164Format(facility, host, new LeefFormat());
            default: throw new IllegalArgumentException("--forward " + url + ": format must be rfc5424, rfc3164, cef or leef");
        }
    }

    private static Map<String, String> query(URI uri, String url) {
        Map<String, String> q = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--forward " + url + ": bad query parameter '" + kv + "'");
            }
            q.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    private static void allow(Map<String, String> q, String url, String... names) {
        Set<String> ok = Set.of(names);
        for (String k : q.keySet()) {
            if (!ok.contains(k)) {
                throw new IllegalArgumentException("--forward " + url + ": unknown parameter '" + k + "' (allowed: "
                        + String.join(", ", names) + ")");
            }
        }
    }
}
