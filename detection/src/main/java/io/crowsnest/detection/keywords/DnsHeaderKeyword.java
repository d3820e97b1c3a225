package io.crowsnest.detection.keywords;

import io.crowsnest.applayer.AppProto;
import io.crowsnest.applayer.Buf;
import io.crowsnest.applayer.Transaction;
import io.crowsnest.applayer.dns.DnsMessage;
import io.crowsnest.applayer.dns.DnsTx;
import io.crowsnest.detection.inspect.TxCondition;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;
import java.util.Locale;
import java.util.Map;

/**
 * Suricata's DNS header and question keywords, each an unsigned integer test ({@link NumCondition}:
 * {@code N}, {@code !N}, {@code <N}, {@code N-M} …) on the message of the direction inspected (the query on
 * a packet to the server, the response on one to the client):
 * <ul>
 *   <li>{@code dns.opcode} — the header opcode (4 bits);</li>
 *   <li>{@code dns.rcode} — the header rcode (4 bits), also by name ({@code nxdomain} …);</li>
 *   <li>{@code dns.rrtype} — the type of any question of the message, also by name ({@code TXT} …).</li>
 * </ul>
 */
public final class DnsHeaderKeyword implements Keyword {
    enum Field { OPCODE, RCODE, RRTYPE }

    private static final Map<String, Integer> RCODES = Map.ofEntries(Map.entry("noerror", 0),
            Map.entry("formerr", 1), Map.entry("servfail", 2), Map.entry("nxdomain", 3), Map.entry("notimp", 4),
            Map.entry("refused", 5), Map.entry("yxdomain", 6), Map.entry("yxrrset", 7), Map.entry("nxrrset", 8),
            Map.entry("notauth", 9), Map.entry("notzone", 10));
    private static final Map<String, Integer> RRTYPES = Map.ofEntries(Map.entry("a", 1), Map.entry("ns", 2),
            Map.entry("cname", 5), Map.entry("soa", 6), Map.entry("ptr", 12), Map.entry("hinfo", 13),
            Map.entry("mx", 15), Map.entry("txt", 16), Map.entry("aaaa", 28), Map.entry("srv", 33),
            Map.entry("naptr", 35), Map.entry("opt", 41), Map.entry("ds", 43), Map.entry("rrsig", 46),
            Map.entry("nsec", 47), Map.entry("dnskey", 48), Map.entry("nsec3", 50), Map.entry("svcb", 64),
            Map.entry("https", 65), Map.entry("tkey", 249), Map.entry("tsig", 250), Map.entry("axfr", 252),
            Map.entry("any", 255), Map.entry("null", 10));

    private final String name;
    private final Field field;

    private DnsHeaderKeyword(String name, Field field) {
        this.name = name;
        this.field = field;
    }

    public static DnsHeaderKeyword opcode() { return new DnsHeaderKeyword("dns.opcode", Field.OPCODE); }
    public static DnsHeaderKeyword rcode() { return new DnsHeaderKeyword("dns.rcode", Field.RCODE); }
    public static DnsHeaderKeyword rrtype() { return new DnsHeaderKeyword("dns.rrtype", Field.RRTYPE); }

    public String name() { return name; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        String v = value.trim();
        String bare = v.startsWith("!") ? v.substring(1).trim() : v;
        Map<String, Integer> names = field == Field.RCODE ? RCODES : field == Field.RRTYPE ? RRTYPES : Map.of();
        Integer byName = names.get(bare.toLowerCase(Locale.ROOT));
        if (byName != null) {
            v = (v.startsWith("!") ? "!" : "") + byName;
        }
        long max = field == Field.RRTYPE ? 0xFFFF : 0xFF;
        sig.addTxCondition(name, new Match(field, NumCondition.parse(v, ctx, max), name + ":" + value));
    }

    static final class Match implements TxCondition {
        final Field field;
        final NumCondition cond;
        final String text;

        Match(Field field, NumCondition cond, String text) {
            this.field = field;
            this.cond = cond;
            this.text = text;
        }

        public int appProto() { return AppProto.DNS; }
        public int direction() { return Buf.DIR_BOTH; }

        public boolean match(Transaction tx, boolean toServer, io.crowsnest.decoders.flow.Flow flow) {
            if (!(tx instanceof DnsTx d)) {
                return false;
            }
            DnsMessage m = toServer ? d.request : d.response;
            if (m == null) {
                return false;
            }
            switch (field) {
                case OPCODE: return cond.test(m.opcode);
                case RCODE: return cond.test(m.rcode);
                default:
                    for (int i = 0, n = m.questions.size(); i < n; i++) {
                        if (cond.test(m.questions.get(i).type)) {
                            return true;
                        }
                    }
                    return false;
            }
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
