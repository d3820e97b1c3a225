package io.crowsnest.detection.keywords;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.detection.inspect.PacketCondition;
import io.crowsnest.detection.inspect.PostMatch;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/**
 * {@code flowint:name,=|+|-,N|var;} (modify, after the rule matched), {@code flowint:name,==|!=|<|<=|>|>=,N|var;}
 * and {@code flowint:name,isset|notset|isnotset;} (conditions). Values live in {@code Flow.flowints}
 * (index per name, assigned by the rule set). As in Suricata, {@code +} on an unset variable sets it to the
 * value, {@code -} on an unset variable sets it to 0, and a comparison with an unset variable fails.
 * Difference: modifications run after the whole rule matched (Suricata runs them in rule order among the
 * packet matches, which only differs when one rule both modifies and compares the same variable).
 */
public final class FlowintKeyword implements Keyword {
    public String name() { return "flowint"; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        String[] a = value.split(",");
        if (a.length < 2 || a.length > 3) {
            throw ctx.bad(value, "expected name, operator[, value]");
        }
        String name = a[0].trim();
        String op = a[1].trim();
        if (name.isEmpty() || name.chars().anyMatch(Character::isWhitespace)) {
            throw ctx.bad(value, "bad flowint name '" + name + "'");
        }
        int idx = ctx.flowints().index(name);
        sig.noteFlowint(idx);
        sig.markNotIpOnly();
        if (op.equals("isset") || op.equals("notset") || op.equals("isnotset")) {
            if (a.length != 2) {
                throw ctx.bad(value, op + " takes no value");
            }
            sig.addCondition(new IsSet(idx, op.equals("isset")));
            return;
        }
        if (a.length != 3) {
            throw ctx.bad(value, "operator " + op + " needs a value");
        }
        String v = a[2].trim();
        long constant = 0;
        int var = -1;
        if (!v.isEmpty() && Character.isLetter(v.charAt(0))) {
            var = ctx.flowints().index(v);
            sig.noteFlowint(var);
        } else {
            constant = KeywordSupport.parseLong(v, ctx, 0, 0xFFFFFFFFL);
        }
        switch (op) {
            case "=": case "+": case "-":
                sig.addPostMatch(new Modify(idx, op.charAt(0), constant, var));
                return;
            case "==": case "!=": case "<": case "<=": case ">": case ">=":
                sig.addCondition(new Compare(idx, op, constant, var));
                return;
            default:
                throw ctx.bad(value, "unknown operator '" + op + "'");
        }
    }

    static boolean fits(Flow f, int i) {
        return f != null && i < f.flowints.length;
    }

    public record IsSet(int idx, boolean want) implements PacketCondition {
        public boolean match(Packet p, Flow flow, int flowFlags) {
            return fits(flow, idx) && flow.flowintSet[idx] == want;
        }
    }

    public record Compare(int idx, String op, long constant, int var) implements PacketCondition {
        public boolean match(Packet p, Flow flow, int flowFlags) {
            if (!fits(flow, idx) || !flow.flowintSet[idx]) {
                return false;
            }
            long r = constant;
            if (var >= 0) {
                if (!fits(flow, var) || !flow.flowintSet[var]) {
                    return false;
                }
                r = flow.flowints[var];
            }
            long l = flow.flowints[idx];
            switch (op) {
                case "==": return l == r;
                case "!=": return l != r;
                case "<": return l < r;
                case "<=": return l <= r;
                case ">": return l > r;
                default: return l >= r;
            }
        }
    }

    public record Modify(int idx, char op, long constant, int var) implements PostMatch {
        public void apply(Packet p, Flow flow) {
            if (!fits(flow, idx)) {
                return;
            }
            long v = constant;
            if (var >= 0) {
                if (!fits(flow, var) || !flow.flowintSet[var]) {
                    return;
                }
                v = flow.flowints[var];
            }
            boolean set = flow.flowintSet[idx];
            switch (op) {
                case '=': flow.flowints[idx] = v; break;
                case '+': flow.flowints[idx] = set ? flow.flowints[idx] + v : v; break;
                default: flow.flowints[idx] = set ? flow.flowints[idx] - v : 0; break;
            }
            flow.flowintSet[idx] = true;
        }
    }
}
