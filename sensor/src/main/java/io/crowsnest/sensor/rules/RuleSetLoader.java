package io.crowsnest.sensor.rules;

import io.crowsnest.detection.rules.RuleError;
import io.crowsnest.detection.rules.RuleLoadResult;
import io.crowsnest.detection.rules.RuleLoader;
import io.crowsnest.detection.rules.RuleVariables;
import io.crowsnest.detection.rules.Signature;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads the rules of a run: the shipped set from {@code signatures/} (on the classpath, listed
 * in {@code signatures/index.txt}) unless turned off, plus the files given with --rules.
 * Every refused rule is reported as a warning with file, line and sid; the rest load.
 */
public final class RuleSetLoader {
    private RuleSetLoader() {}

    public static final String INDEX = "signatures/index.txt";

    public static LoadedRules load(boolean defaults, List<Path> files, Map<String, String> variables,
                                   PrintStream err) throws IOException {
        RuleVariables vars = RuleVariables.suricataDefaults();
        for (Map.Entry<String, String> e : variables.entrySet()) {
            vars.set(e.getKey(), e.getValue());
        }
        List<Signature> signatures = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        int total = 0;
        RuleLoader loader = new RuleLoader();
        if (defaults) {
            for (String name : shippedRuleFiles()) {
                String text = readResource("signatures/" + name);
                RuleLoadResult r = loader.load(text, "signatures/" + name, vars);
                total += collect(r, signatures, errors);
            }
        }
        for (Path file : RuleCheck.expand(files)) {
            if (!Files.isReadable(file)) {
                throw new IOException(file + ": cannot read rule file");
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            RuleLoadResult r = loader.load(text, file.toString(), vars);
            total += collect(r, signatures, errors);
        }
        for (String line : errors) {
            err.println("crowsnest: warning: " + line);
        }
        return new LoadedRules(signatures, errors, total);
    }

    private static int collect(RuleLoadResult r, List<Signature> signatures, List<String> errors) {
        signatures.addAll(r.signatures());
        for (RuleError e : r.errors()) {
            errors.add(e.toString());
        }
        return r.total();
    }

    /** Names of the shipped rule files, from the index the signatures module carries. */
    public static List<String> shippedRuleFiles() throws IOException {
        String index = readResource(INDEX);
        List<String> names = new ArrayList<>();
        for (String line : index.split("\n")) {
            String s = line.trim();
            if (!s.isEmpty() && !s.startsWith("#")) {
                names.add(s);
            }
        }
        return names;
    }

    static String readResource(String name) throws IOException {
        InputStream in = RuleSetLoader.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException("shipped resource " + name + " is missing from the build");
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            StringBuilder sb = new StringBuilder();
            String line;
            while ((line = r.readLine()) != null) {
                sb.append(line).append('\n');
            }
            return sb.toString();
        }
    }
}
