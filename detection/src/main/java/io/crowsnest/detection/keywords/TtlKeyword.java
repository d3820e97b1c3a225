package io.crowsnest.detection.keywords;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.decoders.flow.FlowFlags;
import io.crowsnest.detection.inspect.PacketCondition;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code ttl:N|<N|>N|N<>M|!N;} on the IPv4 TTL / IPv6 hop limit. */
public final class TtlKeyword implements Keyword {
    public String name() { return "ttl"; }
    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        NumCondition c = NumCondition.parse(value, ctx, 255);
        sig.addCondition(new Match(c));
        sig.markNotIpOnly();
    }

    public record Match(NumCondition c) implements PacketCondition {
        public boolean match(Packet p, Flow flow, int flowFlags) {
            return p.ipVersion != 0 && c.test(p.ttl);
        }
    }
}
