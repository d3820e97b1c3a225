package io.crowsnest.sensor.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** One suricata-verify test: capture, rules, options and the expected per-sid alert counts. */
final class ConformanceCase {
    final String name;
    final String category;
    final Path dir;
    final boolean checksumValidation;
    final boolean midstream;
    final Map<Long, Long> expected = new LinkedHashMap<>();
    final Long totalAlerts;

    ConformanceCase(Path dir, ObjectMapper json) throws IOException {
        this.dir = dir;
        this.name = dir.getFileName().toString();
        JsonNode root = json.readTree(dir.resolve("expected.json").toFile());
        this.category = root.path("category").asText();
        JsonNode opts = root.path("options");
        this.checksumValidation = !opts.has("checksum_validation") || opts.get("checksum_validation").asBoolean();
        this.midstream = opts.path("stream_midstream").asBoolean(false);
        for (JsonNode a : root.path("alerts")) {
            expected.put(a.get("sid").asLong(), a.get("count").asLong());
        }
        this.totalAlerts = root.has("total_alerts") ? root.get("total_alerts").asLong() : null;
    }
}
