package io.crowsnest.detection.keywords;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.decoders.flow.FlowFlags;
import io.crowsnest.detection.inspect.PacketCondition;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/**
 * {@code flags:[+*!]FSRPAUCE012[,mask];} TCP flags as Suricata: exact match by default, {@code +} all of
 * these and any others, {@code *} any of these, {@code !} not all of these; the mask lists flags to ignore.
 */
public final class FlagsKeyword implements Keyword {
    public String name() { return "flags"; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        String v = value.trim();
        String maskPart = null;
        int comma = v.indexOf(',');
        if (comma >= 0) {
            maskPart = v.substring(comma + 1).trim();
            v = v.substring(0, comma).trim();
        }
        char modifier = 0;
        int flags = 0;
        boolean zero = false;
        if (v.isEmpty()) {
            throw ctx.bad(value);
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '+' || c == '*' || c == '!') {
                if (modifier != 0) {
                    throw ctx.bad(value, "more than one modifier");
                }
                modifier = c;
                continue;
            }
            if (c == '0') {
                zero = true;
                continue;
            }
            int bit = bit(c);
            if (bit < 0) {
                throw ctx.bad(value, "unknown flag '" + c + "'");
            }
            flags |= bit;
        }
        if (zero && flags != 0) {
            throw ctx.bad(value, "0 can't be combined with other flags");
        }
        int ignore = 0xFF;
        if (maskPart != null) {
            if (maskPart.isEmpty()) {
                throw ctx.bad(value);
            }
            for (int i = 0; i < maskPart.length(); i++) {
                int bit = bit(maskPart.charAt(i));
                if (bit < 0) {
                    throw ctx.bad(value, "unknown flag '" + maskPart.charAt(i) + "' in mask");
                }
                ignore &= ~bit;
            }
        }
        sig.addCondition(new Match(modifier, flags, ignore));
        sig.markNotIpOnly();
    }

    static int bit(char c) {
        switch (Character.toUpperCase(c)) {
            case 'F': return 0x01;
            case 'S': return 0x02;
            case 'R': return 0x04;
            case 'P': return 0x08;
            case 'A': return 0x10;
            case 'U': return 0x20;
            case 'E': case '2': return 0x40;
            case 'C': case '1': return 0x80;
            default: return -1;
        }
    }

    /** Suricata FlagsMatch. */
    public record Match(char modifier, int flags, int ignoreMask) implements PacketCondition {
        public boolean match(Packet p, Flow flow, int flowFlags) {
            if (p.ipProto != 6 || p.l4Offset < 0) {
                return false;
            }
            int pf = p.tcpFlags & 0xFF;
            if (flags == 0 && pf != 0) {
                return false;
            }
            int f = pf & ignoreMask;
            switch (modifier) {
                case '*': return (f & flags) != 0;
                case '+': return (f & flags) == flags;
                case '!': return (f & flags) != flags;
                default: return f == flags;
            }
        }
    }
}
