package io.crowsnest.sensor.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.crowsnest.behaviour.BehaviourAlert;
import io.crowsnest.behaviour.BehaviourContext;
import io.crowsnest.behaviour.Detectors;
import io.crowsnest.behaviour.evaluation.Evaluation;
import io.crowsnest.behaviour.evaluation.Labels;
import io.crowsnest.sensor.replay.ReplayOptions;
import io.crowsnest.sensor.replay.ReplayResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code crowsnest evaluate --labels L FILE.pcap}: scores the behavioural detectors against labelled attacks. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Replay a capture with the behavioural detectors and score their alerts against labelled attack"
                + " intervals: true/false positives and negatives, precision and recall per detector.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:evaluated", "1:an input could not be read", "2:usage error"})
public final class EvaluateCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--labels", paramLabel = "FILE", required = true, description = "Labels (JSON: capture, attacks[kind,name,src,dst,start,end]).")
    Path labels;

    @Parameters(arity = "1", paramLabel = "FILE", description = "Capture file (pcap or pcapng).")
    Path file;

    @Option(names = "--baseline", paramLabel = "PROFILE", description = "Behaviour profile the detectors compare with.")
    Path baseline;

    @Option(names = "--behaviour-set", paramLabel = "DETECTOR.KEY=N", description = "Override a behavioural threshold (repeatable).")
    List<String> behaviourSet = new ArrayList<>();

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON here.")
    Path json;

    @Option(names = "--alerts", description = "List every behavioural alert.")
    boolean listAlerts;

    @Option(names = "--no-midstream", description = "Do not pick up TCP sessions that began before the capture (on by default here:"
            + " services keep pooled datastore connections open for hours, and their transactions are what fan-out is made of).")
    boolean noMidstream;

    @Override
    public Integer call() throws Exception {
        Labels l;
        try {
            l = Labels.read(labels);
        } catch (IOException e) {
            spec.commandLine().getErr().println("crowsnest: --labels: " + e.getMessage());
            return 2;
        }
        ReplayOptions o = new ReplayOptions();
        BehaviourOptions.apply(spec, o, false, baseline, behaviourSet);
        io.crowsnest.sensor.behaviour.BehaviourReplay.Run run = io.crowsnest.sensor.behaviour.BehaviourReplay.detect(file,
                o.baseline, o.behaviourConfig, !noMidstream, System.err);
        ReplayResult r = run.result;
        List<BehaviourAlert> alerts = run.alerts;
        for (String e : r.inputErrors) {
            System.err.println("crowsnest: error: " + e);
        }
        if (r.exitCode != 0) {
            return r.exitCode;
        }
        List<String> names = new ArrayList<>();
        Detectors.all(BehaviourContext.defaults()).forEach(d -> names.add(d.name()));
        Evaluation ev = new Evaluation(names);
        ev.score(file.getFileName().toString(), l, alerts);
        System.out.printf("evaluated %s: %d packets, %d labelled attacks, %d behavioural alerts%s%n", file, r.packets,
                l.attacks.size(), alerts.size(), o.baseline == null ? " (no baseline)" : "");
        System.out.print(ev.table());
        ev.scores().forEach((d, s) -> {
            s.missed.forEach(m -> System.out.println("missed (" + d + "): " + m));
            s.falseAlerts.forEach(m -> System.out.println("false positive (" + d + "): " + m));
        });
        if (listAlerts) {
            alerts.forEach(a -> System.out.println("alert: " + a));
        }
        if (json != null) {
            Map<String, Object> rep = new LinkedHashMap<>();
            rep.put("capture", file.toString());
            rep.put("labels", labels.toString());
            rep.put("baseline", baseline == null ? null : baseline.toString());
            rep.put("packets", r.packets);
            rep.put("detectors", ev.scores());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), rep);
        }
        return 0;
    }
}
