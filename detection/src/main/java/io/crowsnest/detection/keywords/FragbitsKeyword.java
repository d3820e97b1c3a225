package io.crowsnest.detection.keywords;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.detection.inspect.PacketCondition;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/**
 * {@code fragbits:[+*!]<M|D|R>+;} on the IPv4 flags (M more fragments, D don't fragment, R reserved): no
 * modifier means exactly these bits, {@code +} these and at least one other, {@code *} any of them,
 * {@code !} not all of them (Suricata's DetectFragBitsMatch).
 */
public final class FragbitsKeyword implements Keyword {
    public String name() { return "fragbits"; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        String v = value.trim();
        int comma = v.indexOf(',');
        if (comma >= 0) {
            v = v.substring(0, comma).trim();
        }
        char mod = 0;
        int bits = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case 'M': case 'm': bits |= 0x1; break;
                case 'D': case 'd': bits |= 0x2; break;
                case 'R': case 'r': bits |= 0x4; break;
                case '+': case '*': case '!':
                    if (mod != 0) {
                        throw ctx.bad(value, "more than one modifier");
                    }
                    mod = c;
                    break;
                case ' ':
                    break;
                default: throw ctx.bad(value, "unknown flag '" + c + "'");
            }
        }
        if (bits == 0) {
            throw ctx.bad(value, "no flag");
        }
        sig.addCondition(new Match(mod, bits));
        sig.markNotIpOnly();
    }

    public record Match(char mod, int bits) implements PacketCondition {
        public boolean match(Packet p, Flow flow, int flowFlags) {
            if (p.ipVersion != 4) {
                return false;
            }
            int f = p.ipFlags & 0x7;
            switch (mod) {
                case '*': return (f & bits) != 0;
                case '+': return (f & bits) == bits && f != bits;
                case '!': return (f & bits) != bits;
                default: return f == bits;
            }
        }
    }
}
