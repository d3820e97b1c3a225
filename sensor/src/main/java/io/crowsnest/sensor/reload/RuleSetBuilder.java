package io.crowsnest.sensor.reload;

import io.crowsnest.detection.engine.DetectionEngine;
import io.crowsnest.detection.rules.RuleError;
import io.crowsnest.detection.rules.RuleLoadResult;
import io.crowsnest.detection.rules.RuleLoader;
import io.crowsnest.detection.rules.RuleVariables;
import io.crowsnest.detection.rules.Signature;
import io.crowsnest.sensor.rules.RuleSetLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Loads and compiles a rule set the way {@code live} does at start (shipped rules, then the
 * rule files, with the rule variables), and records its hash and flowbit/flowint names.
 *
 * <p>Given the previous set, its flowbit and flowint names are registered first, in their
 * order, so every name keeps its index across a reload: a bit a flow set under the old rules is
 * read under the same name by the new ones. Names only the new set uses get new indexes past the
 * old ones; names it dropped keep an unused index (never reused), so a stale bit is never read
 * under another name.
 */
public final class RuleSetBuilder {
    private RuleSetBuilder() {}

    /** Where rules come from; read again on every reload. */
    public record Sources(boolean defaultRules, List<Path> files, Map<String, String> variables) {}

    public static RuleSet build(Sources src, RuleSet previous) throws IOException {
        long t0 = System.nanoTime();
        RuleVariables vars = RuleVariables.suricataDefaults();
        for (Map.Entry<String, String> e : src.variables().entrySet()) {
            vars.set(e.getKey(), e.getValue());
        }
        RuleLoader loader = new RuleLoader();
        if (previous != null) {
            previous.flowbitNames().forEach(loader.flowbits()::index);
            previous.flowintNames().forEach(loader.flowints()::index);
            if (previous.variables() != null && previous.variables().equals(src.variables())) {
                loader.reuse(reusable(previous));
            }
        }
        MessageDigest sha = sha256();
        List<Signature> signatures = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        List<String> empty = new ArrayList<>();
        int total = 0;
        if (src.defaultRules()) {
            for (String name : RuleSetLoader.shippedRuleFiles()) {
                String text = resource("signatures/" + name);
                total += collect(loader.load(text, "signatures/" + name, vars), "signatures/" + name, text, sha, signatures, refused, empty);
            }
        }
        for (Path file : io.crowsnest.sensor.rules.RuleCheck.expand(src.files())) {
            if (!Files.isReadable(file)) {
                throw new IOException(file + ": cannot read rule file");
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            total += collect(loader.load(text, file.toString(), vars), file.toString(), text, sha, signatures, refused, empty);
        }
        long t1 = System.nanoTime();
        DetectionEngine engine = DetectionEngine.build(signatures);
        long t2 = System.nanoTime();
        String hash = HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        long loadedAt = System.currentTimeMillis();
        engine.identity(hash, java.time.Instant.ofEpochMilli(loadedAt).toString());
        return new RuleSet(engine, hash, loadedAt, signatures.size(), total, List.copyOf(refused),
                loader.flowbits().names(), loader.flowints().names(), List.copyOf(empty), t1 - t0, t2 - t1,
                Map.copyOf(src.variables()), loader.reusedCount());
    }

    /**
     * The previous set's signatures by rule text, for the loader to reuse: while the new engine is built the
     * old one still runs, so a reload that parsed everything again held two parsed rulesets at once. Rules
     * with {@code xbits} are parsed again (their store belongs to the loader that parsed them).
     */
    static Map<String, Signature> reusable(RuleSet previous) {
        Map<String, Signature> m = new java.util.HashMap<>();
        for (Signature s : previous.engine().signatures()) {
            if (s.text() != null && !s.text().contains("xbits")) {
                m.put(s.text(), s);
            }
        }
        return m;
    }

    /**
     * The hash {@link #build} gives the same sources (SHA-256 over the rule texts in load order, 12 hex
     * digits), for runs that load rules another way (replay); unreadable files are skipped (the loader
     * reports them).
     */
    public static String hashOf(Sources src) throws IOException {
        MessageDigest sha = sha256();
        if (src.defaultRules()) {
            for (String name : RuleSetLoader.shippedRuleFiles()) {
                sha.update(resource("signatures/" + name).getBytes(StandardCharsets.UTF_8));
            }
        }
        for (Path file : io.crowsnest.sensor.rules.RuleCheck.expand(src.files())) {
            if (Files.isReadable(file)) {
                sha.update(Files.readString(file, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
            }
        }
        return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
    }

    private static int collect(RuleLoadResult r, String name, String text, MessageDigest sha, List<Signature> signatures,
                               List<String> refused, List<String> empty) {
        sha.update(text.getBytes(StandardCharsets.UTF_8));
        signatures.addAll(r.signatures());
        for (RuleError e : r.errors()) {
            refused.add(e.toString());
        }
        if (r.total() > 0 && r.signatures().isEmpty()) {
            empty.add(name + " (" + r.total() + " rules, none loaded)");
        }
        return r.total();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = RuleSetBuilder.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("shipped resource " + name + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
