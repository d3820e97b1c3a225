package io.crowsnest.outputs.format;

import io.crowsnest.detection.alert.Alert;
import io.crowsnest.outputs.eve.EveFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * BSD syslog (RFC 3164): {@code <PRI>Mmm dd hh:mm:ss HOSTNAME crowsnest: MSG}, the day
 * space-padded, the time the alert's packet time in UTC (3164 has no zone or year). PRI as in
 * {@link Rfc5424Format}. MSG is the body format's output (the EVE JSON line by default).
 */
public final class Rfc3164Format implements AlertFormat {
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
        "Sep", "Oct", "Nov", "Dec"};

    private final int facility;
    private final String hostname;
    private final AlertFormat body;
    private final StringBuilder sb = new StringBuilder(64);

    public Rfc3164Format(int facility, String hostname) {
        this(facility, hostname, new EveJsonFormat());
    }

    public Rfc3164Format(int facility, String hostname, AlertFormat body) {
        if (facility < 0 || facility > 23) {
            throw new IllegalArgumentException("facility must be 0..23: " + facility);
        }
        this.facility = facility;
        this.hostname = AlertFormat.headerToken(hostname, 255);
        this.body = body;
    }

    @Override
    public void format(Alert a, ByteArrayOutputStream out) throws IOException {
        String ts = EveFormat.timestamp(a.tsSeconds, a.tsNanos); // yyyy-MM-ddTHH:mm:ss...
        int month = Integer.parseInt(ts.substring(5, 7));
        int day = Integer.parseInt(ts.substring(8, 10));
        StringBuilder b = sb;
        b.setLength(0);
        b.append('<').append(AlertFormat.pri(facility, a.severity)).append('>');
        b.append(MONTHS[month - 1]).append(' ');
        if (day < 10) {
            b.append(' ');
        }
        b.append(day).append(' ').append(ts, 11, 19).append(' ');
        b.append(hostname).append(" crowsnest: ");
        out.write(b.toString().getBytes(StandardCharsets.UTF_8));
        body.format(a, out);
    }
}
