package io.crowsnest.detection.keywords;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.decoders.flow.FlowFlags;
import io.crowsnest.detection.inspect.PacketCondition;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code flow:established,to_server;} and friends, from the flow table's per-packet flags. */
public final class FlowKeyword implements Keyword {
    public String name() { return "flow"; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        int dir = 0;
        int est = 0; // 1 established, -1 not established
        boolean stateless = false;
        for (String part : value.split(",")) {
            String t = part.trim();
            switch (t) {
                case "established": est = set(est, 1, value, ctx); break;
                case "not_established": est = set(est, -1, value, ctx); break;
                case "stateless": stateless = true; break;
                case "to_server": case "from_client": dir = dirSet(dir, FlowFlags.TO_SERVER, value, ctx); break;
                case "to_client": case "from_server": dir = dirSet(dir, FlowFlags.TO_CLIENT, value, ctx); break;
                case "only_stream": case "no_stream": case "only_frag": case "no_frag": break;
                default: throw ctx.bad(value, "unknown flow option '" + t + "'");
            }
        }
        if (stateless && est != 0) {
            throw ctx.bad(value, "stateless can't be combined with established/not_established");
        }
        sig.requireFlowDirection(dir);
        sig.addCondition(new Match(dir, est, stateless));
        sig.markNotIpOnly();
    }

    private static int set(int cur, int v, String value, ParseContext ctx) throws RuleParseException {
        if (cur != 0 && cur != v) {
            throw ctx.bad(value, "established and not_established conflict");
        }
        return v;
    }

    private static int dirSet(int cur, int v, String value, ParseContext ctx) throws RuleParseException {
        if (cur != 0 && cur != v) {
            throw ctx.bad(value, "to_server and to_client conflict");
        }
        return v;
    }

    public record Match(int direction, int established, boolean stateless) implements PacketCondition {
        public boolean match(Packet p, Flow flow, int flowFlags) {
            if (flow == null) {
                return stateless && direction == 0;
            }
            if (direction != 0 && (flowFlags & direction) == 0) {
                return false;
            }
            if (established > 0) {
                return (flowFlags & FlowFlags.ESTABLISHED) != 0;
            }
            if (established < 0) {
                return (flowFlags & FlowFlags.ESTABLISHED) == 0;
            }
            return true;
        }
    }
}
