package io.crowsnest.identity;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address as the decoders hold it: two longs, IPv6 big-endian; IPv4 as the v4-mapped IPv6 address
 * ({@code hi = 0}, {@code lo = 0x0000FFFF_xxxxxxxx}).
 */
public record IpKey(long hi, long lo) {

    /** Normalises a bare IPv4 value ({@code hi = 0}, upper 32 bits of {@code lo} zero) to the v4-mapped form. */
    public static IpKey of(long hi, long lo) {
        return new IpKey(hi, normaliseLo(hi, lo));
    }

    static long normaliseLo(long hi, long lo) {
        return hi == 0 && (lo >>> 32) == 0 && lo != 0 && lo != 1 ? (0xFFFF_0000_0000L | lo) : lo;
    }

    /**
     * A reusable stand-in for an {@code IpKey} in hash lookups, so the packet path asks a map without allocating
     * a key: same {@link #hashCode} as the key it stands for, and equal to it both ways. Never stored in a map;
     * one per thread (it is mutable).
     */
    public static final class Probe {
        private long hi;
        private long lo;

        /** Points the probe at an address (decoder form; bare IPv4 is normalised as {@link IpKey#of}). */
        public Probe set(long hi, long lo) {
            this.hi = hi;
            this.lo = normaliseLo(hi, lo);
            return this;
        }

        @Override
        public int hashCode() {
            return hash(hi, lo);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof IpKey k ? k.hi == hi && k.lo == lo : o instanceof Probe p && p.hi == hi && p.lo == lo;
        }
    }

    static int hash(long hi, long lo) {
        return 31 * Long.hashCode(hi) + Long.hashCode(lo);
    }

    @Override
    public int hashCode() {
        return hash(hi, lo);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpKey k ? k.hi == hi && k.lo == lo : o instanceof Probe p && p.hi == hi && p.lo == lo;
    }

    public static IpKey of(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            return new IpKey(0, 0xFFFF_0000_0000L | (toLong(b, 0, 4)));
        }
        return new IpKey(toLong(b, 0, 8), toLong(b, 8, 8));
    }

    public static IpKey parse(String s) {
        try {
            return of(InetAddress.getByName(s.strip()));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + s, e);
        }
    }

    public boolean isV4() {
        return hi == 0 && (lo >>> 32) == 0xFFFF;
    }

    public InetAddress toInetAddress() {
        try {
            if (isV4()) {
                int v = (int) lo;
                return InetAddress.getByAddress(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
            }
            byte[] b = new byte[16];
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (hi >>> (56 - 8 * i));
                b[8 + i] = (byte) (lo >>> (56 - 8 * i));
            }
            return Inet6Address.getByAddress(null, b, null);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return toInetAddress().getHostAddress();
    }

    private static long toLong(byte[] b, int off, int len) {
        long v = 0;
        for (int i = 0; i < len; i++) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }
}
