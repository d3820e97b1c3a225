package io.crowsnest.detection.keywords;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.detection.inspect.PacketCondition;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/**
 * {@code stream_size:client|server|both|either,<|<=|>|>=|=|!=,N;}. Approximation until stream reassembly lands:
 * Suricata compares the TCP stream sizes (next_seq - isn of each side); here the flow's byte counters are used
 * ({@code Flow.bytesToServer} for the client side, {@code Flow.bytesToClient} for the server side), which count
 * every packet's wire bytes including headers, so small thresholds are reached sooner than in Suricata.
 */
public final class StreamSizeKeyword implements Keyword {
    public String name() { return "stream_size"; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        String[] a = value.split(",");
        if (a.length != 3) {
            throw ctx.bad(value, "expected side, operator, bytes");
        }
        int side;
        switch (a[0].trim()) {
            case "client": side = 0; break;
            case "server": side = 1; break;
            case "both": side = 2; break;
            case "either": side = 3; break;
            default: throw ctx.bad(value, "unknown side '" + a[0].trim() + "'");
        }
        String op = a[1].trim();
        if (!java.util.Set.of("<", "<=", ">", ">=", "=", "!=").contains(op)) {
            throw ctx.bad(value, "unknown operator '" + op + "'");
        }
        long n = KeywordSupport.parseLong(a[2], ctx, 0, 0xFFFFFFFFL);
        sig.addCondition(new Match(side, op, n));
        sig.markNotIpOnly();
    }

    public record Match(int side, String op, long n) implements PacketCondition {
        public boolean match(Packet p, Flow flow, int flowFlags) {
            if (flow == null || p.ipProto != 6) {
                return false;
            }
            boolean c = cmp(flow.bytesToServer), s = cmp(flow.bytesToClient);
            switch (side) {
                case 0: return c;
                case 1: return s;
                case 2: return c && s;
                default: return c || s;
            }
        }

        private boolean cmp(long v) {
            switch (op) {
                case "<": return v < n;
                case "<=": return v <= n;
                case ">": return v > n;
                case ">=": return v >= n;
                case "=": return v == n;
                default: return v != n;
            }
        }
    }
}
