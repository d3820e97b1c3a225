package io.crowsnest.detection.keywords;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.detection.inspect.PacketCondition;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code ack:[!]N;} TCP acknowledgement number equals N. */
public final class AckKeyword implements Keyword {
    public String name() { return "ack"; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        String v = value.trim();
        boolean neg = v.startsWith("!");
        if (neg) {
            v = v.substring(1).trim();
        }
        long n = KeywordSupport.parseLong(v, ctx, 0, 0xFFFFFFFFL);
        sig.addCondition(new Match(n, neg));
        sig.markNotIpOnly();
    }

    public record Match(long n, boolean neg) implements PacketCondition {
        public boolean match(Packet p, Flow flow, int flowFlags) {
            return (p.ipProto == 6 && p.l4Offset >= 0) && ((p.tcpAck) == n) != neg;
        }
    }
}
