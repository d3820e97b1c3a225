package io.crowsnest.detection.keywords;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.detection.inspect.PacketCondition;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code sameip;}: source and destination address are the same. */
public final class SameipKeyword implements Keyword {
    public String name() { return "sameip"; }
    public ValueMode valueMode() { return ValueMode.NONE; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        sig.addCondition(new Match());
        sig.markNotIpOnly();
    }

    public record Match() implements PacketCondition {
        public boolean match(Packet p, Flow flow, int flowFlags) {
            return p.ipVersion != 0 && p.srcHi == p.dstHi && p.srcLo == p.dstLo;
        }
    }
}
