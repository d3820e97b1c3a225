package io.crowsnest.detection.keywords;

import io.crowsnest.decoders.Packet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * xbits state (Suricata's host / ippair bits), shared by all workers of a rule set and thread-safe. A bit is
 * keyed by its name index and the tracked addresses: the source, the destination, or the address pair (in
 * either order, as Suricata's ippair table is symmetric). An entry holds its expiry in packet time (nanoseconds;
 * {@link Long#MAX_VALUE} when the rule gave no {@code expire}).
 */
public final class XbitStore {
    public enum Track { IP_SRC, IP_DST, IP_PAIR }

    private record Key(int name, int track, long aHi, long aLo, long bHi, long bLo) {}

    private final FlowbitRegistry names = new FlowbitRegistry();
    private final ConcurrentHashMap<Key, Long> bits = new ConcurrentHashMap<>();

    public int index(String name) {
        return names.index(name);
    }

    public static long now(Packet p) {
        return p.tsSeconds * 1_000_000_000L + p.tsNanos;
    }

    private static Key key(int name, Track t, Packet p) {
        switch (t) {
            case IP_SRC: return new Key(name, 0, p.srcHi, p.srcLo, 0, 0);
            case IP_DST: return new Key(name, 1, p.dstHi, p.dstLo, 0, 0);
            default:
                boolean swap = Long.compareUnsigned(p.srcHi, p.dstHi) > 0
                        || (p.srcHi == p.dstHi && Long.compareUnsigned(p.srcLo, p.dstLo) > 0);
                return swap ? new Key(name, 2, p.dstHi, p.dstLo, p.srcHi, p.srcLo)
                        : new Key(name, 2, p.srcHi, p.srcLo, p.dstHi, p.dstLo);
        }
    }

    public boolean isSet(int name, Track t, Packet p) {
        Key k = key(name, t, p);
        Long exp = bits.get(k);
        if (exp == null) {
            return false;
        }
        if (now(p) > exp) {
            bits.remove(k, exp);
            return false;
        }
        return true;
    }

    /** Sets the bit, valid for {@code expireSeconds} of packet time (0: until unset). */
    public void set(int name, Track t, Packet p, long expireSeconds) {
        long exp = expireSeconds > 0 ? now(p) + expireSeconds * 1_000_000_000L : Long.MAX_VALUE;
        bits.put(key(name, t, p), exp);
    }

    public void unset(int name, Track t, Packet p) {
        bits.remove(key(name, t, p));
    }

    public void toggle(int name, Track t, Packet p, long expireSeconds) {
        if (isSet(name, t, p)) {
            unset(name, t, p);
        } else {
            set(name, t, p, expireSeconds);
        }
    }

    public int size() {
        return bits.size();
    }
}
