package io.crowsnest.decoders;

import io.crowsnest.decoders.checksum.InternetChecksum;

/** Transport checksum over a segment with the IPv4/IPv6 pseudo header of the current IP layer. */
public final class L4Checksums {
    private L4Checksums() {}

    /** True when the segment [{@code off}, {@code off+len}) with the pseudo header sums to zero. */
    public static boolean valid(Packet p, int proto, int off, int len) {
        long acc = p.ipVersion == 4
                ? InternetChecksum.pseudoV4(p.data, p.l3Offset + 12, proto, len)
                : InternetChecksum.pseudoV6(p.data, p.l3Offset + 8, proto, len);
        return InternetChecksum.finish(InternetChecksum.add(p.data, off, len, acc)) == 0;
    }
}
