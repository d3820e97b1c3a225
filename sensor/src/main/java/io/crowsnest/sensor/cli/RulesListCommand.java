package io.crowsnest.sensor.cli;

import io.crowsnest.detection.rules.Signature;
import io.crowsnest.sensor.rules.LoadedRules;
import io.crowsnest.sensor.rules.RuleSetLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code crowsnest rules list [--json]}: the shipped rules by category (the {@code # --- name ---} section
 * comments of the rule files), each with sid, severity, msg and the captures that prove it (the
 * {@code *.expected.json} files under the project's {@code pcaps/} that list its sid; "—" when there is none or
 * the project tree is not there).
 */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the shipped rules by category with sid, severity, msg and their proof capture(s).")
public final class RulesListCommand implements Callable<Integer> {
    private static final Pattern SECTION = Pattern.compile("^#\\s*---\\s*(.+?)\\s*---\\s*$");
    private static final Pattern SID = Pattern.compile("\\bsid\\s*:\\s*(\\d+)\\s*;");
    private static final Pattern JSON_PCAP = Pattern.compile("\"pcap\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern JSON_SID = Pattern.compile("\"sid\"\\s*:\\s*(\\d+)\\s*,\\s*\"count\"\\s*:\\s*(\\d+)");
    static final String NONE = "\u2014";

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    /** One shipped rule as listed. */
    public record Entry(String category, long sid, int severity, String classtype, String msg, String file, List<String> proof) {}

    @Override
    public Integer call() throws IOException {
        List<Entry> entries = list(projectRoot());
        PrintStream out = System.out;
        if (json) {
            out.println(toJson(entries));
        } else {
            printText(entries, out);
        }
        return 0;
    }

    /** The shipped rules in file order, with category and proof captures (read from {@code root/pcaps}, or none when root is null). */
    public static List<Entry> list(Path root) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        LoadedRules loaded = RuleSetLoader.load(true, List.of(), Map.of(), new PrintStream(sink, true, StandardCharsets.UTF_8));
        Map<Long, Signature> bySid = new HashMap<>();
        for (Signature s : loaded.signatures()) {
            bySid.putIfAbsent(s.sid(), s);
        }
        Map<Long, List<String>> proofs = proofs(root);
        List<Entry> entries = new ArrayList<>();
        for (String name : RuleSetLoader.shippedRuleFiles()) {
            String category = "uncategorised";
            for (String line : readResource("signatures/" + name).split("\n")) {
                String t = line.trim();
                Matcher sec = SECTION.matcher(t);
                if (sec.matches()) {
                    category = sec.group(1);
                    continue;
                }
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                Matcher m = SID.matcher(t);
                if (!m.find()) {
                    continue;
                }
                Signature s = bySid.get(Long.parseLong(m.group(1)));
                if (s == null) {
                    continue; // refused by the loader: `rules check --with-default-rules` reports it
                }
                entries.add(new Entry(category, s.sid(), s.severity(), s.classtype() == null ? "" : s.classtype(), s.msg(),
                        name, proofs.getOrDefault(s.sid(), List.of())));
            }
        }
        return entries;
    }

    private static String readResource(String name) throws IOException {
        try (java.io.InputStream in = RuleSetLoader.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** sid -> proof captures (paths relative to the project root), from every {@code pcaps/**}{@code /*.expected.json}. */
    static Map<Long, List<String>> proofs(Path root) throws IOException {
        Map<Long, TreeSet<String>> m = new TreeMap<>();
        if (root == null || !Files.isDirectory(root.resolve("pcaps"))) {
            return Map.of();
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root.resolve("pcaps"))) {
            files = walk.filter(p -> p.getFileName().toString().endsWith(".expected.json")).sorted().toList();
        }
        for (Path f : files) {
            String text = Files.readString(f, StandardCharsets.UTF_8);
            Matcher pm = JSON_PCAP.matcher(text);
            if (!pm.find()) {
                continue;
            }
            String pcap = pm.group(1);
            String shown = pcap.startsWith("pcaps-external/") ? "../shared/" + pcap
                    : root.relativize(f.getParent().resolve(pcap).normalize()).toString().replace('\\', '/');
            Matcher sm = JSON_SID.matcher(text);
            while (sm.find()) {
                if (Long.parseLong(sm.group(2)) > 0) {
                    m.computeIfAbsent(Long.parseLong(sm.group(1)), k -> new TreeSet<>()).add(shown);
                }
            }
        }
        Map<Long, List<String>> out = new HashMap<>();
        m.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return out;
    }

    /** The project root: -Dcrowsnest.root, else the first ancestor of the working directory or of the jar that is one. */
    public static Path projectRoot() {
        List<Path> starts = new ArrayList<>();
        String prop = System.getProperty("crowsnest.root");
        if (prop != null) {
            starts.add(Paths.get(prop));
        }
        starts.add(Paths.get(System.getProperty("user.dir")));
        try {
            starts.add(Paths.get(RulesListCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (URISyntaxException | RuntimeException e) {
            // no code source: working directory only
        }
        for (Path start : starts) {
            for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
                if (isRoot(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    private static boolean isRoot(Path p) {
        Path pom = p.resolve("pom.xml");
        if (!Files.isDirectory(p.resolve("bin")) || !Files.isRegularFile(pom)) {
            return false;
        }
        try {
            return Files.readString(pom).contains("<artifactId>crowsnest-parent</artifactId>");
        } catch (IOException e) {
            return false;
        }
    }

    static Map<String, List<Entry>> byCategory(List<Entry> entries) {
        Map<String, List<Entry>> m = new LinkedHashMap<>();
        for (Entry e : entries) {
            m.computeIfAbsent(e.category(), k -> new ArrayList<>()).add(e);
        }
        return m;
    }

    static void printText(List<Entry> entries, PrintStream out) {
        Map<String, List<Entry>> cats = byCategory(entries);
        long proven = entries.stream().filter(e -> !e.proof().isEmpty()).count();
        out.printf(Locale.ROOT, "shipped rules: %d in %d categories, %d with a proof capture%n", entries.size(), cats.size(), proven);
        for (Map.Entry<String, List<Entry>> c : cats.entrySet()) {
            out.printf(Locale.ROOT, "%n%s (%d)%n", c.getKey(), c.getValue().size());
            for (Entry e : c.getValue()) {
                out.printf(Locale.ROOT, "  %-8d sev %d  %s%n", e.sid(), e.severity(), e.msg());
                out.printf(Locale.ROOT, "           proof: %s%n", e.proof().isEmpty() ? NONE : String.join(", ", e.proof()));
            }
        }
    }

    static String toJson(List<Entry> entries) {
        StringBuilder sb = new StringBuilder(256 + 256 * entries.size());
        sb.append("{\"total\":").append(entries.size()).append(",\"categories\":[");
        boolean firstCat = true;
        for (Map.Entry<String, List<Entry>> c : byCategory(entries).entrySet()) {
            sb.append(firstCat ? "" : ",").append("{\"name\":");
            RulesCheckCommand.str(sb, c.getKey());
            sb.append(",\"count\":").append(c.getValue().size()).append(",\"rules\":[");
            boolean first = true;
            for (Entry e : c.getValue()) {
                sb.append(first ? "" : ",").append("{\"sid\":").append(e.sid()).append(",\"severity\":").append(e.severity())
                        .append(",\"classtype\":");
                RulesCheckCommand.str(sb, e.classtype());
                sb.append(",\"msg\":");
                RulesCheckCommand.str(sb, e.msg());
                sb.append(",\"file\":");
                RulesCheckCommand.str(sb, e.file());
                sb.append(",\"proof\":[");
                for (int i = 0; i < e.proof().size(); i++) {
                    sb.append(i == 0 ? "" : ",");
                    RulesCheckCommand.str(sb, e.proof().get(i));
                }
                sb.append("]}");
                first = false;
            }
            sb.append("]}");
            firstCat = false;
        }
        sb.append("]}");
        return sb.toString();
    }
}
