package io.crowsnest.behaviour;

import io.crowsnest.behaviour.beacon.BeaconDetector;
import io.crowsnest.behaviour.bruteforce.BruteForceDetector;
import io.crowsnest.behaviour.dnstunnel.DnsTunnelDetector;
import io.crowsnest.behaviour.fanout.FanoutDetector;
import io.crowsnest.behaviour.reflection.ReflectionDetector;
import io.crowsnest.behaviour.lateral.LateralDetector;
import io.crowsnest.behaviour.scan.ScanDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The registry: one line per detector. A new detector is one class plus one line here. */
public final class Detectors {
    private Detectors() {
    }

    static final List<Function<BehaviourContext, Detector>> ALL = List.of(
            FanoutDetector::new,
            ReflectionDetector::new,
            ScanDetector::new,
            BruteForceDetector::new,
            BeaconDetector::new,
            DnsTunnelDetector::new,
            LateralDetector::new);

    /** Every detector, built with the context (thresholds are read now, so unknown keys can be reported). */
    public static List<Detector> all(BehaviourContext ctx) {
        List<Detector> l = new ArrayList<>();
        for (Function<BehaviourContext, Detector> f : ALL) {
            l.add(f.apply(ctx));
        }
        return l;
    }
}
