package io.crowsnest.sensor.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The behaviour options replay and live share (a picocli mixin): --no-behaviour, --baseline, --behaviour-set. */
public final class BehaviourFlags {
    @Option(names = "--no-behaviour", description = "Do not run the behavioural detectors.")
    boolean off;

    @Option(names = "--baseline", paramLabel = "PROFILE",
            description = "Behaviour profile (from `baseline learn`) the detectors compare with; enables drift (lateral movement) detection.")
    Path baseline;

    @Option(names = "--behaviour-set", paramLabel = "DETECTOR.KEY=N",
            description = "Override a behavioural threshold, e.g. scan.vertical_ports=30 (repeatable; see README).")
    List<String> set = new ArrayList<>();
}
