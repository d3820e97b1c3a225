package io.crowsnest.detection.keywords;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.decoders.flow.FlowFlags;
import io.crowsnest.detection.inspect.PacketCondition;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code icode:N|<N|>N|N<>M;} on the ICMP code. */
public final class IcodeKeyword implements Keyword {
    public String name() { return "icode"; }
    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        NumCondition c = NumCondition.parse(value, ctx, 255);
        sig.addCondition(new Match(c));
        sig.markNotIpOnly();
    }

    public record Match(NumCondition c) implements PacketCondition {
        public boolean match(Packet p, Flow flow, int flowFlags) {
            return p.icmpCode >= 0 && (p.ipProto == 1 || p.ipProto == 58) && c.test(p.icmpCode);
        }
    }
}
