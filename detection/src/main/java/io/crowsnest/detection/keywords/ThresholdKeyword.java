package io.crowsnest.detection.keywords;

import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;
import io.crowsnest.detection.threshold.ThresholdSpec;

/** {@code threshold:type limit|threshold|both, track by_src|by_dst|by_rule|by_both, count N, seconds N;} */
public final class ThresholdKeyword implements Keyword {
    public String name() { return "threshold"; }
    public boolean ipOnlyCompatible() { return true; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        if (sig.threshold() != null || sig.detectionFilter() != null) {
            throw ctx.error("only one threshold or detection_filter per rule");
        }
        sig.setThreshold(parse(value, ctx, true));
    }

    static ThresholdSpec parse(String value, ParseContext ctx, boolean needType) throws RuleParseException {
        ThresholdSpec.Type type = needType ? null : ThresholdSpec.Type.DETECTION_FILTER;
        ThresholdSpec.Track track = null;
        long count = -1, seconds = -1;
        for (String part : value.split(",")) {
            String[] kv = part.trim().split("\\s+");
            if (kv.length != 2) {
                throw ctx.bad(value, "expected 'name value' pairs");
            }
            switch (kv[0]) {
                case "type":
                    if (!needType) {
                        throw ctx.bad(value, "detection_filter takes no type");
                    }
                    switch (kv[1]) {
                        case "limit": type = ThresholdSpec.Type.LIMIT; break;
                        case "threshold": type = ThresholdSpec.Type.THRESHOLD; break;
                        case "both": type = ThresholdSpec.Type.BOTH; break;
                        default: throw ctx.bad(value, "unknown type '" + kv[1] + "'");
                    }
                    break;
                case "track":
                    switch (kv[1]) {
                        case "by_src": track = ThresholdSpec.Track.BY_SRC; break;
                        case "by_dst": track = ThresholdSpec.Track.BY_DST; break;
                        case "by_rule": track = ThresholdSpec.Track.BY_RULE; break;
                        case "by_both": track = ThresholdSpec.Track.BY_BOTH; break;
                        default: throw ctx.bad(value, "unknown track '" + kv[1] + "'");
                    }
                    break;
                case "count": count = KeywordSupport.parseLong(kv[1], ctx, needType ? 1 : 0, Integer.MAX_VALUE); break;
                case "seconds": seconds = KeywordSupport.parseLong(kv[1], ctx, 0, Integer.MAX_VALUE); break;
                default: throw ctx.bad(value, "unknown option '" + kv[0] + "'");
            }
        }
        if (type == null || track == null || count < 0 || seconds < 0) {
            throw ctx.bad(value, needType ? "needs type, track, count and seconds" : "needs track, count and seconds");
        }
        return new ThresholdSpec(type, track, (int) count, seconds);
    }
}
