package io.crowsnest.decoders.defrag;

import io.crowsnest.decoders.Packet;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Per-host overlap policies (Suricata's {@code host-os-policy}): address blocks, each with the
 * policy of the operating system behind it; a datagram is reassembled with the policy of the most
 * specific block holding its destination (the host that will reassemble it), else the default.
 * Immutable. Looked up once per new datagram, never per packet; a linear scan over the blocks,
 * most specific first, without allocation (configs list a handful of blocks).
 *
 * <p>Addresses are held as {@link Packet} holds them: 128 bits, IPv4 as {@code ::ffff:a.b.c.d}.
 */
public final class HostPolicies {
    public static final HostPolicies NONE = new HostPolicies(new long[0], new long[0], new int[0], new int[0], new DefragPolicy[0]);

    private final long[] hi, lo;
    private final int[] prefix;
    /** 4 or 6: as in Suricata's separate IPv4 and IPv6 trees, a block only holds addresses of its family. */
    private final int[] family;
    private final DefragPolicy[] policy;

    private HostPolicies(long[] hi, long[] lo, int[] prefix, int[] family, DefragPolicy[] policy) {
        this.hi = hi;
        this.lo = lo;
        this.prefix = prefix;
        this.family = family;
        this.policy = policy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostPolicies h && java.util.Arrays.equals(hi, h.hi) && java.util.Arrays.equals(lo, h.lo)
                && java.util.Arrays.equals(prefix, h.prefix) && java.util.Arrays.equals(family, h.family)
                && java.util.Arrays.equals(policy, h.policy);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(lo) * 31 + java.util.Arrays.hashCode(policy);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("HostPolicies[");
        for (int i = 0; i < policy.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(Long.toHexString(hi[i])).append(':').append(Long.toHexString(lo[i]))
                    .append('/').append(prefix[i]).append('=').append(policy[i].configName());
        }
        return sb.append(']').toString();
    }

    /** Number of address blocks. */
    public int size() {
        return policy.length;
    }

    /** The policy for {@code p}'s destination, {@code fallback} when no block holds it. */
    DefragPolicy forDestination(Packet p, DefragPolicy fallback) {
        for (int i = 0; i < policy.length; i++) { // sorted most specific first: the first match is the longest
            if (family[i] == p.ipVersion && matches(i, p.dstHi, p.dstLo)) {
                return policy[i];
            }
        }
        return fallback;
    }

    private boolean matches(int i, long aHi, long aLo) {
        int n = prefix[i];
        if (n == 0) {
            return true;
        }
        if (n <= 64) {
            long mask = -1L << (64 - n);
            return (aHi & mask) == hi[i];
        }
        long mask = n == 128 ? -1L : -1L << (128 - n);
        return aHi == hi[i] && (aLo & mask) == lo[i];
    }

    /** Collects blocks; {@link #add} throws {@link IllegalArgumentException} naming the bad block. */
    public static final class Builder {
        private final List<long[]> blocks = new ArrayList<>();
        private final List<DefragPolicy> policies = new ArrayList<>();

        /**
         * Adds an address or CIDR block ({@code 10.0.0.0/8}, {@code 192.0.2.7}, {@code fd00::/8})
         * for {@code policy}. A later block with the same address and prefix replaces an earlier one.
         */
        public Builder add(String cidr, DefragPolicy policy) {
            long[] b = parse(cidr);
            for (int i = 0; i < blocks.size(); i++) {
                long[] o = blocks.get(i);
                if (Arrays.equals(o, b)) {
                    policies.set(i, policy);
                    return this;
                }
            }
            blocks.add(b);
            policies.add(policy);
            return this;
        }

        public HostPolicies build() {
            Integer[] order = new Integer[blocks.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Long.compare(blocks.get(b)[2], blocks.get(a)[2]));
            long[] hi = new long[order.length];
            long[] lo = new long[order.length];
            int[] prefix = new int[order.length];
            int[] family = new int[order.length];
            DefragPolicy[] pol = new DefragPolicy[order.length];
            for (int i = 0; i < order.length; i++) {
                long[] b = blocks.get(order[i]);
                hi[i] = b[0];
                lo[i] = b[1];
                prefix[i] = (int) b[2];
                family[i] = (int) b[3];
                pol[i] = policies.get(order[i]);
            }
            return new HostPolicies(hi, lo, prefix, family, pol);
        }
    }

    /**
     * {hi, lo, prefix, family} of an address or CIDR block, host bits cleared, IPv4 mapped into
     * {@code ::ffff:0:0/96}, family 4 for an IPv4 text and 6 for an IPv6 one; two texts naming the
     * same block give equal arrays.
     *
     * @throws IllegalArgumentException naming the text when it is not an address or block
     */
    public static long[] block(String cidr) {
        return parse(cidr);
    }

    /** See {@link #block}. */
    static long[] parse(String cidr) {
        String s = cidr.trim();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        boolean v6 = addr.indexOf(':') >= 0;
        if (!v6 && !addr.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 address or CIDR block: '" + cidr + "'");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(addr).getAddress(); // a literal (checked above, or has ':'): no name lookup
        } catch (UnknownHostException | SecurityException e) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 address or CIDR block: '" + cidr + "'");
        }
        if (bytes.length == 4) { // IPv4, or an IPv6 literal of a v4-mapped address: as Packet holds it
            byte[] m = new byte[16];
            m[10] = m[11] = (byte) 0xff;
            System.arraycopy(bytes, 0, m, 12, 4);
            bytes = m;
        }
        int max = v6 ? 128 : 32;
        int n = max;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > max) {
                throw new IllegalArgumentException("bad prefix length in '" + cidr + "' (0.." + max + ")");
            }
            n = Integer.parseInt(p);
        }
        if (!v6) {
            n += 96;
        }
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(bytes);
        long hi = bb.getLong();
        long lo = bb.getLong();
        if (n <= 64) {
            hi &= n == 0 ? 0 : -1L << (64 - n);
            lo = 0;
        } else if (n < 128) {
            lo &= -1L << (128 - n);
        }
        return new long[] {hi, lo, n, v6 ? 6 : 4};
    }
}
