package io.crowsnest.behaviour;

/** Where detectors put their alerts. */
@FunctionalInterface
public interface AlertSink {
    void alert(BehaviourAlert a);
}
