package io.crowsnest.detection.engine;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.detection.rules.Signature;

/** Receives each alert a {@link DetectionContext} raises, on the worker thread, in signature order. */
@FunctionalInterface
public interface AlertSink {
    /** {@code flow} may be null; {@code flowFlags} are the packet's FlowFlags. */
    void alert(Packet p, Flow flow, Signature s, int flowFlags);
}
