package io.crowsnest.outputs.format;

import io.crowsnest.detection.alert.Alert;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Turns an alert into the bytes of one message (UTF-8, no trailing newline, no transport
 * framing). Implementations are single-threaded and reuse their buffers.
 */
public interface AlertFormat {
    /** Appends the message for {@code alert} to {@code out}. */
    void format(Alert alert, ByteArrayOutputStream out) throws IOException;

    /** Alert severity (1 = highest) to syslog severity: 1 → 2 critical, 2 → 3 error, 3 → 4 warning, else 5 notice. */
    static int syslogSeverity(int alertSeverity) {
        switch (alertSeverity) {
            case 1: return 2;
            case 2: return 3;
            case 3: return 4;
            default: return 5;
        }
    }

    /** Syslog PRI value: facility * 8 + severity mapped from the alert severity. */
    static int pri(int facility, int alertSeverity) {
        return facility * 8 + syslogSeverity(alertSeverity);
    }

    /** A host name usable in a syslog header: printable US-ASCII without spaces, at most 255, "-" if empty. */
    static String headerToken(String s, int max) {
        if (s == null || s.isEmpty()) {
            return "-";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), max));
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            b.append(c > 32 && c < 127 ? c : '_');
        }
        return b.toString();
    }
}
