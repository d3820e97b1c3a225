package io.crowsnest.behaviour.reflection;

import io.crowsnest.behaviour.TopFlows;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one reflected-to address (or address + reflector port) received in one window: bytes each way,
 * suspicious DNS queries, unsolicited answers, and which reflectors sent the most (the alert's source).
 */
final class ReflectionWindow {
    /** Reflectors remembered per window; more are counted in {@link #reflectorCount} only. */
    static final int MAX_REFLECTORS = 16;

    final long start;
    long requestBytes;
    long responseBytes;
    long flows;
    /** DNS queries of type ANY or advertising a large EDNS0 buffer. */
    long amplifyingQueries;
    /** DNS answers to this address for which no query was seen. */
    long unsolicitedAnswers;
    String lastName;
    final TopFlows top = new TopFlows(5);
    private final Map<String, Long> bytesByReflector = new LinkedHashMap<>();
    private long reflectorCount;

    ReflectionWindow(long start) {
        this.start = start;
    }

    void reflector(String server, long bytes) {
        Long b = bytesByReflector.get(server);
        if (b != null) {
            bytesByReflector.put(server, b + bytes);
        } else {
            reflectorCount++;
            if (bytesByReflector.size() < MAX_REFLECTORS) {
                bytesByReflector.put(server, bytes);
            }
        }
    }

    /** The reflector that sent the most bytes (or, with no bytes yet, the first seen); null when none. */
    String topReflector() {
        String best = null;
        long most = -1;
        for (Map.Entry<String, Long> e : bytesByReflector.entrySet()) {
            if (e.getValue() > most) {
                most = e.getValue();
                best = e.getKey();
            }
        }
        return best;
    }

    long reflectors() {
        return reflectorCount;
    }

    /** Response bytes per request byte; a window with responses but no requests seen counts requests as 1 byte. */
    double ratio() {
        return (double) responseBytes / Math.max(1, requestBytes);
    }
}
