package io.crowsnest.outputs.eve;

/** Field formats EVE consumers expect from Suricata: timestamps, addresses, protocol names. */
public final class EveFormat {
    private EveFormat() {}

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /**
     * Suricata's EVE timestamp, {@code 2021-12-13T10:12:32.617443+0000}: microseconds, and
     * the offset of the zone (always UTC here, so dashboards need no sensor-local time).
     */
    public static String timestamp(long epochSeconds, int nanos) {
        long days = Math.floorDiv(epochSeconds, 86_400L);
        long secOfDay = Math.floorMod(epochSeconds, 86_400L);
        // civil-from-days (Howard Hinnant's algorithm), proleptic Gregorian calendar
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long y = yoe + era * 400;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long d = doy - (153 * mp + 2) / 5 + 1;
        long m = mp < 10 ? mp + 3 : mp - 9;
        if (m <= 2) {
            y++;
        }
        char[] c = new char[31];
        put(c, 0, y, 4);
        c[4] = '-';
        put(c, 5, m, 2);
        c[7] = '-';
        put(c, 8, d, 2);
        c[10] = 'T';
        put(c, 11, secOfDay / 3600, 2);
        c[13] = ':';
        put(c, 14, secOfDay / 60 % 60, 2);
        c[16] = ':';
        put(c, 17, secOfDay % 60, 2);
        c[19] = '.';
        put(c, 20, nanos / 1000, 6);
        c[26] = '+';
        c[27] = '0';
        c[28] = '0';
        c[29] = '0';
        c[30] = '0';
        return new String(c);
    }

    private static void put(char[] c, int at, long value, int digits) {
        for (int i = digits - 1; i >= 0; i--) {
            c[at + i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /**
     * An address held as two longs. IPv4 (version 4) prints dotted-quad; IPv6 prints the way
     * Suricata's EVE does: eight groups of four hex digits, not compressed.
     */
    public static String address(int ipVersion, long hi, long lo) {
        if (ipVersion == 4) {
            int v4 = (int) lo;
            return ((v4 >>> 24) & 0xFF) + "." + ((v4 >>> 16) & 0xFF) + "." + ((v4 >>> 8) & 0xFF) + "." + (v4 & 0xFF);
        }
        char[] c = new char[39];
        int at = 0;
        for (int g = 0; g < 8; g++) {
            long word = g < 4 ? hi : lo;
            int shift = 48 - 16 * (g & 3);
            int group = (int) ((word >>> shift) & 0xFFFF);
            if (g > 0) {
                c[at++] = ':';
            }
            c[at++] = HEX[(group >>> 12) & 0xF];
            c[at++] = HEX[(group >>> 8) & 0xF];
            c[at++] = HEX[(group >>> 4) & 0xF];
            c[at++] = HEX[group & 0xF];
        }
        return new String(c);
    }

    /** Protocol names as Suricata prints them in {@code proto}. */
    public static String proto(int ipProto) {
        switch (ipProto) {
            case 6: return "TCP";
            case 17: return "UDP";
            case 1: return "ICMP";
            case 58: return "IPv6-ICMP";
            case 47: return "GRE";
            case 132: return "SCTP";
            case 4: return "IPIP";
            case 41: return "IPv6";
            case 50: return "ESP";
            case 51: return "AH";
            default: return Integer.toString(ipProto);
        }
    }
}
