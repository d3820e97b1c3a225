package io.crowsnest.detection.keywords;

import io.crowsnest.detection.inspect.ContentMatch;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** Small parsing helpers shared by the keyword classes. */
final class KeywordSupport {
    private KeywordSupport() {}

    static long parseLong(String v, ParseContext ctx, long min, long max) throws RuleParseException {
        String t = v.trim();
        try {
            long n = t.startsWith("0x") || t.startsWith("0X") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseLong(t);
            if (n < min || n > max) {
                throw ctx.bad(v, "out of range " + min + ".." + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw ctx.bad(v);
        }
    }

    static int parseInt(String v, ParseContext ctx, int min, int max) throws RuleParseException {
        return (int) parseLong(v, ctx, min, max);
    }

    /** Strips surrounding double quotes and unescapes \" \; \\ (msg, reference …). */
    static String unquote(String v) {
        String t = v.trim();
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
            t = t.substring(1, t.length() - 1);
        }
        StringBuilder sb = new StringBuilder(t.length());
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '\\' && i + 1 < t.length()) {
                char n = t.charAt(i + 1);
                if (n == '"' || n == ';' || n == '\\' || n == ':' || n == ',') {
                    sb.append(n);
                    i++;
                    continue;
                }
            }
            sb.append(c);
        }
        return sb.toString();
    }

    static ContentMatch lastContent(Signature sig, ParseContext ctx) throws RuleParseException {
        ContentMatch c = sig.lastContent();
        if (c == null) {
            throw ctx.error(ctx.keyword() + " needs a preceding content");
        }
        return c;
    }
}
