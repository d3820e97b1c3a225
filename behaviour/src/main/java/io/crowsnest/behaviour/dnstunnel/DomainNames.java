package io.crowsnest.behaviour.dnstunnel;

import java.util.Locale;
import java.util.Set;

/** Small facts about DNS names: normal form, registered ("base") domain, the data-carrying label, entropy. */
final class DomainNames {
    private DomainNames() {
    }

    /**
     * Second-level labels under which a two-letter country code registers names (example.co.uk,
     * example.com.au): there the base domain is three labels. A heuristic, not the public suffix list, but
     * it covers the common ccTLDs at the cost of one set lookup.
     */
    private static final Set<String> CC_SECOND_LEVEL = Set.of(
            "co", "com", "net", "org", "ac", "gov", "edu", "ne", "or", "go", "ltd", "plc", "me", "gob", "nic");

    private static final Set<String> UNUSUAL_TYPES = Set.of(
            "TXT", "NULL", "CNAME", "MX", "ANY", "PRIVATE", "KEY", "HINFO");

    /** Lower case, without the root dot; null for an empty name. */
    static String normalise(String name) {
        if (name == null) {
            return null;
        }
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        return n.isEmpty() ? null : n;
    }

    /** "a.b.example.com" → "example.com", "x.example.co.uk" → "example.co.uk"; the name itself when shorter. */
    static String base(String name) {
        int last = name.lastIndexOf('.');
        if (last <= 0) {
            return name;
        }
        int second = name.lastIndexOf('.', last - 1);
        if (second < 0) {
            return name;
        }
        String tld = name.substring(last + 1);
        String sld = name.substring(second + 1, last);
        if (tld.length() == 2 && CC_SECOND_LEVEL.contains(sld)) {
            int third = name.lastIndexOf('.', second - 1);
            return third < 0 ? name : name.substring(third + 1);
        }
        return name.substring(second + 1);
    }

    /** The longest label left of the base domain (where tunnels put their data), or "" when there is none. */
    static String longestLabel(String name, String base) {
        if (name.length() <= base.length()) {
            return "";
        }
        String sub = name.substring(0, name.length() - base.length() - 1);
        String best = "";
        int from = 0;
        while (from <= sub.length()) {
            int dot = sub.indexOf('.', from);
            int to = dot < 0 ? sub.length() : dot;
            if (to - from > best.length()) {
                best = sub.substring(from, to);
            }
            from = to + 1;
        }
        return best;
    }

    /** Shannon entropy of the characters of {@code s}, bits per character (0 for "" or one repeated char). */
    static double entropy(String s) {
        if (s.isEmpty()) {
            return 0;
        }
        int[] counts = new int[128];
        int other = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 128) {
                counts[c]++;
            } else {
                other++;
            }
        }
        double h = 0;
        double n = s.length();
        for (int c : counts) {
            if (c > 0) {
                h -= c / n * (Math.log(c / n) / Math.log(2));
            }
        }
        if (other > 0) {
            h -= other / n * (Math.log(other / n) / Math.log(2));
        }
        return h;
    }

    /** Record types a resolver rarely needs but a tunnel uses for its payload (also private/unknown types). */
    static boolean unusualType(String type) {
        if (type == null) {
            return false;
        }
        String t = type.toUpperCase(Locale.ROOT);
        if (UNUSUAL_TYPES.contains(t)) {
            return true;
        }
        if (t.startsWith("TYPE")) {
            return true; // a type the parser has no name for (RFC 3597 notation)
        }
        if (!t.isEmpty() && t.length() <= 5 && t.chars().allMatch(Character::isDigit)) {
            int code = Integer.parseInt(t); // CNAME 5, NULL 10, MX 15, TXT 16, ANY 255, private use
            return code == 5 || code == 10 || code == 15 || code == 16 || code == 255 || code >= 65280;
        }
        return false;
    }

    /** 64-bit FNV-1a of a name: distinct names are counted by hash, so counting costs 8 bytes a name. */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
