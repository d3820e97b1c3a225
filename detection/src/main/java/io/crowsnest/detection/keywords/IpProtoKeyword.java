package io.crowsnest.detection.keywords;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.decoders.flow.FlowFlags;
import io.crowsnest.detection.inspect.PacketCondition;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

import java.util.Map;

/** {@code ip_proto:[!<>]N|name;} */
public final class IpProtoKeyword implements Keyword {
    static final Map<String, Integer> NAMES = Map.ofEntries(Map.entry("ip", 0), Map.entry("hopopt", 0),
            Map.entry("icmp", 1), Map.entry("igmp", 2), Map.entry("ggp", 3), Map.entry("ipencap", 4),
            Map.entry("ipip", 4), Map.entry("st", 5), Map.entry("tcp", 6), Map.entry("egp", 8),
            Map.entry("igp", 9), Map.entry("pup", 12), Map.entry("udp", 17), Map.entry("hmp", 20),
            Map.entry("xns-idp", 22), Map.entry("rdp", 27), Map.entry("iso-tp4", 29), Map.entry("xtp", 36),
            Map.entry("ddp", 37), Map.entry("idpr-cmtp", 38), Map.entry("ipv6", 41), Map.entry("ipv6-route", 43),
            Map.entry("ipv6-frag", 44), Map.entry("idrp", 45), Map.entry("rsvp", 46), Map.entry("gre", 47),
            Map.entry("esp", 50), Map.entry("ah", 51), Map.entry("skip", 57), Map.entry("ipv6-icmp", 58),
            Map.entry("icmpv6", 58), Map.entry("ipv6-nonxt", 59), Map.entry("ipv6-opts", 60),
            Map.entry("rspf", 73), Map.entry("vmtp", 81), Map.entry("eigrp", 88), Map.entry("ospf", 89),
            Map.entry("ax.25", 93), Map.entry("etherip", 97), Map.entry("encap", 98), Map.entry("pim", 103),
            Map.entry("ipcomp", 108), Map.entry("vrrp", 112), Map.entry("l2tp", 115), Map.entry("isis", 124),
            Map.entry("sctp", 132), Map.entry("fc", 133), Map.entry("mobility-header", 135),
            Map.entry("udplite", 136), Map.entry("mpls-in-ip", 137), Map.entry("manet", 138),
            Map.entry("hip", 139), Map.entry("shim6", 140), Map.entry("wesp", 141), Map.entry("rohc", 142));

    public String name() { return "ip_proto"; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        String v = value.trim();
        char mode = '=';
        if (v.startsWith("!") || v.startsWith("<") || v.startsWith(">")) {
            mode = v.charAt(0);
            v = v.substring(1).trim();
        }
        int n;
        Integer named = NAMES.get(v.toLowerCase());
        if (named != null) {
            n = named;
        } else {
            n = KeywordSupport.parseInt(v, ctx, 0, 255);
        }
        sig.addCondition(new Match(mode, n));
        sig.markNotIpOnly();
    }

    public record Match(char mode, int proto) implements PacketCondition {
        public boolean match(Packet p, Flow flow, int flowFlags) {
            if (p.ipVersion == 0) {
                return false;
            }
            switch (mode) {
                case '!': return p.ipProto != proto;
                case '<': return p.ipProto < proto;
                case '>': return p.ipProto > proto;
                default: return p.ipProto == proto;
            }
        }
    }
}
