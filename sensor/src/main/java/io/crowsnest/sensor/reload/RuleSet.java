package io.crowsnest.sensor.reload;

import io.crowsnest.detection.engine.DetectionEngine;
import java.util.List;

/**
 * One compiled rule set: the engine, what went into it, and its identity ({@link #hash()}:
 * the first 12 hex digits of SHA-256 over the texts of the rule files, in load order).
 *
 * @param flowbitNames flowbit names by index (a reload registers them first so indexes stay put)
 * @param files        rule files with at least one rule but none loaded (a reload refuses such a set)
 * @param variables    the rule variables it was loaded with (a reload reuses parsed rules only under the same)
 * @param reused       rules taken over from the previous set instead of parsed again
 */
public record RuleSet(DetectionEngine engine, String hash, long loadedAtMillis, int loaded, int total,
                      List<String> refused, List<String> flowbitNames, List<String> flowintNames,
                      List<String> files, long parseNanos, long buildNanos, java.util.Map<String, String> variables,
                      int reused) {
    public int refusedCount() {
        return refused.size();
    }

    public double loadedAtSeconds() {
        return loadedAtMillis / 1000.0;
    }

    /** {@code ruleset 1a2b3c4d5e6f: 120 rules (2 refused)}. */
    public String describe() {
        return "ruleset " + hash + ": " + loaded + " rules" + (refused.isEmpty() ? "" : " (" + refused.size() + " refused)");
    }
}
