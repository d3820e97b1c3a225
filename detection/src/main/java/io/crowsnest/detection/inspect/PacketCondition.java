package io.crowsnest.detection.inspect;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;

/** A per-packet check a keyword adds to a signature (dsize, flags, flow, flowbits isset …). Allocation-free. */
@FunctionalInterface
public interface PacketCondition {
    /** {@code flow} may be null (non-IP packets); {@code flowFlags} are {@link io.crowsnest.decoders.flow.FlowFlags} bits. */
    boolean match(Packet p, Flow flow, int flowFlags);
}
