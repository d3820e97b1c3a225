package io.crowsnest.detection.inspect;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;

/** An action run when the whole signature matched (flowbits set/unset/toggle), before alerting. */
@FunctionalInterface
public interface PostMatch {
    void apply(Packet p, Flow flow);
}
