package io.crowsnest.detection.keywords;

import io.crowsnest.applayer.AppProto;
import io.crowsnest.applayer.Buf;
import io.crowsnest.applayer.Transaction;
import io.crowsnest.applayer.tls.TlsTx;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.detection.inspect.TxCondition;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Suricata's certificate validity keywords on the server's first certificate (packets to the client; the
 * client's certificate, which Suricata reads to the server, is not kept):
 * <ul>
 *   <li>{@code tls_cert_notbefore:[<|>]DATE;} / {@code tls_cert_notafter:…;} — equal, {@code <} (at or
 *       before), {@code >} (at or after), or {@code DATE<>DATE} (inclusive); DATE is epoch seconds (digits
 *       only) or {@code YYYY-MM[-DD[THH[:MM[:SS]]]]} in UTC;</li>
 *   <li>{@code tls_cert_expired;} — notAfter before the flow's last packet time;
 *       {@code tls_cert_valid;} — notAfter at or after it (Suricata checks notAfter only).</li>
 * </ul>
 * A certificate without a readable validity never matches.
 */
public final class TlsCertValidityKeyword implements Keyword {
    enum Kind { NOT_BEFORE, NOT_AFTER, EXPIRED, VALID }

    private static final Pattern VALUE = Pattern.compile(
            "^\\s*([<>])?\\s*([ \\-:TW0-9]+?)\\s*(?:(<>)\\s*([ \\-:TW0-9]+?))?\\s*$");
    private static final Pattern DATE = Pattern.compile(
            "(\\d{4})(?:-(\\d{2})(?:-(\\d{2})(?:T(\\d{2})(?::(\\d{2})(?::(\\d{2}))?)?)?)?)?");

    private final String name;
    private final Kind kind;

    private TlsCertValidityKeyword(String name, Kind kind) {
        this.name = name;
        this.kind = kind;
    }

    public static TlsCertValidityKeyword notBefore() { return new TlsCertValidityKeyword("tls_cert_notbefore", Kind.NOT_BEFORE); }
    public static TlsCertValidityKeyword notAfter() { return new TlsCertValidityKeyword("tls_cert_notafter", Kind.NOT_AFTER); }
    public static TlsCertValidityKeyword expired() { return new TlsCertValidityKeyword("tls_cert_expired", Kind.EXPIRED); }
    public static TlsCertValidityKeyword valid() { return new TlsCertValidityKeyword("tls_cert_valid", Kind.VALID); }

    public String name() { return name; }

    public ValueMode valueMode() {
        return kind == Kind.EXPIRED || kind == Kind.VALID ? ValueMode.NONE : ValueMode.REQUIRED;
    }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        if (kind == Kind.EXPIRED || kind == Kind.VALID) {
            sig.addTxCondition(name, new Validity(kind, '=', 0, 0, name));
            return;
        }
        Matcher m = VALUE.matcher(value);
        if (!m.matches()) {
            throw ctx.bad(value, "expected [<|>]DATE or DATE<>DATE");
        }
        if (m.group(1) != null && m.group(3) != null) {
            throw ctx.bad(value, "a range takes no < or >");
        }
        long a = epoch(m.group(2), value, ctx);
        long b = 0;
        char mode = m.group(1) != null ? m.group(1).charAt(0) : '=';
        if (m.group(3) != null) {
            mode = 'r';
            b = epoch(m.group(4), value, ctx);
            if (b <= a) {
                throw ctx.bad(value, "the range must be increasing");
            }
        }
        sig.addTxCondition(name, new Validity(kind, mode, a, b, name + ":" + value));
    }

    static long epoch(String s, String value, ParseContext ctx) throws RuleParseException {
        String t = s.trim();
        if (t.chars().allMatch(Character::isDigit)) {
            return Long.parseLong(t); // Suricata: digits alone are epoch seconds, even "2015"
        }
        Matcher d = DATE.matcher(t);
        if (!d.matches()) {
            throw ctx.bad(value, "date '" + t + "' is not YYYY-MM[-DD[THH[:MM[:SS]]]] or epoch seconds");
        }
        try {
            return LocalDateTime.of(Integer.parseInt(d.group(1)), num(d.group(2), 1), num(d.group(3), 1),
                    num(d.group(4), 0), num(d.group(5), 0), num(d.group(6), 0)).toEpochSecond(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            throw ctx.bad(value, "date '" + t + "': " + e.getMessage());
        }
    }

    private static int num(String g, int dflt) {
        return g == null ? dflt : Integer.parseInt(g);
    }

    static final class Validity implements TxCondition {
        final Kind kind;
        final char mode;
        final long a, b;
        final String text;

        Validity(Kind kind, char mode, long a, long b, String text) {
            this.kind = kind;
            this.mode = mode;
            this.a = a;
            this.b = b;
            this.text = text;
        }

        public int appProto() { return AppProto.TLS; }
        public int direction() { return Buf.DIR_TO_CLIENT; }

        public boolean match(Transaction tx, boolean toServer, Flow flow) {
            if (toServer || !(tx instanceof TlsTx t)) {
                return false;
            }
            long cert = kind == Kind.NOT_BEFORE ? t.certNotBefore : t.certNotAfter;
            if (cert == 0) {
                return false;
            }
            switch (kind) {
                case EXPIRED: return flow != null && flow.lastSeenNanos / 1_000_000_000L > cert;
                case VALID: return flow != null && flow.lastSeenNanos / 1_000_000_000L <= cert;
                default:
                    switch (mode) {
                        case '<': return cert <= a;
                        case '>': return cert >= a;
                        case 'r': return cert >= a && cert <= b;
                        default: return cert == a;
                    }
            }
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
