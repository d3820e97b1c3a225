package io.crowsnest.detection.keywords;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.detection.inspect.PacketCondition;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code fragoffset:[!|<|>]N;}: the IPv4 fragment offset field (in 8-byte units, as in the header). */
public final class FragoffsetKeyword implements Keyword {
    public String name() { return "fragoffset"; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        String v = value.trim();
        char mode = '=';
        if (v.startsWith("!") || v.startsWith("<") || v.startsWith(">")) {
            mode = v.charAt(0);
            v = v.substring(1).trim();
        }
        long n = KeywordSupport.parseLong(v, ctx, 0, 8191);
        sig.addCondition(new Match(mode, n));
        sig.markNotIpOnly();
    }

    public record Match(char mode, long n) implements PacketCondition {
        public boolean match(Packet p, Flow flow, int flowFlags) {
            if (p.ipVersion != 4) {
                return false;
            }
            long f = p.fragOffset >>> 3;
            switch (mode) {
                case '!': return f != n;
                case '<': return f < n;
                case '>': return f > n;
                default: return f == n;
            }
        }
    }
}
