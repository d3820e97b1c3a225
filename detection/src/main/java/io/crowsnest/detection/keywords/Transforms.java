package io.crowsnest.detection.keywords;

import io.crowsnest.detection.inspect.Transform;
import io.crowsnest.detection.pcre.PcreExpression;
import io.crowsnest.detection.pcre.PcreSyntaxException;
import io.crowsnest.detection.rules.RuleParseException;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The transform functions, with Suricata's semantics (detect-transform-*.c). */
public final class Transforms {
    private Transforms() {}

    public static byte[] toLowercase(byte[] in) {
        byte[] o = in.clone();
        for (int i = 0; i < o.length; i++) {
            if (o[i] >= 'A' && o[i] <= 'Z') {
                o[i] += 32;
            }
        }
        return o;
    }

    public static byte[] toUppercase(byte[] in) {
        byte[] o = in.clone();
        for (int i = 0; i < o.length; i++) {
            if (o[i] >= 'a' && o[i] <= 'z') {
                o[i] -= 32;
            }
        }
        return o;
    }

    private static boolean space(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0b || b == 0x0c;
    }

    public static byte[] stripWhitespace(byte[] in) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(in.length);
        for (byte b : in) {
            if (!space(b)) {
                o.write(b);
            }
        }
        return o.toByteArray();
    }

    /** Runs of whitespace become one space. */
    public static byte[] compressWhitespace(byte[] in) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(in.length);
        boolean prev = false;
        for (byte b : in) {
            boolean s = space(b);
            if (s && prev) {
                continue;
            }
            o.write(s ? ' ' : b);
            prev = s;
        }
        return o.toByteArray();
    }

    /** Prepends a dot (so that {@code content:".example.com"; endswith;} matches the domain and subdomains). */
    public static byte[] dotprefix(byte[] in) {
        byte[] o = new byte[in.length + 1];
        o[0] = '.';
        System.arraycopy(in, 0, o, 1, in.length);
        return o;
    }

    /** %XX decoding and '+' to space; invalid escapes are kept as is. */
    public static byte[] urlDecode(byte[] in) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(in.length);
        for (int i = 0; i < in.length; i++) {
            byte b = in[i];
            if (b == '%' && i + 2 < in.length + 0 && i + 2 <= in.length - 1 + 0
                    && Character.digit(in[i + 1], 16) >= 0 && Character.digit(in[i + 2], 16) >= 0) {
                o.write((Character.digit(in[i + 1], 16) << 4) | Character.digit(in[i + 2], 16));
                i += 2;
            } else if (b == '+') {
                o.write(' ');
            } else {
                o.write(b);
            }
        }
        return o.toByteArray();
    }

    /** Lower-cases header names only (up to the ':' of each line), as for http.header. */
    public static byte[] headerLowercase(byte[] in) {
        byte[] o = in.clone();
        boolean name = true;
        for (int i = 0; i < o.length; i++) {
            if (o[i] == '\n') {
                name = true;
            } else if (o[i] == ':') {
                name = false;
            } else if (name && o[i] >= 'A' && o[i] <= 'Z') {
                o[i] += 32;
            }
        }
        return o;
    }

    public static Transform digest(String algorithm) {
        return in -> {
            try {
                return MessageDigest.getInstance(algorithm).digest(in);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /** {@code xor:"hexkey"}. */
    public static Transform xor(String value, ParseContext ctx) throws RuleParseException {
        String v = value.trim();
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            v = v.substring(1, v.length() - 1);
        }
        if (v.isEmpty() || v.length() % 2 != 0 || v.length() > 510) {
            throw ctx.bad(value, "key must be an even number of hex digits");
        }
        byte[] key = new byte[v.length() / 2];
        for (int i = 0; i < key.length; i++) {
            int hi = Character.digit(v.charAt(2 * i), 16), lo = Character.digit(v.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw ctx.bad(value, "key must be hex");
            }
            key[i] = (byte) ((hi << 4) | lo);
        }
        return in -> {
            byte[] o = in.clone();
            for (int i = 0; i < o.length; i++) {
                o[i] ^= key[i % key.length];
            }
            return o;
        };
    }

    /** {@code pcrexform:"re"}: the buffer becomes the first capture group of the expression's first match. */
    public static Transform pcrexform(String value, ParseContext ctx) throws RuleParseException {
        String v = value.trim();
        if (v.length() < 2 || !v.startsWith("\"") || !v.endsWith("\"")) {
            throw ctx.bad(value, "expression must be quoted");
        }
        PcreExpression e;
        try {
            e = PcreExpression.compile("\"/" + v.substring(1, v.length() - 1) + "/\"");
        } catch (PcreSyntaxException ex) {
            throw ctx.bad(value, ex.getMessage());
        } catch (RuntimeException ex) {
            throw ctx.bad(value, String.valueOf(ex.getMessage()));
        }
        return in -> {
            // capture groups are not exposed by PcreExpression; the whole match is used
            if (!e.find(in, 0, in.length, 0)) {
                return in;
            }
            return java.util.Arrays.copyOfRange(in, e.lastStart(), e.lastEnd());
        };
    }
}
