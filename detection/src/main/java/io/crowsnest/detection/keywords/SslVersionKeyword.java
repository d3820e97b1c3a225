package io.crowsnest.detection.keywords;

import io.crowsnest.applayer.AppProto;
import io.crowsnest.applayer.Buf;
import io.crowsnest.applayer.Transaction;
import io.crowsnest.applayer.tls.TlsTx;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.detection.inspect.TxCondition;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;
import java.util.Locale;

/**
 * {@code ssl_version:sslv2|sslv3|tls1.0|tls1.1|tls1.2|tls1.3[,…];} on the version of the direction
 * inspected (as {@link TlsVersionKeyword}; 1.3 drafts count as tls1.3). As Suricata 7: a list is all
 * plain or all negated ({@code !tls1.0}), without repeats; the result is "the observed version is
 * listed" flipped when its entry is negated — so a negated entry only ever turns a match off, and an
 * all-negated list never matches (Suricata's arithmetic, kept as is).
 */
public final class SslVersionKeyword implements Keyword {
    private static final String[] NAMES = {"sslv2", "sslv3", "tls1.0", "tls1.1", "tls1.2", "tls1.3"};

    public String name() { return "ssl_version"; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        boolean[] listed = new boolean[NAMES.length], negated = new boolean[NAMES.length];
        int plain = 0, neg = 0;
        for (String part : value.split(",")) {
            String t = part.trim().toLowerCase(Locale.ROOT);
            boolean n = t.startsWith("!");
            if (n) {
                t = t.substring(1).trim();
            }
            int idx = java.util.Arrays.asList(NAMES).indexOf(t);
            if (idx < 0) {
                throw ctx.bad(value, "unknown version '" + part.trim() + "'");
            }
            if (listed[idx]) {
                throw ctx.bad(value, "'" + t + "' given twice");
            }
            listed[idx] = true;
            negated[idx] = n;
            if (n) {
                neg++;
            } else {
                plain++;
            }
        }
        if (plain > 0 && neg > 0) {
            throw ctx.bad(value, "mixes negated and plain versions");
        }
        sig.addTxCondition(name(), new Versions(listed, negated, "ssl_version:" + value));
    }

    /** Index into NAMES of a wire version, or -1 (0x0002 is SSLv2's; 0x7fNN a TLS 1.3 draft). */
    static int index(int v) {
        switch (v) {
            case 0x0002: return 0;
            case 0x0300: return 1;
            case 0x0301: return 2;
            case 0x0302: return 3;
            case 0x0303: return 4;
            case 0x0304: return 5;
            default: return (v >> 8) == 0x7f ? 5 : -1;
        }
    }

    static final class Versions implements TxCondition {
        final boolean[] listed, negated;
        final String text;

        Versions(boolean[] listed, boolean[] negated, String text) {
            this.listed = listed;
            this.negated = negated;
            this.text = text;
        }

        public int appProto() { return AppProto.TLS; }
        public int direction() { return Buf.DIR_BOTH; }

        public boolean match(Transaction tx, boolean toServer, Flow flow) {
            if (!(tx instanceof TlsTx t)) {
                return false;
            }
            int i = index(toServer ? t.clientVersion : t.serverVersion);
            return i >= 0 && (listed[i] ^ negated[i]);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
