package io.crowsnest.outputs.format;

import io.crowsnest.detection.alert.Alert;
import io.crowsnest.outputs.eve.EveFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * ArcSight CEF:
 * {@code CEF:0|Crowsnest|Crowsnest|0.1|<sid>|<msg>|<severity>|rt=… src=… spt=… dst=… dpt=… proto=… act=… cat=… cs1Label=… …}.
 *
 * <p>Field mapping: Signature ID = sid; Name = signature msg; Severity (0..10) from alert
 * severity 1 → 10, 2 → 7, 3 → 5, anything else → 3; {@code rt} = packet time in epoch
 * milliseconds; {@code src}/{@code dst} (IPv4 or IPv6), {@code spt}/{@code dpt} (TCP, UDP,
 * SCTP only), {@code proto} as in EVE, {@code act} = action, {@code cat} = classtype category,
 * {@code cn1} = gid, {@code cn2} = rev, {@code cn3} = flow id (when there is a flow),
 * {@code cs1} = direction (when there is a flow), {@code cs2}/{@code cs3} = the ruleset's hash and load time
 * (live sensor), each with its label.
 *
 * <p>Escaping (CEF spec): in header fields {@code \} → {@code \\} and {@code |} → {@code \|};
 * a CR or LF in a header field (not allowed there by the spec) becomes a space. In extension
 * values {@code \} → {@code \\}, {@code =} → {@code \=}, LF → {@code \n}, CR → {@code \r}.
 * Non-ASCII text is written as UTF-8.
 */
public final class CefFormat implements AlertFormat {
    private final StringBuilder sb = new StringBuilder(512);

    /** CEF severity (0..10) for an alert severity (1 = highest). */
    public static int cefSeverity(int alertSeverity) {
        switch (alertSeverity) {
            case 1: return 10;
            case 2: return 7;
            case 3: return 5;
            default: return 3;
        }
    }

    @Override
    public void format(Alert a, ByteArrayOutputStream out) throws IOException {
        StringBuilder b = sb;
        b.setLength(0);
        b.append("CEF:0|Crowsnest|Crowsnest|0.1|").append(a.sid).append('|');
        header(b, a.msg);
        b.append('|').append(cefSeverity(a.severity)).append('|');
        b.append("rt=").append(a.tsSeconds * 1000 + a.tsNanos / 1_000_000);
        b.append(" src=").append(EveFormat.address(a.ipVersion, a.srcHi, a.srcLo));
        boolean ports = a.ipProto == 6 || a.ipProto == 17 || a.ipProto == 132;
        if (ports) {
            b.append(" spt=").append(a.srcPort);
        }
        b.append(" dst=").append(EveFormat.address(a.ipVersion, a.dstHi, a.dstLo));
        if (ports) {
            b.append(" dpt=").append(a.dstPort);
        }
        ext(b, "proto", EveFormat.proto(a.ipProto));
        ext(b, "act", a.action);
        ext(b, "cat", a.category);
        b.append(" cn1Label=gid cn1=").append(a.gid);
        b.append(" cn2Label=rev cn2=").append(a.rev);
        if (a.hasFlow) {
            b.append(" cn3Label=flowId cn3=").append(a.flowId);
            b.append(" cs1Label=direction cs1=").append(a.toServer ? "to_server" : "to_client");
        }
        if (a.rulesetHash != null) {
            // which ruleset raised it, so a reload can be proven live from the SIEM
            b.append(" cs2Label=rulesetHash cs2=").append(a.rulesetHash);
            if (a.rulesetLoadedAt != null) {
                b.append(" cs3Label=rulesetLoaded cs3=");
                escapeExtension(b, a.rulesetLoadedAt);
            }
        }
        out.write(b.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void ext(StringBuilder b, String key, String value) {
        if (value == null) {
            return;
        }
        b.append(' ').append(key).append('=');
        escapeExtension(b, value);
    }

    /** Escapes a CEF header field. */
    public static void header(StringBuilder b, String v) {
        if (v == null) {
            return;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\' || c == '|') {
                b.append('\\').append(c);
            } else if (c == '\n' || c == '\r') {
                b.append(' ');
            } else {
                b.append(c);
            }
        }
    }

    /** Escapes a CEF extension value. */
    public static void escapeExtension(StringBuilder b, String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\': b.append("\\\\"); break;
                case '=': b.append("\\="); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                default: b.append(c);
            }
        }
    }
}
