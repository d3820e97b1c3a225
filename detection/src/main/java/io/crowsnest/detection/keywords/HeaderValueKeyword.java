package io.crowsnest.detection.keywords;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.detection.inspect.PacketCondition;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/**
 * The shape shared by {@code seq}, {@code ack}, {@code window}, {@code id}, {@code icmp_id} and
 * {@code icmp_seq}: {@code name:[!]N;} — one header field equals N (or not). A subclass names the
 * keyword, the field's maximum and how to read the field.
 */
abstract class HeaderValueKeyword implements Keyword {
    /** Reads the field, or returns -1 when the packet has no such field (the rule then fails). */
    interface Field {
        long read(Packet p);
    }

    private final String name;
    private final long max;
    private final Field field;

    HeaderValueKeyword(String name, long max, Field field) {
        this.name = name;
        this.max = max;
        this.field = field;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        String v = value.trim();
        boolean neg = v.startsWith("!");
        if (neg) {
            v = v.substring(1).trim();
        }
        long n = KeywordSupport.parseLong(v, ctx, 0, max);
        sig.addCondition(new Match(field, n, neg));
        sig.markNotIpOnly();
    }

    /** Matches when the field is present and (not) equal to n. */
    public record Match(Field field, long n, boolean neg) implements PacketCondition {
        @Override
        public boolean match(Packet p, Flow flow, int flowFlags) {
            long v = field.read(p);
            return v >= 0 && (v == n) != neg;
        }
    }
}
