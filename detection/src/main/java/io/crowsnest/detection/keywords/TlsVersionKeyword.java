package io.crowsnest.detection.keywords;

import io.crowsnest.applayer.AppProto;
import io.crowsnest.applayer.Buf;
import io.crowsnest.applayer.Transaction;
import io.crowsnest.applayer.tls.TlsTx;
import io.crowsnest.detection.inspect.TxCondition;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/**
 * {@code tls.version:1.0|1.1|1.2|1.3|0xNNNN;} as Suricata matches it: on a packet to the client the version
 * the server chose (ServerHello, supported_versions for TLS 1.3), on a packet to the server the client's
 * (its supported_versions, else the legacy ClientHello version). {@code 1.3} also matches the 0x7fNN
 * drafts; a raw {@code 0xNNNN} value compares exactly. Nothing seen yet in that direction: no match.
 */
public final class TlsVersionKeyword implements Keyword {
    public String name() { return "tls.version"; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        String v = value.trim();
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            v = v.substring(1, v.length() - 1).trim();
        }
        int ver;
        boolean raw = false;
        switch (v) {
            case "1.0": ver = 0x0301; break;
            case "1.1": ver = 0x0302; break;
            case "1.2": ver = 0x0303; break;
            case "1.3": ver = 0x0304; break;
            default:
                if (!v.regionMatches(true, 0, "0x", 0, 2) || v.length() != 6) {
                    throw ctx.bad(value, "expected 1.0, 1.1, 1.2, 1.3 or 0xNNNN");
                }
                try {
                    ver = Integer.parseInt(v.substring(2), 16);
                } catch (NumberFormatException e) {
                    throw ctx.bad(value, "expected 1.0, 1.1, 1.2, 1.3 or 0xNNNN");
                }
                raw = true;
        }
        sig.addTxCondition(name(), new Match(ver, raw));
    }

    static final class Match implements TxCondition {
        final int version;
        final boolean raw;

        Match(int version, boolean raw) {
            this.version = version;
            this.raw = raw;
        }

        public int appProto() { return AppProto.TLS; }
        public int direction() { return Buf.DIR_BOTH; }

        public boolean match(Transaction tx, boolean toServer, io.crowsnest.decoders.flow.Flow flow) {
            if (!(tx instanceof TlsTx t)) {
                return false;
            }
            int v = toServer ? t.clientVersion : t.serverVersion;
            if (!raw && (v >> 8) == 0x7f) {
                v = 0x0304; // a TLS 1.3 draft
            }
            return v != 0 && v == version;
        }

        @Override
        public String toString() {
            return "tls.version:0x" + Integer.toHexString(version);
        }
    }
}
