package io.crowsnest.outputs.format;

import io.crowsnest.detection.alert.Alert;
import io.crowsnest.outputs.eve.EveAlertWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** The EVE JSON line of an alert (exactly what {@link EveAlertWriter} writes), without its newline. */
public final class EveJsonFormat implements AlertFormat {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream(1024);
    private final EveAlertWriter writer;

    public EveJsonFormat() {
        try {
            writer = new EveAlertWriter(buf);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void format(Alert alert, ByteArrayOutputStream out) throws IOException {
        buf.reset();
        writer.write(alert);
        writer.flush();
        int n = buf.size();
        byte[] b = buf.toByteArray();
        while (n > 0 && (b[n - 1] == '\n' || b[n - 1] == '\r')) {
            n--;
        }
        out.write(b, 0, n);
    }
}
