package io.crowsnest.behaviour;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map with a hard cap: past it, the least recently used entry goes and {@link #evictions()} counts it.
 * Every table a detector keeps per source, pair or workload is one of these, so state stays bounded
 * however many addresses an attacker spoofs.
 */
public final class BoundedMap<K, V> extends LinkedHashMap<K, V> {
    private static final long serialVersionUID = 1L;
    private final int cap;
    private long evictions;

    public BoundedMap(int cap) {
        super(16, 0.75f, true);
        this.cap = Math.max(1, cap);
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        if (size() > cap) {
            evictions++;
            return true;
        }
        return false;
    }

    public long evictions() {
        return evictions;
    }

    public int cap() {
        return cap;
    }
}
