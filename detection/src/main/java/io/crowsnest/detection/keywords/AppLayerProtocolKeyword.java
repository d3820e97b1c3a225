package io.crowsnest.detection.keywords;

import io.crowsnest.detection.rules.AppLayer;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/**
 * {@code app-layer-protocol:[!]PROTO[,final|original|either|direction];}: parsed and validated; until protocol
 * detection exists the rule is loaded as waiting on the app layer.
 */
public final class AppLayerProtocolKeyword implements Keyword {
    public String name() { return "app-layer-protocol"; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        String[] a = value.split(",");
        String p = a[0].trim();
        if (p.startsWith("!")) {
            p = p.substring(1).trim();
        }
        if (!AppLayer.PROTOCOLS.contains(p) && !p.equals("failed") && !p.equals("unknown")) {
            throw ctx.bad(value, "unknown app-layer protocol '" + p + "'");
        }
        if (a.length > 2 || (a.length == 2
                && !java.util.Set.of("final", "original", "either", "direction", "to_server", "to_client").contains(a[1].trim()))) {
            throw ctx.bad(value, "unknown mode");
        }
        sig.waitOn("app-layer protocol " + p);
        sig.markNotIpOnly();
    }
}
