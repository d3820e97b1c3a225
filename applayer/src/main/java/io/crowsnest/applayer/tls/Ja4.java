package io.crowsnest.applayer.tls;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The JA4 fingerprint of a TLS ClientHello (FoxIO's JA4, as Suricata's {@code ja4.hash}), e.g.
 * {@code t13d1516h2_8daaf6152771_d8a2da3f94cd}:
 * <ul>
 *   <li>a: {@code t} (TLS over TCP), the version (highest of supported_versions, else the hello's), {@code d}
 *       with an SNI / {@code i} without, cipher and extension counts (two digits, at most 99), the first and
 *       last character of the first ALPN value ({@code 00} without ALPN; the first and last hex digit when
 *       either is not alphanumeric);</li>
 *   <li>b: SHA-256 of the ciphers in hex, sorted, comma-separated, first 12 hex digits;</li>
 *   <li>c: the same of the sorted extensions without SNI and ALPN, then {@code _} and the signature
 *       algorithms in their order (no {@code _} part without them).</li>
 * </ul>
 * GREASE values are ignored everywhere; an empty list hashes to {@code 000000000000}. Built once per
 * ClientHello (not per packet).
 */
final class Ja4 {
    private Ja4() {}

    static String of(int version, boolean sni, int[] ciphers, int nc, int[] exts, int ne, byte[] alpn,
                     int[] sigAlgs, int ns) {
        StringBuilder a = new StringBuilder(10);
        a.append('t').append(version(version)).append(sni ? 'd' : 'i');
        two(a, nc);
        two(a, ne);
        a.append(alpn(alpn));
        int[] c = Arrays.copyOf(ciphers, nc);
        Arrays.sort(c);
        String b = nc == 0 ? "000000000000" : sha12(hexList(c, c.length));
        int[] e = new int[ne];
        int n = 0;
        for (int i = 0; i < ne; i++) {
            if (exts[i] != 0x0000 && exts[i] != 0x0010) {
                e[n++] = exts[i];
            }
        }
        Arrays.sort(e, 0, n);
        String cPart;
        if (n == 0) {
            cPart = "000000000000";
        } else {
            String list = hexList(e, n);
            cPart = sha12(ns == 0 ? list : list + "_" + hexList(sigAlgs, ns));
        }
        return a + "_" + b + "_" + cPart;
    }

    static String version(int v) {
        switch (v) {
            case 0x0304: return "13";
            case 0x0303: return "12";
            case 0x0302: return "11";
            case 0x0301: return "10";
            case 0x0300: return "s3";
            case 0x0002: return "s2";
            default: return "00";
        }
    }

    private static void two(StringBuilder sb, int n) {
        int v = Math.min(99, n);
        if (v < 10) {
            sb.append('0');
        }
        sb.append(v);
    }

    static String alpn(byte[] v) {
        if (v == null || v.length == 0) {
            return "00";
        }
        int f = v[0] & 0xFF, l = v[v.length - 1] & 0xFF;
        if (alnum(f) && alnum(l)) {
            return "" + (char) f + (char) l;
        }
        String hex = "0123456789abcdef";
        return "" + hex.charAt(f >>> 4) + hex.charAt(l & 0xF);
    }

    private static boolean alnum(int c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    private static String hexList(int[] v, int n) {
        StringBuilder sb = new StringBuilder(n * 5);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(',');
            }
            String h = Integer.toHexString(v[i] & 0xFFFF);
            for (int k = h.length(); k < 4; k++) {
                sb.append('0');
            }
            sb.append(h);
        }
        return sb.toString();
    }

    private static String sha12(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII));
            StringBuilder sb = new StringBuilder(12);
            for (int i = 0; i < 6; i++) {
                sb.append(Character.forDigit((d[i] >>> 4) & 0xF, 16)).append(Character.forDigit(d[i] & 0xF, 16));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }
}
