package io.crowsnest.sensor.rules;

import io.crowsnest.detection.engine.DetectionEngine;
import io.crowsnest.detection.rules.RuleError;
import io.crowsnest.detection.rules.RuleLoadResult;
import io.crowsnest.detection.rules.RuleLoader;
import io.crowsnest.detection.rules.RuleVariables;
import io.crowsnest.detection.rules.Signature;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What {@code crowsnest rules check} computes: loads rule files the way replay does (one {@link RuleLoader} for
 * the set, the same variables, the shipped rules only when asked), builds the detection engine, and reports
 * totals, every refusal, refusals grouped by reason, rules waiting on the app layer and the time split into
 * parsing and engine (prefilter automaton) build.
 */
public final class RuleCheck {
    /** One refused rule. */
    public record Failure(String file, int line, long sid, String error) {
        @Override
        public String toString() {
            return file + ":" + line + " sid " + sid + ": " + error;
        }
    }

    /** The outcome of a check. */
    public record Result(int total, int loaded, int waiting, List<Failure> failed, Map<String, Integer> byReason,
                         Map<String, Integer> waitingByReason, double parseSeconds, double buildSeconds,
                         int engineSignatures, List<DetectionEngine.GroupCount> groups) {
        /** Distinct signature groups over all protocol/direction buckets. */
        public int groupTotal() {
            int n = 0;
            for (DetectionEngine.GroupCount g : groups) {
                n += g.groups();
            }
            return n;
        }

        public int refused() {
            return failed.size();
        }

        public double totalSeconds() {
            return parseSeconds + buildSeconds;
        }
    }

    private RuleCheck() {}

    /** Expands the arguments: a directory stands for its {@code *.rules} files, sorted by name. */
    public static List<Path> expand(List<Path> args) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path a : args) {
            if (Files.isDirectory(a)) {
                try (Stream<Path> s = Files.list(a)) {
                    out.addAll(s.filter(p -> p.getFileName().toString().endsWith(".rules") && Files.isRegularFile(p))
                            .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                            .collect(Collectors.toList()));
                }
            } else if (Files.isRegularFile(a)) {
                out.add(a);
            } else {
                throw new IOException(a + ": no such rule file or directory");
            }
        }
        return out;
    }

    public static Result run(List<Path> files, Map<String, String> variables, boolean withDefaults) throws IOException {
        RuleVariables vars = RuleVariables.suricataDefaults();
        for (Map.Entry<String, String> e : variables.entrySet()) {
            vars.set(e.getKey(), e.getValue());
        }
        // read first so that file I/O is not counted as parse time
        List<String[]> sources = new ArrayList<>();
        if (withDefaults) {
            for (String name : RuleSetLoader.shippedRuleFiles()) {
                sources.add(new String[] {"signatures/" + name, RuleSetLoader.readResource("signatures/" + name)});
            }
        }
        for (Path f : files) {
            sources.add(new String[] {f.toString(), read(f)});
        }
        long t0 = System.nanoTime();
        RuleLoader loader = new RuleLoader();
        List<Signature> sigs = new ArrayList<>();
        List<Failure> failed = new ArrayList<>();
        int total = 0;
        for (String[] src : sources) {
            RuleLoadResult r = loader.load(src[1], src[0], vars);
            total += r.total();
            sigs.addAll(r.signatures());
            for (RuleError e : r.errors()) {
                failed.add(new Failure(e.file(), e.line(), e.sid(), e.message()));
            }
        }
        long t1 = System.nanoTime();
        DetectionEngine engine = DetectionEngine.build(sigs);
        long t2 = System.nanoTime();
        int waiting = 0;
        Map<String, Integer> waitingBy = new TreeMap<>();
        for (Signature s : sigs) {
            String w = s.waitingOn();
            // rules on buffers the app layer feeds are bound and active; only the rest wait
            if (w != null && engine.isParked(s)) {
                // a rule on a protocol no parser handles waits on that protocol, whatever its buffers
                // (an smtp rule's file.data is not HTTP's)
                String proto = s.appProtocol();
                if (proto != null && io.crowsnest.applayer.AppProto.byRuleName(proto.toLowerCase(java.util.Locale.ROOT)) < 0) {
                    w = "app-layer protocol " + proto;
                }
                waiting++;
                waitingBy.merge(w, 1, Integer::sum);
            }
        }
        Map<String, Integer> byReason = new TreeMap<>();
        for (Failure f : failed) {
            byReason.merge(reasonGroup(f.error()), 1, Integer::sum);
        }
        return new Result(total, sigs.size(), waiting, failed, sortByCount(byReason), sortByCount(waitingBy),
                (t1 - t0) / 1e9, (t2 - t1) / 1e9, engine.signatures().size(), engine.groupCounts());
    }

    private static String read(Path f) throws IOException {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            return new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        }
    }

    private static final Pattern COLUMN = Pattern.compile("\\s+at column \\d+");
    private static final Pattern BAD_VALUE = Pattern.compile("^bad value '.*' for ([^\\s(]+)(.*)$", Pattern.DOTALL);
    private static final Pattern QUOTED = Pattern.compile("'[^']*'");

    /**
     * The reason without its specifics, for grouping: columns dropped, "bad value 'x' for depth (why)" becomes
     * "bad value for depth", duplicates become "duplicate signature"; unknown keywords keep their name.
     */
    public static String reasonGroup(String error) {
        String r = COLUMN.matcher(error).replaceAll("");
        if (r.startsWith("unknown keyword") || r.startsWith("waiting on") || r.startsWith("unknown protocol")) {
            return r;
        }
        if (r.startsWith("duplicate signature")) {
            return "duplicate signature";
        }
        Matcher m = BAD_VALUE.matcher(r);
        if (m.matches()) {
            return "bad value for " + m.group(1);
        }
        int colon = r.indexOf(": ");
        if (r.startsWith("internal error") || r.startsWith("cannot read")) {
            return colon > 0 ? r.substring(0, colon) : r;
        }
        return QUOTED.matcher(r).replaceAll("'…'");
    }

    private static Map<String, Integer> sortByCount(Map<String, Integer> m) {
        Map<String, Integer> out = new LinkedHashMap<>();
        m.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }
}
