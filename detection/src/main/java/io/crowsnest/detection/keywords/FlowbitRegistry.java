package io.crowsnest.detection.keywords;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Flowbit names to bit indexes (assigned at rule load; one registry per rule set). Thread-safe. */
public final class FlowbitRegistry {
    private final Map<String, Integer> index = new HashMap<>();
    private final List<String> names = new ArrayList<>();

    public synchronized int index(String name) {
        Integer i = index.get(name);
        if (i == null) {
            i = names.size();
            names.add(name);
            index.put(name, i);
        }
        return i;
    }

    public synchronized List<String> names() {
        return Collections.unmodifiableList(new ArrayList<>(names));
    }

    public synchronized int size() {
        return names.size();
    }
}
