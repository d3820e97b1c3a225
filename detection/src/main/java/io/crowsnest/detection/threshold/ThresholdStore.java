package io.crowsnest.detection.threshold;

import io.crowsnest.decoders.Packet;
import io.crowsnest.detection.rules.Signature;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Threshold and detection_filter state (Suricata detect-engine-threshold.c), shared by all workers and
 * thread-safe. Keyed as Suricata does: by_src on (gid, sid, src), by_dst on (gid, sid, dst), by_rule on
 * (gid, sid), by_both on (gid, sid, src, dst). Time is the packet's capture time.
 */
public final class ThresholdStore {
    private record Key(long gidSid, int kind, long aHi, long aLo, long bHi, long bLo) {}

    private static final class Entry {
        long windowStartNanos;
        long count;
    }

    private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
    private volatile ThresholdConfig config;

    /** Applies a threshold.config file: its suppressions, and its thresholds over the rules' own. */
    public void configure(ThresholdConfig config) {
        this.config = config;
    }

    /** True when the signature (which matched) should alert, after suppressions, threshold / detection_filter. */
    public boolean allow(Signature s, Packet p) {
        ThresholdSpec t = s.threshold() != null ? s.threshold() : s.detectionFilter();
        ThresholdConfig c = config;
        if (c != null) {
            for (ThresholdConfig.Suppress sup : c.suppressions()) {
                if (sup.gid() == s.gid() && (sup.sid() == 0 || sup.sid() == s.sid()) && sup.covers(p)) {
                    return false;
                }
            }
            ThresholdSpec o = c.thresholds().get(ThresholdConfig.key(s.gid(), s.sid()));
            if (o == null) {
                o = c.thresholds().get(ThresholdConfig.key(s.gid(), 0));
            }
            if (o != null) {
                t = o;
            }
        }
        if (t == null) {
            return true;
        }
        long now = p.tsSeconds * 1_000_000_000L + p.tsNanos;
        long window = t.seconds() * 1_000_000_000L;
        Key key = key(s, t, p);
        Entry e = entries.get(key);
        boolean created = false;
        if (e == null) {
            Entry n = new Entry();
            n.windowStartNanos = now;
            Entry prev = entries.putIfAbsent(key, n);
            if (prev == null) {
                created = true;
                e = n;
            } else {
                e = prev;
            }
        }
        synchronized (e) {
            if (created) {
                e.count = 1;
                switch (t.type()) {
                    case LIMIT: return true;
                    case THRESHOLD:
                        if (t.count() == 1) {
                            e.count = 0;
                            return true;
                        }
                        return false;
                    case BOTH: return t.count() == 1;
                    default: return t.count() == 0;
                }
            }
            boolean inWindow = now - e.windowStartNanos < window;
            switch (t.type()) {
                case LIMIT:
                    if (inWindow) {
                        e.count++;
                        return e.count <= t.count();
                    }
                    e.windowStartNanos = now;
                    e.count = 1;
                    return true;
                case THRESHOLD:
                    if (inWindow) {
                        e.count++;
                        if (e.count >= t.count()) {
                            e.count = 0;
                            return true;
                        }
                        return false;
                    }
                    e.windowStartNanos = now;
                    e.count = 1;
                    if (t.count() <= 1) {
                        e.count = 0;
                        return true;
                    }
                    return false;
                case BOTH:
                    if (inWindow) {
                        e.count++;
                        return e.count == t.count();
                    }
                    e.windowStartNanos = now;
                    e.count = 1;
                    return t.count() == 1;
                default: // detection_filter
                    if (inWindow) {
                        e.count++;
                        return e.count > t.count();
                    }
                    e.windowStartNanos = now;
                    e.count = 1;
                    return t.count() == 0;
            }
        }
    }

    private static Key key(Signature s, ThresholdSpec t, Packet p) {
        long id = ((long) s.gid() << 32) ^ s.sid();
        switch (t.track()) {
            case BY_SRC: return new Key(id, 0, p.srcHi, p.srcLo, 0, 0);
            case BY_DST: return new Key(id, 1, p.dstHi, p.dstLo, 0, 0);
            case BY_BOTH: return new Key(id, 3, p.srcHi, p.srcLo, p.dstHi, p.dstLo);
            default: return new Key(id, 2, 0, 0, 0, 0);
        }
    }

    public int size() {
        return entries.size();
    }

    /** Drops entries whose window ended before {@code nowNanos - maxAgeNanos} (call from housekeeping). */
    public void expire(long nowNanos, long maxAgeNanos) {
        entries.values().removeIf(e -> {
            synchronized (e) {
                return nowNanos - e.windowStartNanos > maxAgeNanos;
            }
        });
    }
}
