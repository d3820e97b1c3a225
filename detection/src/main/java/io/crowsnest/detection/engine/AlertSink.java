package io.crowsnest.detection.engine;

import io.crowsnest.applayer.Transaction;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.detection.rules.Signature;

@FunctionalInterface
public interface AlertSink {
    /** {@code flow} may be null; {@code flowFlags} are the packet's FlowFlags. */
    void alert(Packet p, Flow flow, Signature s, int flowFlags);

    /**
     * An alert with the app-layer transaction it refers to ({@code tx} null when none) and the flow's app
     * protocol id ({@code io.crowsnest.applayer.AppProto}, 0 when unknown).
     */
    default void alert(Packet p, Flow flow, Signature s, int flowFlags, int appProto, Transaction tx) {
        alert(p, flow, s, flowFlags);
    }
}
