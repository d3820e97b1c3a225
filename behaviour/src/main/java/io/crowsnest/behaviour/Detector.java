package io.crowsnest.behaviour;

import java.util.Map;

/**
 * One behavioural detector: its own class, its own sid range, thresholds read from
 * {@link BehaviourConfig} under its {@link #name()} prefix (documented in the README).
 */
public interface Detector extends Observer {
    /** Short name, also the label kind the evaluation matches ("scan", "fanout", …). */
    String name();

    /** State-size counters (tracked keys, evictions when a cap was hit). */
    default Map<String, Long> stats() {
        return Map.of();
    }
}
