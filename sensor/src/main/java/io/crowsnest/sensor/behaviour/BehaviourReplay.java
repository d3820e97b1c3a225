package io.crowsnest.sensor.behaviour;

import io.crowsnest.behaviour.BehaviourAlert;
import io.crowsnest.behaviour.BehaviourConfig;
import io.crowsnest.behaviour.BehaviourContext;
import io.crowsnest.behaviour.profile.Profile;
import io.crowsnest.behaviour.profile.ProfileLearner;
import io.crowsnest.sensor.replay.ReplayOptions;
import io.crowsnest.sensor.replay.ReplayResult;
import io.crowsnest.sensor.replay.ReplayRunner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Replays captures through the real pipeline for the behaviour stage only (no rules): learning a
 * profile ({@code baseline learn}) or collecting the detectors' alerts ({@code evaluate}, the lab test).
 */
public final class BehaviourReplay {
    private BehaviourReplay() {
    }

    /** The outcome of one replay: the run's result and the behavioural alerts it raised. */
    public static final class Run {
        public final ReplayResult result;
        public final List<BehaviourAlert> alerts;

        Run(ReplayResult result, List<BehaviourAlert> alerts) {
            this.result = result;
            this.alerts = alerts;
        }
    }

    public static Run detect(Path pcap, Profile baseline, BehaviourConfig config, boolean midstream, PrintStream err)
            throws IOException {
        ReplayOptions o = new ReplayOptions();
        o.files.add(pcap);
        o.defaultRules = false;
        o.midstream = midstream;
        o.baseline = baseline;
        o.behaviourConfig = config == null ? BehaviourConfig.defaults() : config;
        List<BehaviourAlert> alerts = Collections.synchronizedList(new ArrayList<>());
        o.behaviourTap = alerts::add;
        o.outDir = Files.createTempDirectory("crowsnest-behaviour");
        try {
            ReplayResult r = new ReplayRunner(o, err).run();
            return new Run(r, new ArrayList<>(alerts));
        } finally {
            deleteQuietly(o.outDir);
        }
    }

    /** Learns a profile from captures; returns null (errors printed) when an input could not be read. */
    public static Profile learn(List<Path> pcaps, Path identity, boolean midstream, io.crowsnest.decoders.DecoderConfig.ChecksumMode checksum,
                                PrintStream err) throws IOException {
        ProfileLearner learner = new ProfileLearner(BehaviourContext.defaults());
        ReplayOptions o = new ReplayOptions();
        o.files.addAll(pcaps);
        o.defaultRules = false;
        o.behaviour = false;
        o.identityFile = identity;
        o.midstream = midstream;
        o.checksum = checksum;
        o.observers.add(learner);
        pcaps.forEach(f -> learner.learnedFrom(f.getFileName().toString()));
        o.outDir = Files.createTempDirectory("crowsnest-learn");
        try {
            ReplayResult r = new ReplayRunner(o, err).run();
            for (String e : r.inputErrors) {
                err.println("crowsnest: error: " + e);
            }
            return r.exitCode == 0 ? learner.profile() : null;
        } finally {
            deleteQuietly(o.outDir);
        }
    }

    /** Removes a temporary output directory (best effort). */
    public static void deleteQuietly(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }
}
