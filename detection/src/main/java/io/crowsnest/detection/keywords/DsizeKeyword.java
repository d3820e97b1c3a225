package io.crowsnest.detection.keywords;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.decoders.flow.FlowFlags;
import io.crowsnest.detection.inspect.PacketCondition;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code dsize:N|<N|>N|N<>M|!N;} on the payload length. */
public final class DsizeKeyword implements Keyword {
    public String name() { return "dsize"; }
    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        NumCondition c = NumCondition.parse(value, ctx, 65535);
        sig.addCondition(new Match(c));
        sig.markNotIpOnly();
    }

    /** The dsize check. */
    public record Match(NumCondition c) implements PacketCondition {
        public boolean match(Packet p, Flow flow, int flowFlags) {
            return p.ipVersion != 0 && c.test(p.payloadLength);
        }
    }
}
