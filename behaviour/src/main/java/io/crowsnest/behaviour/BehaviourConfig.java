package io.crowsnest.behaviour;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Detector thresholds as {@code detector.key = number} ("scan.vertical_ports=30"). Every detector asks
 * for its keys with a default, so the defaults live beside the code that uses them; a value set here
 * (command line {@code --behaviour-set}, config file) overrides it. Unknown keys are reported by
 * {@link #unused()} once detectors were built, so a typo does not silently keep the default.
 */
public final class BehaviourConfig {
    private final Map<String, Double> values = new TreeMap<>();
    private final Set<String> asked = new TreeSet<>();
    /** Caps of tracked keys per detector table (workloads, sources, pairs). */
    private int maxKeys = 100_000;

    public static BehaviourConfig defaults() {
        return new BehaviourConfig();
    }

    /** Parses "key=value"; throws IllegalArgumentException with the reason. */
    public BehaviourConfig set(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("expected detector.key=number, got '" + assignment + "'");
        }
        String k = assignment.substring(0, eq).trim();
        String v = assignment.substring(eq + 1).trim();
        try {
            return set(k, Double.parseDouble(v));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + k + "': '" + v + "' is not a number");
        }
    }

    public BehaviourConfig set(String key, double value) {
        if (key.equals("max_keys")) {
            maxKeys = (int) value;
            asked.add(key);
        }
        values.put(key, value);
        return this;
    }

    public double num(String key, double dflt) {
        asked.add(key);
        Double v = values.get(key);
        return v == null ? dflt : v;
    }

    public int integer(String key, int dflt) {
        return (int) num(key, dflt);
    }

    public int maxKeys() {
        return maxKeys;
    }

    /** Keys that were set but that no detector asked for (typos). */
    public Set<String> unused() {
        Set<String> s = new TreeSet<>(values.keySet());
        s.removeAll(asked);
        return s;
    }
}
