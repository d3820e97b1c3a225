package io.crowsnest.detection.keywords;

import io.crowsnest.applayer.AppProto;
import io.crowsnest.applayer.Buf;
import io.crowsnest.applayer.Transaction;
import io.crowsnest.applayer.ssh.SshTx;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.detection.inspect.TxCondition;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Suricata's (deprecated but still used) SSH banner keywords, on the banner of the direction inspected
 * (the client's to the server, the server's to the client):
 * <ul>
 *   <li>{@code ssh.protoversion:2.0;} — the protocol version equals the value; {@code 2_compat} matches
 *       any 2.x and 1.99 (a server that also speaks 2);</li>
 *   <li>{@code ssh.softwareversion:OpenSSH;} — the software version starts with the value.</li>
 * </ul>
 * Quotes around the value are optional.
 */
public final class SshVersionKeyword implements Keyword {
    private final String name;
    private final boolean software;

    private SshVersionKeyword(String name, boolean software) {
        this.name = name;
        this.software = software;
    }

    public static SshVersionKeyword protoversion() { return new SshVersionKeyword("ssh.protoversion", false); }
    public static SshVersionKeyword softwareversion() { return new SshVersionKeyword("ssh.softwareversion", true); }

    public String name() { return name; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        String v = value.trim();
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            v = v.substring(1, v.length() - 1);
        }
        if (v.isEmpty()) {
            throw ctx.bad(value, "empty version");
        }
        boolean compat = !software && v.equals("2_compat");
        sig.addTxCondition(name, new Banner(software, compat, v.getBytes(StandardCharsets.ISO_8859_1),
                name + ":" + value));
    }

    static final class Banner implements TxCondition {
        final boolean software, compat;
        final byte[] want;
        final String text;

        Banner(boolean software, boolean compat, byte[] want, String text) {
            this.software = software;
            this.compat = compat;
            this.want = want;
            this.text = text;
        }

        public int appProto() { return AppProto.SSH; }
        public int direction() { return Buf.DIR_BOTH; }

        public boolean match(Transaction tx, boolean toServer, Flow flow) {
            if (!(tx instanceof SshTx s)) {
                return false;
            }
            byte[] v = software ? (toServer ? s.clientSoftware : s.serverSoftware)
                    : (toServer ? s.clientProto : s.serverProto);
            if (v == null) {
                return false;
            }
            if (compat) {
                return startsWith(v, TWO_DOT) || startsWith(v, ONE_99);
            }
            return software ? startsWith(v, want) : Arrays.equals(v, want);
        }

        private static final byte[] TWO_DOT = {'2', '.'}, ONE_99 = {'1', '.', '9', '9'};

        private static boolean startsWith(byte[] v, byte[] p) {
            return v.length >= p.length && Arrays.equals(v, 0, p.length, p, 0, p.length);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
