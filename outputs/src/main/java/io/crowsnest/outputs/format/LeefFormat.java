package io.crowsnest.outputs.format;

import io.crowsnest.detection.alert.Alert;
import io.crowsnest.outputs.eve.EveFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * IBM QRadar LEEF 2.0:
 * {@code LEEF:2.0|Crowsnest|Crowsnest|0.1|<sid>|<delimiter>|devTime=…<d>src=…<d>…}.
 *
 * <p>The attribute delimiter is declared in the sixth header field: the character itself when
 * it is printable ASCII (default {@code ^}), otherwise its hex form ({@code x09} for tab).
 *
 * <p>Attributes: {@code devTime} (packet time, epoch milliseconds), {@code src}, {@code dst},
 * {@code srcPort}/{@code dstPort} (TCP, UDP, SCTP only), {@code proto}, {@code sev} (1..10 as
 * {@link CefFormat#cefSeverity}), {@code cat} (category), then custom keys {@code action},
 * {@code gid}, {@code sid}, {@code rev}, {@code msg}, {@code flowId} and {@code direction}
 * (when there is a flow).
 *
 * <p>Escaping: header fields escape {@code \} and {@code |} with a backslash. Attribute values
 * escape {@code \} → {@code \\}, the delimiter → backslash + delimiter, LF → {@code \n},
 * CR → {@code \r}; {@code =} needs no escape (a value runs to the next delimiter). UTF-8.
 */
public final class LeefFormat implements AlertFormat {
    private final char delimiter;
    private final String declared;
    private final StringBuilder sb = new StringBuilder(512);

    public LeefFormat() {
        this('^');
    }

    public LeefFormat(char delimiter) {
        if (delimiter == '\\' || delimiter == '=' || delimiter == '|' || delimiter == '\n' || delimiter == '\r') {
            throw new IllegalArgumentException("unusable LEEF delimiter: " + (int) delimiter);
        }
        this.delimiter = delimiter;
        this.declared = delimiter > 32 && delimiter < 127 ? String.valueOf(delimiter)
                : String.format("x%02X", (int) delimiter);
    }

    @Override
    public void format(Alert a, ByteArrayOutputStream out) throws IOException {
        StringBuilder b = sb;
        b.setLength(0);
        b.append("LEEF:2.0|Crowsnest|Crowsnest|0.1|").append(a.sid).append('|').append(declared).append('|');
        b.append("devTime=").append(a.tsSeconds * 1000 + a.tsNanos / 1_000_000);
        attr(b, "src", EveFormat.address(a.ipVersion, a.srcHi, a.srcLo));
        attr(b, "dst", EveFormat.address(a.ipVersion, a.dstHi, a.dstLo));
        if (a.ipProto == 6 || a.ipProto == 17 || a.ipProto == 132) {
            attr(b, "srcPort", Integer.toString(a.srcPort));
            attr(b, "dstPort", Integer.toString(a.dstPort));
        }
        attr(b, "proto", EveFormat.proto(a.ipProto));
        attr(b, "sev", Integer.toString(CefFormat.cefSeverity(a.severity)));
        attr(b, "cat", a.category);
        attr(b, "action", a.action);
        attr(b, "gid", Integer.toString(a.gid));
        attr(b, "sid", Long.toString(a.sid));
        attr(b, "rev", Integer.toString(a.rev));
        attr(b, "msg", a.msg);
        if (a.hasFlow) {
            attr(b, "flowId", Long.toString(a.flowId));
            attr(b, "direction", a.toServer ? "to_server" : "to_client");
        }
        attr(b, "rulesetHash", a.rulesetHash);
        attr(b, "rulesetLoaded", a.rulesetHash == null ? null : a.rulesetLoadedAt);
        out.write(b.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void attr(StringBuilder b, String key, String value) {
        if (value == null) {
            return;
        }
        b.append(delimiter).append(key).append('=');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                b.append("\\\\");
            } else if (c == delimiter) {
                b.append('\\').append(c);
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else {
                b.append(c);
            }
        }
    }
}
