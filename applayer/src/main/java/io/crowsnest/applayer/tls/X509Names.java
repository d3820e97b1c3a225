package io.crowsnest.applayer.tls;

import java.nio.charset.StandardCharsets;

/**
 * Minimal DER walk of an X.509 certificate for what rules and EVE use: subject and issuer as Suricata
 * prints them ("C=US, O=Example, CN=host", in certificate order) and the serial as colon-separated upper
 * hex bytes. Returns null on anything malformed.
 */
final class X509Names {
    String subject, issuer, serial;
    /** Validity bounds in epoch seconds (UTC); 0 when absent or not a time this parser reads. */
    long notBefore, notAfter;

    private static final class Der {
        final byte[] b;
        int p;
        final int end;

        Der(byte[] b, int p, int end) {
            this.b = b;
            this.p = p;
            this.end = end;
        }

        int tag;
        int len;
        int start;

        boolean next() {
            if (p + 2 > end) {
                return false;
            }
            tag = b[p] & 0xFF;
            int l = b[p + 1] & 0xFF;
            int q = p + 2;
            if (l >= 0x80) {
                int n = l & 0x7F;
                if (n < 1 || n > 3 || q + n > end) {
                    return false;
                }
                l = 0;
                for (int i = 0; i < n; i++) {
                    l = l << 8 | (b[q + i] & 0xFF);
                }
                q += n;
            }
            if (q + l > end) {
                return false;
            }
            start = q;
            len = l;
            p = q + l;
            return true;
        }

        Der inner() {
            return new Der(b, start, start + len);
        }
    }

    static X509Names parse(byte[] b, int off, int len) {
        Der cert = new Der(b, off, off + len);
        if (!cert.next() || cert.tag != 0x30) {
            return null;
        }
        Der c = cert.inner();
        if (!c.next() || c.tag != 0x30) {
            return null;
        }
        Der tbs = c.inner();
        if (!tbs.next()) {
            return null;
        }
        if (tbs.tag == 0xA0 && !tbs.next()) {
            return null;
        }
        if (tbs.tag != 0x02) {
            return null;
        }
        X509Names n = new X509Names();
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < tbs.len; i++) {
            if (s.length() > 0) {
                s.append(':');
            }
            s.append(String.format("%02X", b[tbs.start + i] & 0xFF));
        }
        n.serial = s.toString();
        if (!tbs.next()) { // signature algorithm
            return null;
        }
        if (!tbs.next() || tbs.tag != 0x30) {
            return null;
        }
        n.issuer = name(tbs.inner());
        if (!tbs.next()) { // validity
            return null;
        }
        if (tbs.tag == 0x30) {
            Der v = tbs.inner();
            if (v.next()) {
                n.notBefore = time(v);
                if (v.next()) {
                    n.notAfter = time(v);
                }
            }
        }
        if (!tbs.next() || tbs.tag != 0x30) {
            return null;
        }
        n.subject = name(tbs.inner());
        return n;
    }

    /**
     * UTCTime (YYMMDDHHMM[SS]Z, years 50–99 are 19xx) or GeneralizedTime (YYYYMMDDHHMM[SS]Z) as epoch
     * seconds; 0 for anything else (local times, fractions, offsets).
     */
    static long time(Der d) {
        int yearDigits = d.tag == 0x17 ? 2 : d.tag == 0x18 ? 4 : 0;
        if (yearDigits == 0) {
            return 0;
        }
        int len = d.len;
        if (len < yearDigits + 9 || d.b[d.start + len - 1] != 'Z') {
            return 0;
        }
        int digits = len - 1;
        if (digits != yearDigits + 8 && digits != yearDigits + 10) {
            return 0;
        }
        int[] f = new int[(digits - yearDigits) / 2 + 1];
        int p = d.start;
        int year = 0;
        for (int i = 0; i < yearDigits; i++) {
            int c = d.b[p++] - '0';
            if (c < 0 || c > 9) {
                return 0;
            }
            year = year * 10 + c;
        }
        if (yearDigits == 2) {
            year += year >= 50 ? 1900 : 2000;
        }
        for (int i = 1; i < f.length; i++) {
            int hi = d.b[p++] - '0', lo = d.b[p++] - '0';
            if (hi < 0 || hi > 9 || lo < 0 || lo > 9) {
                return 0;
            }
            f[i] = hi * 10 + lo;
        }
        int sec = f.length > 5 ? f[5] : 0;
        try {
            return java.time.LocalDateTime.of(year, f[1], f[2], f[3], f[4], sec)
                    .toEpochSecond(java.time.ZoneOffset.UTC);
        } catch (java.time.DateTimeException e) {
            return 0;
        }
    }

    private static String name(Der d) {
        StringBuilder s = new StringBuilder();
        while (d.next()) {
            if (d.tag != 0x31) {
                continue;
            }
            Der set = d.inner();
            while (set.next()) {
                if (set.tag != 0x30) {
                    continue;
                }
                Der atv = set.inner();
                if (!atv.next() || atv.tag != 0x06) {
                    continue;
                }
                String key = oid(atv.b, atv.start, atv.len);
                if (!atv.next()) {
                    continue;
                }
                String val = atv.tag == 0x1E
                        ? new String(atv.b, atv.start, atv.len, StandardCharsets.UTF_16BE)
                        : new String(atv.b, atv.start, atv.len, StandardCharsets.UTF_8);
                if (s.length() > 0) {
                    s.append(", ");
                }
                s.append(key).append('=').append(val);
            }
        }
        return s.toString();
    }

    private static String oid(byte[] b, int off, int len) {
        StringBuilder s = new StringBuilder();
        long v = 0;
        boolean first = true;
        for (int i = 0; i < len; i++) {
            v = v << 7 | (b[off + i] & 0x7F);
            if ((b[off + i] & 0x80) == 0) {
                if (first) {
                    s.append(v < 80 ? v / 40 : 2).append('.').append(v < 80 ? v % 40 : v - 80);
                    first = false;
                } else {
                    s.append('.').append(v);
                }
                v = 0;
            }
        }
        switch (s.toString()) {
            case "2.5.4.3": return "CN";
            case "2.5.4.6": return "C";
            case "2.5.4.7": return "L";
            case "2.5.4.8": return "ST";
            case "2.5.4.10": return "O";
            case "2.5.4.11": return "OU";
            case "2.5.4.5": return "serialNumber";
            case "2.5.4.9": return "street";
            case "2.5.4.12": return "title";
            case "2.5.4.17": return "postalCode";
            case "1.2.840.113549.1.9.1": return "emailAddress";
            case "0.9.2342.19200300.100.1.25": return "DC";
            default: return s.toString();
        }
    }
}
