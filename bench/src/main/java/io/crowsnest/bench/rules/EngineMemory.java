package io.crowsnest.bench.rules;

import io.crowsnest.detection.engine.DetectionEngine;
import io.crowsnest.detection.rules.RuleLoadResult;
import io.crowsnest.detection.rules.RuleLoader;
import io.crowsnest.detection.rules.RuleVariables;
import io.crowsnest.detection.rules.Signature;
import io.crowsnest.sensor.rules.RuleCheck;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.management.ObjectName;

/**
 * Retained heap of a compiled ruleset (not part of CI): the parsed signatures alone, then the engine built
 * over them (groups, prefilter automata, transaction prefilters), then the top classes of the heap. What a
 * hot reload has to hold twice for a moment.
 *
 * <p>Usage: {@code java -Xmx2g -cp bench/target/benchmarks.jar io.crowsnest.bench.rules.EngineMemory
 * ../shared/rulesets/et-open-suricata-5.0 [NAME=VALUE]...}
 */
public final class EngineMemory {
    private EngineMemory() {
    }

    static long used() {
        return io.crowsnest.bench.memory.RetainedHeap.bytes();
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: EngineMemory RULES_FILE_OR_DIR [NAME=VALUE]...");
            System.exit(2);
        }
        RuleVariables vars = RuleVariables.suricataDefaults();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            vars.set(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        List<String[]> texts = new ArrayList<>();
        for (Path f : RuleCheck.expand(List.of(Path.of(args[0])))) {
            texts.add(new String[] {f.toString(), Files.readString(f, StandardCharsets.UTF_8)});
        }
        long base = used();
        RuleLoader loader = new RuleLoader();
        List<Signature> sigs = new ArrayList<>();
        for (String[] t : texts) {
            RuleLoadResult r = loader.load(t[1], t[0], vars);
            sigs.addAll(r.signatures());
        }
        texts.clear();
        long parsed = used();
        DetectionEngine engine = DetectionEngine.build(sigs);
        long built = used();
        System.out.printf("signatures: %d; transaction fast patterns: %d%n", sigs.size(),
                engine.transactionFastPatternCount());
        System.out.printf("heap: signatures %.1f MiB, engine over them %.1f MiB more, total %.1f MiB%n",
                (parsed - base) / 1048576.0, (built - parsed) / 1048576.0, (built - base) / 1048576.0);
        String hist = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {null}, new String[] {String[].class.getName()});
        String[] lines = hist.split("\n");
        for (int i = 0; i < Math.min(lines.length, 28); i++) {
            System.out.println(lines[i]);
        }
        if (engine.signatures().isEmpty()) {
            System.out.println("(empty)");
        }
    }
}
