package io.crowsnest.applayer.http;

import java.io.ByteArrayOutputStream;

/**
 * The normalized request URI rules see as {@code http.uri}: for an absolute URI only path and query, then
 * percent-decoding (invalid escapes kept as they are), and removal of "." / ".." path segments (RFC 3986
 * 5.2.4) in the path part.
 */
public final class UriNormalizer {
    private UriNormalizer() {}

    public static byte[] normalize(byte[] raw) {
        int start = 0;
        // absolute form: scheme://authority/path
        int colon = indexOf(raw, (byte) ':', 0);
        if (colon > 0 && colon + 2 < raw.length && raw[colon + 1] == '/' && raw[colon + 2] == '/'
                && isScheme(raw, colon)) {
            int slash = indexOf(raw, (byte) '/', colon + 3);
            if (slash < 0) {
                return new byte[] {'/'};
            }
            start = slash;
        }
        int q = indexOf(raw, (byte) '?', start);
        int pathEnd = q < 0 ? raw.length : q;
        byte[] path = removeDots(decode(raw, start, pathEnd));
        if (q < 0) {
            return path;
        }
        byte[] query = decode(raw, q, raw.length);
        byte[] out = new byte[path.length + query.length];
        System.arraycopy(path, 0, out, 0, path.length);
        System.arraycopy(query, 0, out, path.length, query.length);
        return out;
    }

    private static boolean isScheme(byte[] b, int end) {
        for (int i = 0; i < end; i++) {
            int c = b[i];
            if (!(Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    static int indexOf(byte[] b, byte c, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    static byte[] decode(byte[] b, int from, int to) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            int c = b[i];
            if (c == '%' && i + 2 < to + 0 && i + 2 < b.length && hex(b[i + 1]) >= 0 && hex(b[i + 2]) >= 0 && i + 2 < to) {
                o.write(hex(b[i + 1]) << 4 | hex(b[i + 2]));
                i += 2;
            } else {
                o.write(c);
            }
        }
        return o.toByteArray();
    }

    private static int hex(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** RFC 3986 remove_dot_segments. */
    static byte[] removeDots(byte[] in) {
        String s = new String(in, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (s.indexOf('.') < 0) {
            return in;
        }
        StringBuilder out = new StringBuilder();
        String input = s;
        while (!input.isEmpty()) {
            if (input.startsWith("../")) {
                input = input.substring(3);
            } else if (input.startsWith("./")) {
                input = input.substring(2);
            } else if (input.startsWith("/./")) {
                input = input.substring(2);
            } else if (input.equals("/.")) {
                input = "/";
            } else if (input.startsWith("/../") || input.equals("/..")) {
                input = input.length() == 3 ? "/" : input.substring(3);
                int last = out.lastIndexOf("/");
                out.setLength(Math.max(0, last));
            } else if (input.equals(".") || input.equals("..")) {
                input = "";
            } else {
                int from = input.charAt(0) == '/' ? 1 : 0;
                int next = input.indexOf('/', from);
                if (next < 0) {
                    next = input.length();
                }
                out.append(input, 0, next);
                input = input.substring(next);
            }
        }
        return out.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
