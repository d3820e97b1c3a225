package io.crowsnest.outputs.format;

import io.crowsnest.detection.alert.Alert;
import io.crowsnest.outputs.eve.EveFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * RFC 5424 syslog message:
 * {@code <PRI>1 TIMESTAMP HOSTNAME crowsnest - alert [crowsnest@32473 ...] MSG}.
 *
 * <ul>
 *   <li>PRI = facility * 8 + {@link AlertFormat#syslogSeverity} (alert severity 1 → 2 critical,
 *       2 → 3 error, 3 → 4 warning, anything else → 5 notice).
 *   <li>TIMESTAMP is the packet time of the alert, UTC, microseconds ({@code 2021-12-13T10:12:32.617443Z}).
 *   <li>APP-NAME {@code crowsnest}, PROCID {@code -}, MSGID {@code alert}.
 *   <li>Structured data element {@code crowsnest@32473} (32473 is the documentation enterprise
 *       number of RFC 5612) with params gid, sid, rev, action, severity, class, msg, proto, src,
 *       sport, dst, dport; values escape {@code "}, {@code \} and {@code ]} with a backslash
 *       (RFC 5424 6.3.3), and are UTF-8.
 *   <li>MSG is the body format's output (the EVE JSON line by default), without a BOM.
 * </ul>
 */
public final class Rfc5424Format implements AlertFormat {
    public static final String SD_ID = "crowsnest@32473";

    private final int facility;
    private final String hostname;
    private final AlertFormat body;
    private final StringBuilder sb = new StringBuilder(512);

    public Rfc5424Format(int facility, String hostname) {
        this(facility, hostname, new EveJsonFormat());
    }

    public Rfc5424Format(int facility, String hostname, AlertFormat body) {
        if (facility < 0 || facility > 23) {
            throw new IllegalArgumentException("facility must be 0..23: " + facility);
        }
        this.facility = facility;
        this.hostname = AlertFormat.headerToken(hostname, 255);
        this.body = body;
    }

    @Override
    public void format(Alert a, ByteArrayOutputStream out) throws IOException {
        StringBuilder b = sb;
        b.setLength(0);
        b.append('<').append(AlertFormat.pri(facility, a.severity)).append(">1 ");
        b.append(EveFormat.timestamp(a.tsSeconds, a.tsNanos), 0, 26).append("Z ");
        b.append(hostname).append(" crowsnest - alert [").append(SD_ID);
        param(b, "gid", Integer.toString(a.gid));
        param(b, "sid", Long.toString(a.sid));
        param(b, "rev", Integer.toString(a.rev));
        param(b, "action", a.action);
        param(b, "severity", Integer.toString(a.severity));
        param(b, "class", a.category);
        param(b, "msg", a.msg);
        param(b, "proto", EveFormat.proto(a.ipProto));
        param(b, "src", EveFormat.address(a.ipVersion, a.srcHi, a.srcLo));
        boolean ports = a.ipProto == 6 || a.ipProto == 17 || a.ipProto == 132;
        if (ports) {
            param(b, "sport", Integer.toString(a.srcPort));
        }
        param(b, "dst", EveFormat.address(a.ipVersion, a.dstHi, a.dstLo));
        if (ports) {
            param(b, "dport", Integer.toString(a.dstPort));
        }
        param(b, "ruleset", a.rulesetHash);
        param(b, "rulesetLoaded", a.rulesetHash == null ? null : a.rulesetLoadedAt);
        b.append("] ");
        out.write(b.toString().getBytes(StandardCharsets.UTF_8));
        body.format(a, out);
    }

    private static void param(StringBuilder b, String name, String value) {
        if (value == null) {
            return;
        }
        b.append(' ').append(name).append("=\"");
        escapeParamValue(b, value);
        b.append('"');
    }

    /** SD-PARAM value escaping (RFC 5424 6.3.3): {@code "}, {@code \} and {@code ]} get a backslash. */
    public static void escapeParamValue(StringBuilder b, String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '"' || c == '\\' || c == ']') {
                b.append('\\');
            }
            b.append(c);
        }
    }
}
