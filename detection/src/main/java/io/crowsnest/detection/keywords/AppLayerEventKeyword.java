package io.crowsnest.detection.keywords;

import io.crowsnest.applayer.AppLayerEvents;
import io.crowsnest.applayer.Transaction;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.detection.inspect.TxCondition;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;

/**
 * {@code app-layer-event:PROTO.EVENT;}: the transaction the rule fires on had that event raised by its
 * parser (e.g. {@code http.invalid_transfer_encoding_value_in_request}). Events no Crowsnest parser raises
 * ({@link AppLayerEvents}) keep the rule waiting on the app layer, as before.
 */
public final class AppLayerEventKeyword implements Keyword {
    public String name() { return "app-layer-event"; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        String ev = value.trim();
        if (ev.isEmpty() || ev.indexOf(' ') >= 0) {
            throw ctx.bad(value, "expected PROTO.EVENT");
        }
        int proto = AppLayerEvents.proto(ev);
        if (proto < 0) {
            sig.addToBuffer("app-layer-event", new AppLayerBufferKeyword.AppLayerCondition(name(), ev));
            return;
        }
        sig.addTxCondition(name(), new Raised(ev, proto, AppLayerEvents.direction(ev)));
    }

    static final class Raised implements TxCondition {
        final String event;
        final int proto, direction;

        Raised(String event, int proto, int direction) {
            this.event = event;
            this.proto = proto;
            this.direction = direction;
        }

        public int appProto() { return proto; }
        public int direction() { return direction; }

        public boolean match(Transaction tx, boolean toServer, Flow flow) {
            return tx.hasEvent(event);
        }

        @Override
        public String toString() {
            return "app-layer-event:" + event;
        }
    }
}
