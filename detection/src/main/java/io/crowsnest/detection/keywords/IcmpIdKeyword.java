package io.crowsnest.detection.keywords;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.detection.inspect.PacketCondition;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code icmp_id:[!]N;} ICMP/ICMPv6 echo identifier equals N. */
public final class IcmpIdKeyword implements Keyword {
    public String name() { return "icmp_id"; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        String v = value.trim();
        boolean neg = v.startsWith("!");
        if (neg) {
            v = v.substring(1).trim();
        }
        long n = KeywordSupport.parseLong(v, ctx, 0, 65535);
        sig.addCondition(new Match(n, neg));
        sig.markNotIpOnly();
    }

    public record Match(long n, boolean neg) implements PacketCondition {
        public boolean match(Packet p, Flow flow, int flowFlags) {
            return (p.icmpId >= 0) && ((p.icmpId) == n) != neg;
        }
    }
}
