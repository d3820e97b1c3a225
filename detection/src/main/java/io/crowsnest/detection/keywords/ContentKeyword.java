package io.crowsnest.detection.keywords;

import io.crowsnest.detection.inspect.ContentMatch;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

import java.io.ByteArrayOutputStream;

/** {@code content:[!]"text|hex|";} with escapes \" \; \: \\. */
public final class ContentKeyword implements Keyword {
    public String name() { return "content"; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        String v = value.trim();
        boolean neg = false;
        if (v.startsWith("!")) {
            neg = true;
            v = v.substring(1).trim();
        }
        if (v.length() < 2 || !v.startsWith("\"") || !v.endsWith("\"")) {
            throw ctx.bad(value, "content must be enclosed in double quotes");
        }
        byte[] pattern = decode(v.substring(1, v.length() - 1), value, ctx);
        if (pattern.length == 0) {
            throw ctx.bad(value, "empty content");
        }
        sig.addPayload(new ContentMatch(pattern, neg));
        sig.markNotIpOnly();
    }

    /** Decodes a content string body (without quotes): escapes and |hex| sections. */
    public static byte[] decode(String s, String value, ParseContext ctx) throws RuleParseException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        boolean hex = false;
        int nibble = -1;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (hex) {
                if (c == '|') {
                    if (nibble >= 0) {
                        throw ctx.bad(value, "odd number of hex digits");
                    }
                    hex = false;
                } else if (c == ' ' || c == '\t') {
                    if (nibble >= 0) {
                        throw ctx.bad(value, "hex byte split by a space");
                    }
                } else {
                    int d = Character.digit(c, 16);
                    if (d < 0) {
                        throw ctx.bad(value, "invalid hex character '" + c + "'");
                    }
                    if (nibble < 0) {
                        nibble = d;
                    } else {
                        out.write((nibble << 4) | d);
                        nibble = -1;
                    }
                }
                continue;
            }
            if (c == '|') {
                hex = true;
            } else if (c == '\\') {
                if (i + 1 >= s.length()) {
                    throw ctx.bad(value, "trailing backslash");
                }
                char n = s.charAt(++i);
                if (n != '"' && n != ';' && n != ':' && n != '\\') {
                    throw ctx.bad(value, "invalid escape '\\" + n + "'");
                }
                out.write(n);
            } else if (c == '"') {
                throw ctx.bad(value, "unescaped double quote");
            } else if (c == ';') {
                throw ctx.bad(value, "unescaped ;");
            } else if (c > 0xFF) {
                byte[] b = String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            } else {
                out.write(c);
            }
        }
        if (hex) {
            throw ctx.bad(value, "unterminated hex section");
        }
        return out.toByteArray();
    }
}
