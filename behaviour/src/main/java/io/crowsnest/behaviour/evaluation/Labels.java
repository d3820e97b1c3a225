package io.crowsnest.behaviour.evaluation;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A labels file: {@code {"capture": "scan.pcap", "attacks": [{"kind", "name", "src": [...], "dst": [...],
 * "start": epoch-seconds, "end": epoch-seconds}]}}. An empty attack list labels a benign capture.
 */
public final class Labels {
    public String capture;
    public List<Label> attacks = new ArrayList<>();

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public static Labels read(Path file) throws IOException {
        try {
            Labels l = JSON.readValue(file.toFile(), Labels.class);
            for (Label a : l.attacks) {
                if (a.end < a.start) {
                    throw new IOException(file + ": attack " + a.id() + " ends before it starts");
                }
            }
            return l;
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            throw new IOException((loc == null ? file.toString() : file + ":" + loc.getLineNr() + ":" + loc.getColumnNr())
                    + ": " + e.getOriginalMessage());
        }
    }
}
