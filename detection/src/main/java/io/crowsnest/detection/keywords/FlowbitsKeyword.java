package io.crowsnest.detection.keywords;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.detection.inspect.PacketCondition;
import io.crowsnest.detection.inspect.PostMatch;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/**
 * {@code flowbits:set|unset|toggle|isset|isnotset,name[|name…];} and {@code flowbits:noalert;}. isset with
 * OR-ed names is true when any is set, isnotset when any is not set. Set/unset/toggle run after the match.
 */
public final class FlowbitsKeyword implements Keyword {
    public String name() { return "flowbits"; }
    /** Decides itself: only set keeps a rule IP-only (see {@link Signature#isIpOnly()}). */
    public boolean ipOnlyCompatible() { return true; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        String v = value.trim();
        if (v.equals("noalert")) {
            sig.setNoalert();
            return;
        }
        int comma = v.indexOf(',');
        if (comma < 0) {
            throw ctx.bad(value, "expected command,name");
        }
        String cmd = v.substring(0, comma).trim();
        String names = v.substring(comma + 1).trim();
        if (names.isEmpty()) {
            throw ctx.bad(value, "missing flowbit name");
        }
        String[] parts = names.split("\\|", -1);
        int[] idx = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String n = parts[i].trim();
            if (n.isEmpty() || n.chars().anyMatch(ch -> Character.isWhitespace(ch) || ch == '&' || ch == ',')) {
                throw ctx.bad(value, "bad flowbit name '" + n + "'");
            }
            idx[i] = ctx.flowbits().index(n);
        }
        int max = 0;
        for (int i : idx) {
            max = Math.max(max, i);
        }
        if (parts.length > 1 && !cmd.equals("isset") && !cmd.equals("isnotset")) {
            throw ctx.bad(value, "OR-ed flowbits (|) only work with isset/isnotset");
        }
        switch (cmd) {
            case "isset":
                sig.addCondition(new IsSet(idx));
                sig.noteFlowbits(true, false, false, max);
                break;
            case "isnotset":
                sig.addCondition(new IsNotSet(idx));
                sig.noteFlowbits(true, false, false, max);
                break;
            case "set":
                sig.addPostMatch(new Set(idx[0]));
                sig.noteFlowbits(false, true, true, max);
                break;
            case "unset":
                sig.addPostMatch(new Unset(idx[0]));
                sig.noteFlowbits(false, true, false, max);
                break;
            case "toggle":
                sig.addPostMatch(new Toggle(idx[0]));
                sig.noteFlowbits(false, true, false, max);
                break;
            default:
                throw ctx.bad(value, "unknown flowbits command '" + cmd + "'");
        }
    }

    static boolean isSet(Flow f, int i) {
        return (i >>> 6) < f.flowbits.length && f.isFlowbitSet(i);
    }

    static boolean fits(Flow f, int i) {
        return f != null && (i >>> 6) < f.flowbits.length;
    }

    public record IsSet(int[] idx) implements PacketCondition {
        public boolean match(Packet p, Flow flow, int flowFlags) {
            if (flow == null) {
                return false;
            }
            for (int i : idx) {
                if (isSet(flow, i)) {
                    return true;
                }
            }
            return false;
        }
    }

    public record IsNotSet(int[] idx) implements PacketCondition {
        public boolean match(Packet p, Flow flow, int flowFlags) {
            if (flow == null) {
                return false;
            }
            for (int i : idx) {
                if (!isSet(flow, i)) {
                    return true;
                }
            }
            return false;
        }
    }

    public record Set(int idx) implements PostMatch {
        public void apply(Packet p, Flow flow) {
            if (fits(flow, idx)) {
                flow.setFlowbit(idx);
            }
        }
    }

    public record Unset(int idx) implements PostMatch {
        public void apply(Packet p, Flow flow) {
            if (fits(flow, idx)) {
                flow.unsetFlowbit(idx);
            }
        }
    }

    public record Toggle(int idx) implements PostMatch {
        public void apply(Packet p, Flow flow) {
            if (fits(flow, idx)) {
                flow.toggleFlowbit(idx);
            }
        }
    }
}
