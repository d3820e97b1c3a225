package io.crowsnest.detection.keywords;

import io.crowsnest.decoders.IpOptions;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.detection.inspect.PacketCondition;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code ipopts:rr|eol|nop|ts|sec|esec|lsrr|ssrr|satid|any;}: the IPv4 header carries that option. */
public final class IpoptsKeyword implements Keyword {
    public String name() { return "ipopts"; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        int bit;
        switch (value.trim().toLowerCase()) {
            case "rr": bit = IpOptions.RR; break;
            case "eol": bit = IpOptions.EOL; break;
            case "nop": bit = IpOptions.NOP; break;
            case "ts": bit = IpOptions.TS; break;
            case "sec": bit = IpOptions.SEC; break;
            case "esec": bit = IpOptions.ESEC; break;
            case "lsrr": bit = IpOptions.LSRR; break;
            case "ssrr": bit = IpOptions.SSRR; break;
            case "satid": bit = IpOptions.SATID; break;
            case "any": bit = -1; break;
            default: throw ctx.bad(value, "unknown IP option");
        }
        sig.addCondition(new Match(bit));
        sig.markNotIpOnly();
    }

    public record Match(int bit) implements PacketCondition {
        public boolean match(Packet p, Flow flow, int flowFlags) {
            return p.ipVersion == 4 && (bit == -1 ? p.ipOptions != 0 : (p.ipOptions & bit) != 0);
        }
    }
}
