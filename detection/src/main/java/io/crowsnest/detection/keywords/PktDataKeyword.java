package io.crowsnest.detection.keywords;

import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/** {@code pkt_data;}: back to the packet payload after a sticky buffer. */
public final class PktDataKeyword implements Keyword {
    public String name() { return "pkt_data"; }
    public ValueMode valueMode() { return ValueMode.NONE; }
    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        sig.setCurrentBuffer(null);
    }
}
