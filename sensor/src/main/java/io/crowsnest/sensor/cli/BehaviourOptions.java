package io.crowsnest.sensor.cli;

import io.crowsnest.behaviour.BehaviourConfig;
import io.crowsnest.behaviour.BehaviourContext;
import io.crowsnest.behaviour.Detectors;
import io.crowsnest.behaviour.profile.Profile;
import io.crowsnest.sensor.replay.ReplayOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;

/** The behaviour flags shared by replay and evaluate: --no-behaviour, --baseline, --behaviour-set. */
final class BehaviourOptions {
    private BehaviourOptions() {
    }

    static void apply(CommandLine.Model.CommandSpec spec, ReplayOptions o, boolean off, Path baseline, List<String> sets) {
        o.behaviour = !off;
        o.behaviourConfig = config(spec, sets);
        o.baseline = baseline(spec, baseline);
    }

    /** The profile --baseline names (null: none); an unreadable or bad one is a usage error naming file:line:column. */
    static Profile baseline(CommandLine.Model.CommandSpec spec, Path file) {
        if (file == null) {
            return null;
        }
        try {
            return Profile.read(file);
        } catch (IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--baseline: " + e.getMessage());
        }
    }

    /** Thresholds from --behaviour-set; a key no detector reads is a usage error (a typo would keep the default). */
    static BehaviourConfig config(CommandLine.Model.CommandSpec spec, List<String> sets) {
        BehaviourConfig c = BehaviourConfig.defaults();
        for (String s : sets) {
            try {
                c.set(s);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--behaviour-set: " + e.getMessage());
            }
        }
        if (!sets.isEmpty()) {
            BehaviourConfig probe = BehaviourConfig.defaults();
            for (String s : sets) {
                probe.set(s);
            }
            Detectors.all(new BehaviourContext(null, probe, null));
            new io.crowsnest.behaviour.profile.ProfileLearner(new BehaviourContext(null, probe, null));
            Set<String> unused = probe.unused();
            if (!unused.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--behaviour-set: unknown threshold(s) " + unused + " (see README, Behavioural detection)");
            }
        }
        return c;
    }
}
