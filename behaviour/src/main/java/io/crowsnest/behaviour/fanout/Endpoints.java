package io.crowsnest.behaviour.fanout;

import java.util.TreeSet;

/**
 * Endpoint templates: "GET /items/42?full=1" → "GET /items/{n}?full". Numeric path segments become
 * {@code {n}}, ids (hex, UUIDs, long tokens with digits) {@code {id}}; the query keeps its keys only, so
 * one endpoint's requests share one baseline whatever the ids and values.
 */
public final class Endpoints {
    private Endpoints() {
    }

    public static String template(String method, String uri) {
        if (uri == null) {
            uri = "/";
        }
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        StringBuilder sb = new StringBuilder(method == null ? "?" : method).append(' ');
        int segs = 0;
        for (String seg : path.split("/", -1)) {
            if (segs++ == 0 && seg.isEmpty()) {
                continue;
            }
            if (segs > 8) {
                sb.append("/…");
                break;
            }
            sb.append('/').append(segment(seg));
        }
        if (sb.charAt(sb.length() - 1) == ' ') {
            sb.append('/');
        }
        if (q >= 0) {
            TreeSet<String> keys = new TreeSet<>();
            for (String kv : uri.substring(q + 1).split("&")) {
                int eq = kv.indexOf('=');
                String k = eq < 0 ? kv : kv.substring(0, eq);
                if (!k.isEmpty() && keys.size() < 8) {
                    keys.add(k.length() > 32 ? k.substring(0, 32) : k);
                }
            }
            if (!keys.isEmpty()) {
                sb.append('?').append(String.join("&", keys));
            }
        }
        return sb.toString();
    }

    static String segment(String s) {
        if (s.isEmpty()) {
            return s;
        }
        boolean digits = true, hex = true;
        int nDigits = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean d = c >= '0' && c <= '9';
            if (d) {
                nDigits++;
            } else {
                digits = false;
            }
            if (!(d || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '-')) {
                hex = false;
            }
        }
        if (digits) {
            return "{n}";
        }
        if ((hex && s.length() >= 8 && nDigits > 0) || (s.length() >= 16 && nDigits >= 4)) {
            return "{id}";
        }
        return s.length() > 48 ? "{long}" : s;
    }
}
