package io.crowsnest.detection.keywords;

import io.crowsnest.detection.inspect.PcreMatch;
import io.crowsnest.detection.pcre.PcreExpression;
import io.crowsnest.detection.pcre.PcreSyntaxException;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code pcre:[!]"/re/flags";} on the payload; http buffer modifiers (U, H, …) bind it to that app-layer buffer. */
public final class PcreKeyword implements Keyword {
    public String name() { return "pcre"; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        PcreExpression e;
        try {
            e = PcreExpression.compile(value.trim());
        } catch (PcreSyntaxException ex) {
            throw ctx.bad(value, ex.getMessage());
        } catch (RuntimeException ex) {
            throw ctx.bad(value, String.valueOf(ex.getMessage()));
        }
        String flags = e.bufferFlags();
        String target = null;
        for (int i = 0; flags != null && i < flags.length(); i++) {
            String buf = buffer(flags.charAt(i));
            if (buf != null) {
                if (buf.startsWith("pcre/")) {
                    throw ctx.bad(value, "unknown buffer modifier '" + flags.charAt(i) + "'");
                }
                if (target != null && !target.equals(buf)) {
                    throw ctx.bad(value, "pcre buffer modifiers name two buffers");
                }
                target = buf;
            }
        }
        PcreMatch m = new PcreMatch(e, value.trim());
        if (target != null) {
            sig.addToBuffer(target, m); // bound to the app-layer buffer the modifier names
        } else {
            sig.addPayload(m);
        }
        sig.markNotIpOnly();
    }

    /** Buffer named by a Suricata pcre modifier letter, null for B (rawbytes) and O (match limit). */
    static String buffer(char c) {
        switch (c) {
            case 'U': return "http.uri";
            case 'I': return "http.uri.raw";
            case 'P': return "http.request_body";
            case 'Q': return "http.response_body";
            case 'H': return "http.header";
            case 'D': return "http.header.raw";
            case 'M': return "http.method";
            case 'C': return "http.cookie";
            case 'S': return "http.stat_code";
            case 'Y': return "http.stat_msg";
            case 'V': return "http.user_agent";
            case 'W': return "http.host";
            case 'Z': return "http.host.raw";
            case 'K': return "http.header_names";
            case 'B': case 'O': return null;
            default: return "pcre/" + c;
        }
    }
}
