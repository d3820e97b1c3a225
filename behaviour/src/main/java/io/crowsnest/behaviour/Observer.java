package io.crowsnest.behaviour;

/**
 * Something that consumes the behaviour stage's record stream: a detector, or the profile learner.
 * Called on one thread, with records in roughly (not strictly) increasing time: a flow is reported when
 * it ends, a transaction when it completes, and several workers feed the stage.
 */
public interface Observer {
    default void flow(FlowRecord f, AlertSink out) {
    }

    default void tx(TxRecord t, AlertSink out) {
    }

    /** Record time moved on to {@code nowNanos} (called at most once per second of record time). */
    default void tick(long nowNanos, AlertSink out) {
    }

    /** The input ended (replay finished, sensor stopping): evaluate what is still pending. */
    default void finish(long nowNanos, AlertSink out) {
    }
}
