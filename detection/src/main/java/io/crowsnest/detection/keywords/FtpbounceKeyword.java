package io.crowsnest.detection.keywords;

import io.crowsnest.applayer.AppProto;
import io.crowsnest.applayer.Buf;
import io.crowsnest.applayer.Transaction;
import io.crowsnest.applayer.ftp.FtpTx;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.detection.inspect.TxCondition;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/**
 * {@code ftpbounce;}: an FTP PORT command whose address ({@code h1,h2,h3,h4,p1,p2}) is not the client's own
 * (an FTP bounce: the server is told to connect elsewhere). IPv4 flows only, as Suricata; an argument
 * without four address numbers (or one over 255) does not match.
 */
public final class FtpbounceKeyword implements Keyword {
    public String name() { return "ftpbounce"; }
    public ValueMode valueMode() { return ValueMode.NONE; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        sig.addTxCondition(name(), BOUNCE);
    }

    static final TxCondition BOUNCE = new TxCondition() {
        public int appProto() { return AppProto.FTP; }
        public int direction() { return Buf.DIR_TO_SERVER; }

        public boolean match(Transaction tx, boolean toServer, Flow flow) {
            if (!(tx instanceof FtpTx f) || !"PORT".equals(f.command) || f.commandData == null || flow == null
                    || flow.ipVersion != 4) {
                return false;
            }
            long ip = portAddress(f.commandData);
            return ip >= 0 && ip != (flow.clientLo & 0xFFFFFFFFL);
        }

        @Override
        public String toString() {
            return "ftpbounce";
        }
    };

    /** The IPv4 address of a PORT argument as an unsigned 32-bit number, or -1 when it has none. */
    static long portAddress(byte[] a) {
        long ip = 0;
        int octet = -1, n = 0;
        for (byte b : a) {
            if (b >= '0' && b <= '9') {
                octet = (octet < 0 ? 0 : octet * 10) + (b - '0');
                if (octet > 255) {
                    return -1;
                }
            } else if (b == ',') {
                if (octet < 0) {
                    return -1;
                }
                ip = ip << 8 | octet;
                octet = -1;
                if (++n == 4) {
                    return ip;
                }
            } else if (b != ' ' || octet >= 0 || n > 0) {
                return -1; // only leading spaces are skipped
            }
        }
        return -1;
    }
}
