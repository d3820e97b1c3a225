package io.crowsnest.sensor.cli;

import io.crowsnest.detection.engine.DetectionEngine;
import io.crowsnest.sensor.rules.RuleCheck;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code crowsnest rules check FILE_OR_DIR... [--json] [--set NAME=VALUE]... [--with-default-rules]}: loads rules
 * as replay does and reports totals, the signature groups, each refusal, refusals by reason, rules waiting on
 * the app layer, and the load time split into parse and engine build.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Load rule files as replay would and report what loads, what is refused and why, and how long it takes.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every rule loaded (rules waiting on the app layer count as loaded)",
                "1:at least one rule was refused", "2:usage error (bad option, missing file or directory)"})
public final class RulesCheckCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE_OR_DIR", description = "Rule files, or directories (every *.rules file in them, sorted).")
    List<Path> inputs = new ArrayList<>();

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Option(names = "--set", paramLabel = "NAME=VALUE", description = "Override a rule variable, e.g. EXTERNAL_NET=any (repeatable).")
    Map<String, String> set = new LinkedHashMap<>();

    @CommandLine.Mixin
    MpmFlags mpm = new MpmFlags();

    @Option(names = "--with-default-rules", description = "Also load the shipped rules (signatures/), as replay does by default.")
    boolean withDefaults;

    @Override
    public Integer call() {
        mpm.apply(spec);
        List<Path> files;
        try {
            files = RuleCheck.expand(inputs);
        } catch (IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        RuleCheck.Result r;
        try {
            r = RuleCheck.run(files, set, withDefaults);
        } catch (IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "bad --set: " + e.getMessage());
        }
        PrintStream out = System.out;
        if (json) {
            out.println(toJson(r));
        } else {
            printText(r, out);
        }
        return r.failed().isEmpty() ? 0 : 1;
    }

    static void printText(RuleCheck.Result r, PrintStream out) {
        out.printf(Locale.ROOT, "rules:    %d total, %d loaded (%.2f %%), %d refused%n", r.total(), r.loaded(),
                r.total() == 0 ? 100.0 : 100.0 * r.loaded() / r.total(), r.refused());
        out.printf(Locale.ROOT, "waiting:  %d loaded, waiting on the app layer (compiled, not evaluated until it feeds their buffers)%n",
                r.waiting());
        out.printf(Locale.ROOT, "active:   %d evaluated on packets now%n", r.loaded() - r.waiting());
        out.printf(Locale.ROOT, "time:     parse %.3f s, build %.3f s, total %.3f s%n", r.parseSeconds(),
                r.buildSeconds(), r.totalSeconds());
        printGroups(r, out);
        if (!r.failed().isEmpty()) {
            out.println("refused:");
            for (RuleCheck.Failure f : r.failed()) {
                out.println("  " + f);
            }
            out.println("refused by reason:");
            r.byReason().forEach((k, v) -> out.printf(Locale.ROOT, "  %6d  %s%n", v, k));
        }
        if (!r.waitingByReason().isEmpty()) {
            out.println("loaded, waiting on:");
            r.waitingByReason().forEach((k, v) -> out.printf(Locale.ROOT, "  %6d  %s%n", v, k));
        }
    }

    /**
     * The signature groups: per protocol/direction, its rules, the port ranges TCP and UDP are cut into, the
     * distinct groups, the largest one (the most rules a packet of that bucket can have evaluated), and the
     * port-specific rule sets the group cap merged into the join group.
     */
    static void printGroups(RuleCheck.Result r, PrintStream out) {
        out.printf(Locale.ROOT, "groups:   %d signature groups (TCP and UDP by port)%n", r.groupTotal());
        out.printf(Locale.ROOT, "  %-18s %7s %7s %7s %8s %7s%n", "proto/direction", "rules", "ranges", "groups",
                "largest", "joined");
        for (DetectionEngine.GroupCount g : r.groups()) {
            out.printf(Locale.ROOT, "  %-18s %7d %7d %7d %8d %7d%n", g.name(), g.rules(), g.portRanges(), g.groups(),
                    g.largestGroup(), g.joined());
        }
    }

    static String toJson(RuleCheck.Result r) {
        StringBuilder sb = new StringBuilder(256 + 128 * r.failed().size());
        sb.append("{\"total\":").append(r.total())
                .append(",\"loaded\":").append(r.loaded())
                .append(",\"waiting\":").append(r.waiting())
                .append(",\"refused\":").append(r.refused())
                .append(",\"failed\":[");
        boolean first = true;
        for (RuleCheck.Failure f : r.failed()) {
            sb.append(first ? "" : ",").append("{\"file\":");
            str(sb, f.file());
            sb.append(",\"line\":").append(f.line()).append(",\"sid\":").append(f.sid()).append(",\"error\":");
            str(sb, f.error());
            sb.append('}');
            first = false;
        }
        sb.append("],\"by_reason\":");
        map(sb, r.byReason());
        sb.append(",\"waiting_by_reason\":");
        map(sb, r.waitingByReason());
        sb.append(",\"groups\":{\"total\":").append(r.groupTotal()).append(",\"by_direction\":[");
        first = true;
        for (DetectionEngine.GroupCount g : r.groups()) {
            sb.append(first ? "" : ",").append("{\"name\":");
            str(sb, g.name());
            sb.append(",\"rules\":").append(g.rules()).append(",\"port_ranges\":").append(g.portRanges())
                    .append(",\"groups\":").append(g.groups()).append(",\"largest\":").append(g.largestGroup())
                    .append(",\"joined\":").append(g.joined()).append('}');
            first = false;
        }
        sb.append("]}");
        sb.append(String.format(Locale.ROOT, ",\"seconds\":{\"parse\":%.6f,\"build\":%.6f,\"total\":%.6f}}",
                r.parseSeconds(), r.buildSeconds(), r.totalSeconds()));
        return sb.toString();
    }

    private static void map(StringBuilder sb, Map<String, Integer> m) {
        sb.append('{');
        boolean first = true;
        for (Map.Entry<String, Integer> e : m.entrySet()) {
            sb.append(first ? "" : ",");
            str(sb, e.getKey());
            sb.append(':').append(e.getValue());
            first = false;
        }
        sb.append('}');
    }

    static void str(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }
}
