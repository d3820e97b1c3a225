package io.crowsnest.detection.threshold;

import io.crowsnest.decoders.Packet;
import io.crowsnest.detection.rules.AddressSet;
import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.RuleVariables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Suricata {@code threshold.config} file:
 * <ul>
 *   <li>{@code suppress gen_id G, sig_id S[, track by_src|by_dst|by_either, ip ADDR]} drops the alerts of the
 *       signature (sig_id 0: every signature of the gid), for all traffic or only the given addresses;</li>
 *   <li>{@code threshold|event_filter gen_id G, sig_id S, type limit|threshold|both, track by_src|by_dst|by_rule|by_both,
 *       count C, seconds N} replaces the signature's own threshold;</li>
 *   <li>{@code rate_filter gen_id G, sig_id S, track …, count C, seconds N, new_action A, timeout T} is parsed
 *       and validated but not applied (it changes the action of an IPS; a passive sensor only alerts).</li>
 * </ul>
 * Lines are {@code #}-comments or blank; a bad line is an error naming the line.
 */
public final class ThresholdConfig {
    public record Suppress(int gid, long sid, String track, AddressSet addresses) {
        /** Does the suppression cover this packet? */
        public boolean covers(Packet p) {
            if (addresses == null) {
                return true;
            }
            boolean v4 = p.ipVersion == 4;
            boolean src = addresses.matches(p.srcHi, p.srcLo, v4), dst = addresses.matches(p.dstHi, p.dstLo, v4);
            switch (track) {
                case "by_src": return src;
                case "by_dst": return dst;
                default: return src || dst;
            }
        }
    }

    public record RateFilter(int gid, long sid, String track, int count, long seconds, String newAction, long timeout) {}

    private final List<Suppress> suppressions = new ArrayList<>();
    private final Map<Long, ThresholdSpec> thresholds = new LinkedHashMap<>();
    private final List<RateFilter> rateFilters = new ArrayList<>();

    public List<Suppress> suppressions() { return suppressions; }
    /** Threshold overrides by {@code gid << 32 | sid} (sid 0: the whole gid). */
    public Map<Long, ThresholdSpec> thresholds() { return thresholds; }
    public List<RateFilter> rateFilters() { return rateFilters; }

    public static long key(int gid, long sid) {
        return ((long) gid << 32) | (sid & 0xFFFFFFFFL);
    }

    public static ThresholdConfig load(Path file) throws IOException, RuleParseException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    public static ThresholdConfig parse(String text, String source) throws RuleParseException {
        ThresholdConfig c = new ThresholdConfig();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].trim();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            try {
                c.line(l);
            } catch (RuleParseException e) {
                throw new RuleParseException(source + ":" + (i + 1) + ": " + e.getMessage());
            }
        }
        return c;
    }

    private void line(String l) throws RuleParseException {
        int sp = l.indexOf(' ');
        if (sp < 0) {
            throw new RuleParseException("expected 'suppress|threshold|event_filter|rate_filter options'");
        }
        String kind = l.substring(0, sp);
        Map<String, String> o = new LinkedHashMap<>();
        for (String part : splitTopLevel(l.substring(sp + 1))) {
            String[] kv = part.trim().split("\\s+", 2);
            if (kv.length != 2) {
                throw new RuleParseException("expected 'name value', got '" + part.trim() + "'");
            }
            if (o.put(kv[0], kv[1].trim()) != null) {
                throw new RuleParseException("option " + kv[0] + " given twice");
            }
        }
        int gid = (int) num(o, "gen_id", 0, Integer.MAX_VALUE);
        long sid = num(o, "sig_id", 0, 0xFFFFFFFFL);
        switch (kind) {
            case "suppress": {
                String track = o.get("track");
                String ip = o.get("ip");
                if ((track == null) != (ip == null)) {
                    throw new RuleParseException("suppress needs both track and ip, or neither");
                }
                if (track != null && !List.of("by_src", "by_dst", "by_either").contains(track)) {
                    throw new RuleParseException("unknown track '" + track + "'");
                }
                only(o, "gen_id", "sig_id", "track", "ip");
                suppressions.add(new Suppress(gid, sid, track, ip == null ? null
                        : AddressSet.parse(ip, RuleVariables.suricataDefaults())));
                break;
            }
            case "threshold": case "event_filter": {
                only(o, "gen_id", "sig_id", "type", "track", "count", "seconds");
                ThresholdSpec.Type type;
                switch (req(o, "type")) {
                    case "limit": type = ThresholdSpec.Type.LIMIT; break;
                    case "threshold": type = ThresholdSpec.Type.THRESHOLD; break;
                    case "both": type = ThresholdSpec.Type.BOTH; break;
                    default: throw new RuleParseException("unknown type '" + o.get("type") + "'");
                }
                thresholds.put(key(gid, sid), new ThresholdSpec(type, track(req(o, "track")),
                        (int) num(o, "count", 1, Integer.MAX_VALUE), num(o, "seconds", 0, Integer.MAX_VALUE)));
                break;
            }
            case "rate_filter": {
                only(o, "gen_id", "sig_id", "track", "count", "seconds", "new_action", "timeout");
                String track = req(o, "track");
                if (!List.of("by_src", "by_dst", "by_rule", "by_both").contains(track)) {
                    throw new RuleParseException("unknown track '" + track + "'");
                }
                String action = req(o, "new_action");
                if (!List.of("alert", "drop", "pass", "log", "sdrop", "reject").contains(action)) {
                    throw new RuleParseException("unknown new_action '" + action + "'");
                }
                rateFilters.add(new RateFilter(gid, sid, track, (int) num(o, "count", 1, Integer.MAX_VALUE),
                        num(o, "seconds", 0, Integer.MAX_VALUE), action, num(o, "timeout", 0, Integer.MAX_VALUE)));
                break;
            }
            default:
                throw new RuleParseException("unknown directive '" + kind + "'");
        }
    }

    private static ThresholdSpec.Track track(String t) throws RuleParseException {
        switch (t) {
            case "by_src": return ThresholdSpec.Track.BY_SRC;
            case "by_dst": return ThresholdSpec.Track.BY_DST;
            case "by_rule": return ThresholdSpec.Track.BY_RULE;
            case "by_both": return ThresholdSpec.Track.BY_BOTH;
            default: throw new RuleParseException("unknown track '" + t + "'");
        }
    }

    private static String req(Map<String, String> o, String k) throws RuleParseException {
        String v = o.get(k);
        if (v == null) {
            throw new RuleParseException("missing " + k);
        }
        return v;
    }

    private static long num(Map<String, String> o, String k, long min, long max) throws RuleParseException {
        String v = req(o, k);
        try {
            long n = Long.parseLong(v);
            if (n < min || n > max) {
                throw new RuleParseException(k + " out of range: " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new RuleParseException("bad number for " + k + ": '" + v + "'");
        }
    }

    private static void only(Map<String, String> o, String... allowed) throws RuleParseException {
        for (String k : o.keySet()) {
            if (!List.of(allowed).contains(k)) {
                throw new RuleParseException("unknown option '" + k + "'");
            }
        }
    }

    /** Splits on commas outside brackets ({@code ip [1.2.3.4,5.6.7.8]}). */
    private static List<String> splitTopLevel(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0, start = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '[') {
                depth++;
            } else if (ch == ']') {
                depth--;
            } else if (ch == ',' && depth == 0) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }
}
