package io.crowsnest.sensor.cli;

import io.crowsnest.behaviour.BehaviourContext;
import io.crowsnest.behaviour.profile.Profile;
import io.crowsnest.behaviour.profile.ProfileDiff;
import io.crowsnest.behaviour.profile.ProfileLearner;
import io.crowsnest.sensor.live.LiveOptions;
import io.crowsnest.sensor.live.LiveRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code crowsnest baseline learn|diff}: behaviour profiles. */
@Command(name = "baseline", mixinStandardHelpOptions = true,
        description = "Learn and compare behaviour profiles (what each workload normally does).",
        subcommands = {BaselineCommand.Learn.class, BaselineCommand.Diff.class})
public final class BaselineCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: learn or diff");
    }

    @Command(name = "learn", mixinStandardHelpOptions = true,
            description = "Learn a profile from capture files, or live for a while, and write it as YAML.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:profile written", "1:an input could not be read", "2:usage error"})
    static final class Learn implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(arity = "0..*", paramLabel = "FILE", description = "Capture files (pcap or pcapng) of normal traffic.")
        List<Path> files = new ArrayList<>();

        @Option(names = "--live", description = "Learn from live capture instead of files (root; see `live`).")
        boolean live;

        @Option(names = "--for", paramLabel = "DURATION", description = "With --live: how long to learn, e.g. 30m, 1h, 90s (default: ${DEFAULT-VALUE}).")
        String duration = "1h";

        @Option(names = "--interfaces", paramLabel = "auto|NAME,...", description = "With --live: interfaces (default: ${DEFAULT-VALUE}).")
        String interfaces = "auto";

        @Option(names = "--identity", paramLabel = "FILE", description = "Files: name addresses as workloads from an identity file (`live --identity-out`).")
        Path identity;

        @Option(names = {"--out", "-o"}, paramLabel = "PROFILE", required = true, description = "Where to write the profile (YAML).")
        Path out;

        @Option(names = "--checksum", paramLabel = "auto|all|none", description = "Files: checksum validation (default: ${DEFAULT-VALUE}).")
        String checksum = "auto";

        @Option(names = "--no-midstream", description = "Files: do not pick up TCP sessions that began before the capture (on by default"
                + " for learning: pooled datastore connections outlive any capture).")
        boolean noMidstream;

        @Override
        public Integer call() throws Exception {
            if (live == !files.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give capture FILEs or --live (one of them)");
            }
            ProfileLearner learner = new ProfileLearner(new BehaviourContext(null, null, null));
            int exit;
            if (live) {
                Duration d = parseDuration(spec, duration);
                LiveOptions o = new LiveOptions();
                o.interfaces = interfaces;
                o.duration = d;
                o.behaviour = false;
                o.defaultRules = false;
                o.metricsAddress = null;
                o.adminAddress = null;
                o.outDir = Files.createTempDirectory("crowsnest-learn");
                o.observers.add(learner);
                learner.learnedFrom("live " + interfaces + " for " + duration);
                System.err.println("crowsnest: learning from live traffic for " + duration + "...");
                try {
                    exit = new LiveRunner(o, System.err, System.err).run();
                } finally {
                    io.crowsnest.sensor.behaviour.BehaviourReplay.deleteQuietly(o.outDir);
                }
            } else {
                Profile learned = io.crowsnest.sensor.behaviour.BehaviourReplay.learn(files, identity, !noMidstream,
                        "none".equals(checksum) ? io.crowsnest.decoders.DecoderConfig.ChecksumMode.NONE
                                : "all".equals(checksum) ? io.crowsnest.decoders.DecoderConfig.ChecksumMode.ALL
                                : io.crowsnest.decoders.DecoderConfig.ChecksumMode.AUTO, System.err);
                if (learned == null) {
                    return 1;
                }
                learned.write(out);
                report(learned, out);
                return 0;
            }
            if (exit != 0) {
                return exit;
            }
            Profile p = learner.profile();
            p.write(out);
            report(p, out);
            return 0;
        }

        private static void report(Profile p, Path out) {
            System.out.printf("profile: %d workloads over %.0f s -> %s%s%n", p.workloads.size(), p.seconds, out,
                    p.truncated.isEmpty() ? "" : " (caps hit: " + p.truncated + ")");
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true,
            description = "Show what changed between two profiles (+ only in B, - only in A, ~ changed).",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:no differences", "1:the profiles differ", "2:usage error or unreadable profile"})
    static final class Diff implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "A")
        Path a;

        @Parameters(index = "1", paramLabel = "B")
        Path b;

        @Override
        public Integer call() {
            Profile pa, pb;
            try {
                pa = Profile.read(a);
                pb = Profile.read(b);
            } catch (IOException e) {
                spec.commandLine().getErr().println("crowsnest: " + e.getMessage());
                return 2;
            }
            List<String> lines = ProfileDiff.diff(pa, pb);
            lines.forEach(System.out::println);
            return lines.isEmpty() ? 0 : 1;
        }
    }

    static Duration parseDuration(CommandLine.Model.CommandSpec spec, String s) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(s|m|h|d)?").matcher(s.trim());
        if (!m.matches()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--for: expected a duration like 90s, 30m, 1h, got '" + s + "'");
        }
        long n = Long.parseLong(m.group(1));
        String u = m.group(2) == null ? "s" : m.group(2);
        switch (u) {
            case "m": return Duration.ofMinutes(n);
            case "h": return Duration.ofHours(n);
            case "d": return Duration.ofDays(n);
            default: return Duration.ofSeconds(n);
        }
    }
}
