package io.crowsnest.behaviour;

import java.util.Map;

/**
 * One alert per key per cooldown ({@code DETECTOR.cooldown_s}, default 600 s): the last alert time of
 * each key in a capped map, so a long attack raises one alert per window instead of one per flow, and
 * a flood of keys cannot grow it without bound.
 */
public final class Cooldowns {
    private final BoundedMap<String, Long> last;
    private final long nanos;

    public Cooldowns(BehaviourConfig cfg, String detector) {
        this.nanos = (long) (cfg.num(detector + ".cooldown_s", 600) * 1e9);
        this.last = new BoundedMap<>(cfg.maxKeys());
    }

    /** True when {@code key} may alert at {@code ts} (and records that it did); false while its cooldown runs. */
    public boolean tryAlert(String key, long ts) {
        Long t = last.get(key);
        if (t != null && ts - t < nanos) {
            return false;
        }
        last.put(key, ts);
        return true;
    }

    /** Forgets keys whose cooldown ended (call from a detector's periodic sweep). */
    public void sweep(long now) {
        last.values().removeIf(t -> now - t >= nanos);
    }

    public long nanos() {
        return nanos;
    }

    /** {@code cooldowns_tracked} and {@code cooldowns_evicted} for a detector's stats. */
    public void stats(Map<String, Long> m) {
        m.put("cooldowns_tracked", (long) last.size());
        m.put("cooldowns_evicted", last.evictions());
    }
}
