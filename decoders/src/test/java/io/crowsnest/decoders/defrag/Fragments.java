package io.crowsnest.decoders.defrag;

import io.crowsnest.decoders.checksum.InternetChecksum;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Builds real Ethernet frames for the defrag tests: whole IPv4/IPv6 UDP and TCP datagrams (with
 * valid checksums) and their fragments, as a host's IP stack would cut them.
 */
final class Fragments {
    private Fragments() {}

    static final byte[] SRC4 = {10, 0, 0, 1};
    static final byte[] DST4 = {10, 0, 0, 2};
    static final byte[] SRC6 = addr6(1);
    static final byte[] DST6 = addr6(2);

    private static byte[] addr6(int last) {
        byte[] a = new byte[16];
        a[0] = (byte) 0xfd;
        a[15] = (byte) last;
        return a;
    }

    /** {@code n} bytes of a recognisable pattern (position-dependent, so misplaced bytes show). */
    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + (i * 7 + i / 26) % 26);
        }
        return b;
    }

    /** A UDP header + payload with its checksum over the IPv4 or IPv6 pseudo header. */
    static byte[] udp(boolean v6, int sport, int dport, byte[] payload) {
        byte[] u = new byte[8 + payload.length];
        put16(u, 0, sport);
        put16(u, 2, dport);
        put16(u, 4, u.length);
        System.arraycopy(payload, 0, u, 8, payload.length);
        put16(u, 6, l4Checksum(v6, 17, u));
        return u;
    }

    /** A minimal TCP header (ACK|PSH, data offset 5) + payload with its checksum. */
    static byte[] tcp(boolean v6, int sport, int dport, byte[] payload) {
        byte[] t = new byte[20 + payload.length];
        put16(t, 0, sport);
        put16(t, 2, dport);
        put16(t, 4, 0x1234);
        put16(t, 6, 0x5678);
        t[12] = 0x50;
        t[13] = 0x18;
        put16(t, 14, 64240);
        System.arraycopy(payload, 0, t, 20, payload.length);
        put16(t, 16, l4Checksum(v6, 6, t));
        return t;
    }

    private static int l4Checksum(boolean v6, int proto, byte[] seg) {
        byte[] addrs = v6 ? concat(SRC6, DST6) : concat(SRC4, DST4);
        long acc = v6 ? InternetChecksum.pseudoV6(addrs, 0, proto, seg.length) : InternetChecksum.pseudoV4(addrs, 0, proto, seg.length);
        int c = InternetChecksum.finish(InternetChecksum.add(seg, 0, seg.length, acc));
        return c == 0 && proto == 17 ? 0xffff : c;
    }

    /** Ethernet (+ an 802.1Q tag when {@code vlan >= 0}) + IPv4 header + {@code data} at fragment offset {@code off}. */
    static byte[] v4(int id, int off, boolean mf, int proto, byte[] data, int vlan) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ethernet(o, vlan, 0x0800);
        byte[] ip = new byte[20 + data.length];
        ip[0] = 0x45;
        put16(ip, 2, ip.length);
        put16(ip, 4, id);
        put16(ip, 6, (mf ? 0x2000 : 0) | (off >> 3));
        ip[8] = 64;
        ip[9] = (byte) proto;
        System.arraycopy(SRC4, 0, ip, 12, 4);
        System.arraycopy(DST4, 0, ip, 16, 4);
        put16(ip, 10, InternetChecksum.compute(ip, 0, 20));
        System.arraycopy(data, 0, ip, 20, data.length);
        o.writeBytes(ip);
        return o.toByteArray();
    }

    static byte[] v4(int id, int off, boolean mf, int proto, byte[] data) {
        return v4(id, off, mf, proto, data, -1);
    }

    /** A whole IPv4 datagram (not fragmented) carrying {@code l4}. */
    static byte[] v4Whole(int proto, byte[] l4) {
        return v4(0x4242, 0, false, proto, l4);
    }

    /**
     * Ethernet + IPv6 header (+ an 8-byte hop-by-hop header when {@code hopByHop}) + fragment header
     * (next header {@code proto}, identification {@code id}) + {@code data}.
     */
    static byte[] v6(int id, int off, boolean mf, int proto, byte[] data, boolean hopByHop) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ethernet(o, -1, 0x86dd);
        int ext = hopByHop ? 8 : 0;
        byte[] ip = new byte[40 + ext + 8 + data.length];
        ip[0] = 0x60;
        put16(ip, 4, ip.length - 40);
        ip[6] = (byte) (hopByHop ? 0 : 44);
        ip[7] = 64;
        System.arraycopy(SRC6, 0, ip, 8, 16);
        System.arraycopy(DST6, 0, ip, 24, 16);
        int fh = 40;
        if (hopByHop) {
            ip[40] = 44; // next: fragment; length 0 (8 bytes); PadN option of 4 bytes
            ip[42] = 1;
            ip[43] = 4;
            fh = 48;
        }
        ip[fh] = (byte) proto;
        put16(ip, fh + 2, off | (mf ? 1 : 0));
        put32(ip, fh + 4, id);
        System.arraycopy(data, 0, ip, fh + 8, data.length);
        o.writeBytes(ip);
        return o.toByteArray();
    }

    static byte[] v6(int id, int off, boolean mf, int proto, byte[] data) {
        return v6(id, off, mf, proto, data, false);
    }

    /** A whole IPv6 datagram (no fragment header) carrying {@code l4}. */
    static byte[] v6Whole(int proto, byte[] l4) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ethernet(o, -1, 0x86dd);
        byte[] ip = new byte[40 + l4.length];
        ip[0] = 0x60;
        put16(ip, 4, l4.length);
        ip[6] = (byte) proto;
        ip[7] = 64;
        System.arraycopy(SRC6, 0, ip, 8, 16);
        System.arraycopy(DST6, 0, ip, 24, 16);
        System.arraycopy(l4, 0, ip, 40, l4.length);
        o.writeBytes(ip);
        return o.toByteArray();
    }

    static byte[] slice(byte[] b, int from, int to) {
        return Arrays.copyOfRange(b, from, Math.min(to, b.length));
    }

    static byte[] fill(char c, int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) c);
        return b;
    }

    private static void ethernet(ByteArrayOutputStream o, int vlan, int etherType) {
        o.writeBytes(new byte[] {0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1});
        if (vlan >= 0) {
            o.write(0x81);
            o.write(0x00);
            o.write(vlan >> 8);
            o.write(vlan);
        }
        o.write(etherType >> 8);
        o.write(etherType);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    static void put16(byte[] b, int o, int v) {
        b[o] = (byte) (v >>> 8);
        b[o + 1] = (byte) v;
    }

    static void put32(byte[] b, int o, int v) {
        put16(b, o, v >>> 16);
        put16(b, o + 2, v);
    }
}
