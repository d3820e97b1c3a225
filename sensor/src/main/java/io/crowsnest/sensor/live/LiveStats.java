package io.crowsnest.sensor.live;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.crowsnest.capture.live.InterfaceStats;
import io.crowsnest.outputs.eve.EveFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The periodic loss report: one stats line per interval on stderr, and the same numbers in
 * {@code DIR/stats.json} (replaced atomically, so a reader never sees half a file).
 */
final class LiveStats {
    private static final JsonFactory JSON = new JsonFactory();

    private LiveStats() {}

    static String line(double uptimeSeconds, List<InterfaceStats> interfaces, long alerts, long ringOccupancy) {
        StringBuilder sb = new StringBuilder(String.format("stats: uptime %.0fs alerts %d ring %d", uptimeSeconds, alerts, ringOccupancy));
        for (InterfaceStats s : interfaces) {
            sb.append(" | ").append(s.name())
              .append(" rx ").append(s.received())
              .append(" kernel_drop ").append(s.kernelDrops())
              .append(" if_drop ").append(s.ifDrops())
              .append(" ring_drop ").append(s.ringDrops())
              .append(" ring_full ").append(s.ringFullWaits());
            if (!s.active()) {
                sb.append(" (stopped").append(s.error() != null ? ": " + s.error() : "").append(')');
            }
        }
        return sb.toString();
    }

    static void writeJson(Path dir, double uptimeSeconds, List<InterfaceStats> interfaces, long alerts,
                          long ringOccupancy, boolean finalReport) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve("stats.json.tmp");
        try (OutputStream out = Files.newOutputStream(tmp);
             JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            long nowMillis = System.currentTimeMillis();
            g.writeStringField("timestamp", EveFormat.timestamp(nowMillis / 1000, (int) (nowMillis % 1000) * 1_000_000));
            g.writeNumberField("uptime_seconds", uptimeSeconds);
            g.writeBooleanField("final", finalReport);
            g.writeNumberField("alerts", alerts);
            g.writeNumberField("ring_occupancy", ringOccupancy);
            g.writeArrayFieldStart("interfaces");
            for (InterfaceStats s : interfaces) {
                g.writeStartObject();
                g.writeStringField("name", s.name());
                g.writeNumberField("received", s.received());
                g.writeNumberField("bytes", s.bytes());
                g.writeNumberField("published", s.published());
                g.writeNumberField("kernel_drops", s.kernelDrops());
                g.writeNumberField("if_drops", s.ifDrops());
                g.writeNumberField("ring_drops", s.ringDrops());
                g.writeNumberField("ring_full_waits", s.ringFullWaits());
                g.writeNumberField("truncated", s.truncated());
                g.writeBooleanField("active", s.active());
                if (s.error() != null) {
                    g.writeStringField("error", s.error());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        Files.move(tmp, dir.resolve("stats.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
