package io.crowsnest.detection.keywords;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.detection.inspect.PacketCondition;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;
import io.crowsnest.detection.workload.WorkloadFacts;
import java.util.Set;

/**
 * {@code workload:<src|dst|either> <field> [!]<value>;} — matches on who holds the packet's source or
 * destination address at the packet's time: {@code kind} (pod, container, host, external), {@code namespace},
 * {@code pod}, {@code container}, {@code image}, {@code owner}, {@code node}, {@code service_account}, or
 * {@code label KEY=VALUE}.
 * Values are exact or globs with {@code *}; {@code !} negates (an unknown workload satisfies only negated
 * conditions). Several {@code workload} options in one rule must all hold. Examples:
 * {@code workload:src namespace !kube-system;}, {@code workload:dst label app=redis;},
 * {@code workload:dst owner Deployment/*;}. Not Suricata syntax (Suricata has no identity): a
 * Crowsnest extension, documented in the README.
 */
public final class WorkloadKeyword implements Keyword {
    static final Set<String> FIELDS = Set.of("kind", "namespace", "pod", "container", "image", "owner", "node", "service_account",
            "label");

    public String name() {
        return "workload";
    }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        String[] parts = value.trim().split("\\s+");
        if (parts.length != 3) {
            throw new RuleParseException("workload: expected '<src|dst|either> <field> [!]<value>', got '" + value + "'");
        }
        int side;
        switch (parts[0]) {
            case "src": side = 1; break;
            case "dst": side = 2; break;
            case "either": side = 3; break;
            default: throw new RuleParseException("workload: side must be src, dst or either, got '" + parts[0] + "'");
        }
        String field = parts[1];
        if (!FIELDS.contains(field)) {
            throw new RuleParseException("workload: unknown field '" + field + "' (known: " + new java.util.TreeSet<>(FIELDS) + ")");
        }
        String v = parts[2];
        boolean negated = v.startsWith("!");
        if (negated) {
            v = v.substring(1);
        }
        String labelKey = null;
        if (field.equals("label")) {
            int eq = v.indexOf('=');
            if (eq <= 0) {
                throw new RuleParseException("workload: label needs KEY=VALUE, got '" + v + "'");
            }
            labelKey = v.substring(0, eq);
            v = v.substring(eq + 1);
        }
        if (v.isEmpty()) {
            throw new RuleParseException("workload: empty value in '" + value + "'");
        }
        sig.addCondition(new Match(side, field, labelKey, v, negated));
        sig.markNotIpOnly();
    }

    /** One workload condition; looks the address up only when the rule gets this far. */
    public record Match(int side, String field, String labelKey, String pattern, boolean negated) implements PacketCondition {
        public boolean match(Packet p, Flow flow, int flowFlags) {
            if (p.ipVersion == 0) {
                return false;
            }
            WorkloadFacts facts = WorkloadFacts.current();
            long t = p.tsSeconds * 1_000_000_000L + p.tsNanos;
            boolean hit = false;
            if ((side & 1) != 0) {
                hit = holds(facts.lookup(p.srcHi, p.srcLo, t));
            }
            if (!hit && (side & 2) != 0) {
                hit = holds(facts.lookup(p.dstHi, p.dstLo, t));
            }
            return hit != negated;
        }

        private boolean holds(WorkloadFacts.Facts f) {
            if (f == null) {
                return false;
            }
            String v = labelKey != null ? f.label(labelKey) : f.field(field);
            return v != null && glob(pattern, v);
        }
    }

    /** {@code *} matches any run of characters; everything else literally. */
    static boolean glob(String pattern, String s) {
        int p = 0, i = 0, star = -1, mark = 0;
        while (i < s.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = i;
            } else if (p < pattern.length() && pattern.charAt(p) == s.charAt(i)) {
                p++;
                i++;
            } else if (star >= 0) {
                p = star + 1;
                i = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
