package io.crowsnest.detection.rules;

import io.crowsnest.detection.keywords.FlowbitRegistry;
import io.crowsnest.detection.keywords.Keyword;
import io.crowsnest.detection.keywords.KeywordRegistry;
import io.crowsnest.detection.keywords.ParseContext;
import io.crowsnest.detection.keywords.XbitStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads Suricata-syntax rule files. A bad rule never aborts the load: it becomes a {@link RuleError}
 * (file, line, sid, precise reason) and the others load. Comment lines and disabled rules ({@code # alert …})
 * are skipped silently; a trailing backslash continues a rule on the next line.
 *
 * <p>One loader per rule set: flowbit names get their bit index from this loader's {@link #flowbits()}.
 */
public final class RuleLoader {
    private static final Pattern SID = Pattern.compile("(?:^|[;(\\s])sid\\s*:\\s*(\\d+)");

    private final ClassificationConfig classifications;
    private final FlowbitRegistry flowbits = new FlowbitRegistry();
    private final FlowbitRegistry flowints = new FlowbitRegistry();
    private final XbitStore xbits = new XbitStore();

    public RuleLoader() {
        this(ClassificationConfig.defaults());
    }

    public RuleLoader(ClassificationConfig classifications) {
        this.classifications = classifications;
    }

    public FlowbitRegistry flowbits() {
        return flowbits;
    }

    /** Flowint names of this rule set (index into {@code Flow.flowints}). */
    public FlowbitRegistry flowints() {
        return flowints;
    }

    /** The xbits state shared by the rules of this set (thread-safe). */
    public XbitStore xbits() {
        return xbits;
    }

    public ClassificationConfig classifications() {
        return classifications;
    }

    /** Finished signatures by rule text that may be reused instead of parsed again (hot reload), or null. */
    private Map<String, Signature> reusable;
    private int reused;

    /**
     * Rules whose text is a key of {@code byText} are not parsed again: the loaded signature is a
     * {@link Signature#reuse copy} sharing that one's parsed parts. Only valid when the variables, the
     * classification config and the flowbit/flowint indexes are those the reused signatures were parsed
     * with (the caller's duty; {@code RuleSetBuilder} checks the variables and registers the old names first).
     */
    public RuleLoader reuse(Map<String, Signature> byText) {
        this.reusable = byText;
        return this;
    }

    /** How many rules were reused rather than parsed. */
    public int reusedCount() {
        return reused;
    }

    /** Loads every file in order; an unreadable file is one error (line 0). */
    public RuleLoadResult load(List<Path> files, RuleVariables vars) {
        Acc acc = new Acc();
        for (Path f : files) {
            String text;
            try {
                text = Files.readString(f, StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                try {
                    text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                } catch (IOException | RuntimeException e2) {
                    acc.errors.add(new RuleError(f.toString(), 0, 0, "cannot read rule file: " + e2.getMessage()));
                    continue;
                }
            }
            loadInto(text, f.toString(), vars, acc);
        }
        return acc.result();
    }

    /** Loads rules from a string ({@code sourceName} is reported as the file). */
    public RuleLoadResult load(String text, String sourceName, RuleVariables vars) {
        Acc acc = new Acc();
        loadInto(text, sourceName, vars, acc);
        return acc.result();
    }

    /** Parses one rule (no comment/continuation handling); throws with the reason on error. */
    public Signature parseRule(String rule, RuleVariables vars) throws RuleParseException {
        return parse(rule.trim(), "<rule>", 1, vars);
    }

    private static final class Acc {
        final List<Signature> sigs = new ArrayList<>();
        final List<RuleError> errors = new ArrayList<>();
        final Map<Long, Integer> byId = new HashMap<>();
        int total;

        RuleLoadResult result() {
            List<Signature> out = new ArrayList<>();
            for (Signature s : sigs) {
                if (s != null) {
                    out.add(s);
                }
            }
            return new RuleLoadResult(out, errors, total);
        }
    }

    private void loadInto(String text, String source, RuleVariables vars, Acc acc) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int startLine = i + 1;
            String line = stripCr(lines[i]);
            StringBuilder sb = null;
            while (endsWithContinuation(line) && i + 1 < lines.length) {
                if (sb == null) {
                    sb = new StringBuilder();
                }
                String t = stripTrailingWs(line);
                sb.append(t, 0, t.length() - 1);
                line = stripCr(lines[++i]);
            }
            String rule = sb == null ? line : sb.append(line).toString();
            String t = rule.trim();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            acc.total++;
            try {
                Signature cached = reusable == null ? null : reusable.get(t);
                Signature s;
                if (cached != null) {
                    s = cached.reuse(source, startLine);
                    reused++;
                } else {
                    s = parse(t, source, startLine, vars);
                }
                long key = ((long) s.gid() << 32) ^ s.sid();
                Integer prev = acc.byId.get(key);
                if (prev != null) {
                    Signature old = acc.sigs.get(prev);
                    if (s.rev() > old.rev()) {
                        acc.errors.add(new RuleError(old.sourceFile(), old.sourceLine(), old.sid(),
                                "duplicate signature " + old.gid() + ":" + old.sid() + ", replaced by rev "
                                        + s.rev() + " at " + source + ":" + startLine));
                        acc.sigs.set(prev, s);
                    } else {
                        acc.errors.add(new RuleError(source, startLine, s.sid(), "duplicate signature "
                                + s.gid() + ":" + s.sid() + " (first at " + old.sourceFile() + ":" + old.sourceLine() + ")"));
                    }
                    continue;
                }
                acc.byId.put(key, acc.sigs.size());
                acc.sigs.add(s);
            } catch (RuleParseException e) {
                acc.errors.add(new RuleError(source, startLine, sidOf(t), e.getMessage()));
            } catch (RuntimeException e) {
                acc.errors.add(new RuleError(source, startLine, sidOf(t), "internal error: " + e));
            }
        }
    }

    private static String stripCr(String s) {
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private static String stripTrailingWs(String s) {
        int e = s.length();
        while (e > 0 && Character.isWhitespace(s.charAt(e - 1))) {
            e--;
        }
        return s.substring(0, e);
    }

    private static boolean endsWithContinuation(String s) {
        return stripTrailingWs(s).endsWith("\\");
    }

    static long sidOf(String rule) {
        Matcher m = SID.matcher(rule);
        if (m.find()) {
            try {
                return Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    // ---- one rule -------------------------------------------------------------------------------

    private Signature parse(String rule, String source, int line, RuleVariables vars) throws RuleParseException {
        int open = rule.indexOf('(');
        if (open < 0) {
            throw new RuleParseException("missing rule options '(...)'");
        }
        if (!rule.endsWith(")")) {
            throw new RuleParseException("rule options must end with ')'");
        }
        Signature sig = new Signature();
        sig.setSource(source, line, rule);
        parseHeader(rule.substring(0, open), sig, vars);
        parseOptions(rule, open + 1, rule.length() - 1, sig);
        if (sig.sid() == 0) {
            throw new RuleParseException("rule has no sid");
        }
        sig.finish();
        return sig;
    }

    private void parseHeader(String header, Signature sig, RuleVariables vars) throws RuleParseException {
        List<String> tok = tokenizeHeader(header);
        if (tok.size() != 7) {
            throw new RuleParseException("rule header needs 7 fields (action proto src_addr src_port direction "
                    + "dst_addr dst_port), found " + tok.size() + ": '" + header.trim() + "'");
        }
        Action action = Action.parse(tok.get(0));
        if (action == null) {
            throw new RuleParseException("unknown action '" + tok.get(0) + "'");
        }
        sig.setAction(action);
        Signature.Proto proto = proto(tok.get(1));
        String l = tok.get(1).toLowerCase();
        if (AppLayer.PROTOCOLS.contains(l)) {
            sig.setAppProtocol(l);
        }
        String dir = tok.get(4);
        boolean bidir;
        if (dir.equals("->")) {
            bidir = false;
        } else if (dir.equals("<>")) {
            bidir = true;
        } else {
            throw new RuleParseException("bad direction '" + dir + "' (expected -> or <>)");
        }
        AddressSet src = AddressSet.parse(tok.get(2), vars);
        PortSet sp = PortSet.parse(tok.get(3), vars);
        AddressSet dst = AddressSet.parse(tok.get(5), vars);
        PortSet dp = PortSet.parse(tok.get(6), vars);
        if ((!sp.isAny() || !dp.isAny()) && (proto == Signature.Proto.ICMP || proto == Signature.Proto.ICMPV4
                || proto == Signature.Proto.ICMPV6)) {
            throw new RuleParseException("protocol " + tok.get(1) + " has no ports");
        }
        sig.setHeader(proto, src, sp, bidir, dst, dp);
    }

    private static Signature.Proto proto(String p) throws RuleParseException {
        String l = p.toLowerCase();
        switch (l) {
            case "tcp": case "tcp-pkt": case "tcp-stream": return Signature.Proto.TCP;
            case "udp": return Signature.Proto.UDP;
            case "icmp": return Signature.Proto.ICMP;
            case "icmpv4": return Signature.Proto.ICMPV4;
            case "icmpv6": return Signature.Proto.ICMPV6;
            case "sctp": return Signature.Proto.SCTP;
            case "ip": case "ipv4": case "ipv6": case "ip4": case "ip6": return Signature.Proto.IP;
            case "pkthdr": return Signature.Proto.PKTHDR;
            default:
                if (AppLayer.PROTOCOLS.contains(l)) {
                    // bound to the transport the app-layer protocol runs on; the rule waits on the app layer
                    return AppLayer.UDP_PROTOCOLS.contains(l) ? Signature.Proto.UDP
                            : AppLayer.TCP_OR_UDP_PROTOCOLS.contains(l) ? Signature.Proto.IP : Signature.Proto.TCP;
                }
                throw new RuleParseException("unknown protocol '" + p + "'");
        }
    }

    /** Splits on whitespace outside brackets. */
    static List<String> tokenizeHeader(String h) throws RuleParseException {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
                if (depth < 0) {
                    throw new RuleParseException("unbalanced ']' in rule header");
                }
            }
            if (Character.isWhitespace(c) && depth == 0) {
                if (cur.length() > 0) {
                    out.add(cur.toString());
                    cur.setLength(0);
                }
            } else if (!Character.isWhitespace(c)) {
                cur.append(c);
            }
        }
        if (depth != 0) {
            throw new RuleParseException("unbalanced '[' in rule header");
        }
        if (cur.length() > 0) {
            out.add(cur.toString());
        }
        return out;
    }

    private void parseOptions(String rule, int start, int end, Signature sig) throws RuleParseException {
        ParseContext ctx = new ParseContext(classifications, flowbits).shared(flowints, xbits);
        int pos = start;
        while (pos < end) {
            while (pos < end && Character.isWhitespace(rule.charAt(pos))) {
                pos++;
            }
            if (pos >= end) {
                break;
            }
            int nameStart = pos;
            while (pos < end && rule.charAt(pos) != ':' && rule.charAt(pos) != ';') {
                pos++;
            }
            String name = rule.substring(nameStart, pos).trim();
            String value = null;
            int valueCol = -1;
            if (pos < end && rule.charAt(pos) == ':') {
                pos++;
                int vs = pos;
                while (pos < end && rule.charAt(pos) != ';') {
                    if (rule.charAt(pos) == '\\') {
                        pos++;
                    }
                    pos++;
                }
                if (pos > end) {
                    pos = end;
                }
                value = rule.substring(vs, pos);
                int lead = 0;
                while (lead < value.length() && Character.isWhitespace(value.charAt(lead))) {
                    lead++;
                }
                valueCol = vs + lead + 1;
                value = value.trim();
            }
            if (pos < end && rule.charAt(pos) == ';') {
                pos++;
            }
            int nameCol = nameStart + 1;
            if (name.isEmpty()) {
                throw new RuleParseException("empty option at column " + nameCol);
            }
            String key = name.toLowerCase();
            Keyword k = KeywordRegistry.get(key);
            if (k == null) {
                throw new RuleParseException("unknown keyword '" + name + "' at column " + nameCol);
            }
            if (value != null && value.isEmpty()) {
                value = null;
            }
            switch (k.valueMode()) {
                case NONE:
                    if (value != null) {
                        throw new RuleParseException("keyword '" + name + "' takes no value at column " + valueCol);
                    }
                    break;
                case REQUIRED:
                    if (value == null) {
                        throw new RuleParseException("keyword '" + name + "' needs a value at column " + nameCol);
                    }
                    break;
                default:
                    break;
            }
            ctx.keyword(key);
            try {
                k.setup(sig, value, ctx);
            } catch (RuleParseException e) {
                throw new RuleParseException(e.getMessage() + " at column " + (valueCol > 0 ? valueCol : nameCol));
            }
            if (!k.ipOnlyCompatible()) {
                sig.markNotIpOnly();
            }
        }
    }
}
