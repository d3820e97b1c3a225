package io.crowsnest.decoders;

/**
 * Symmetric flow hash of the (inner) addresses, ports and protocol: both directions of a flow
 * hash alike. Each endpoint (address, port) is hashed on its own, the two are combined with a
 * commutative addition, then mixed with the protocol. ICMP uses ports 0. Allocation-free.
 */
public final class FlowHash {
    private FlowHash() {}

    private static final long K1 = 0x9E37_79B9_7F4A_7C15L;
    private static final long K2 = 0xC2B2_AE3D_27D4_EB4FL;

    public static int of(Packet p) {
        int proto = p.ipProto;
        int sp = p.srcPort;
        int dp = p.dstPort;
        if (proto == 1 || proto == 58) {
            sp = 0;
            dp = 0;
        }
        long a = endpoint(p.srcHi, p.srcLo, sp);
        long b = endpoint(p.dstHi, p.dstLo, dp);
        long h = mix(a + b + (proto + 1) * K2);
        return (int) (h ^ (h >>> 32));
    }

    private static long endpoint(long hi, long lo, int port) {
        return mix(mix(hi ^ K1) + lo + ((long) port << 17) * K1);
    }

    /** MurmurHash3 fmix64. */
    private static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51_afd7_ed55_8ccdL;
        k ^= k >>> 33;
        k *= 0xc4ce_b9fe_1a85_ec53L;
        k ^= k >>> 33;
        return k;
    }
}
