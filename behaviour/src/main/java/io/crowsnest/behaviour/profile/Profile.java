package io.crowsnest.behaviour.profile;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A baseline: what each workload normally does, learned from captures or live traffic
 * ({@code crowsnest baseline learn}). Written as YAML with sorted keys so two profiles diff line by line
 * and a human can edit one (allow an edge, raise a limit) before running with {@code --baseline}.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"version", "learned_from", "start", "end", "seconds", "truncated", "workloads"})
public final class Profile {
    public int version = 1;
    @JsonProperty("learned_from")
    public List<String> learnedFrom = new ArrayList<>();
    /** First and last record time learned (ISO-8601 UTC) and the span in seconds. */
    public String start;
    public String end;
    public double seconds;
    /** Entries dropped because a cap was hit while learning (workloads, edges, endpoints, names). */
    public TreeMap<String, Long> truncated = new TreeMap<>();
    public TreeMap<String, WorkloadProfile> workloads = new TreeMap<>();

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public WorkloadProfile workload(String key) {
        return workloads.get(key);
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isEmpty() {
        return workloads.isEmpty();
    }

    public String toYaml() {
        try {
            return "# Crowsnest behaviour profile: edit to allow an edge or raise a limit; diff with `crowsnest baseline diff`.\n"
                    + YAML.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public void write(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, toYaml());
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads a profile; a bad file fails with "FILE:LINE:COLUMN: reason". */
    public static Profile read(Path file) throws IOException {
        try {
            Profile p = YAML.readValue(file.toFile(), Profile.class);
            if (p == null) {
                throw new IOException(file + ": empty profile");
            }
            if (p.version != 1) {
                throw new IOException(file + ": unsupported profile version " + p.version + " (this build reads 1)");
            }
            return p;
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String where = loc == null ? file.toString() : file + ":" + loc.getLineNr() + ":" + loc.getColumnNr();
            throw new IOException(where + ": " + e.getOriginalMessage());
        }
    }

    public static Profile parse(String yaml) throws IOException {
        return YAML.readValue(yaml, Profile.class);
    }
}
