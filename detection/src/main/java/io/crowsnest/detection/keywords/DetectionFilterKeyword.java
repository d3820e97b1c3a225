package io.crowsnest.detection.keywords;

import io.crowsnest.detection.rules.RuleParseException;
import io.crowsnest.detection.rules.Signature;
import io.crowsnest.detection.threshold.ThresholdSpec;

/** {@code detection_filter:track by_src|by_dst|by_rule|by_both, count N, seconds N;} alert only past count. */
public final class DetectionFilterKeyword implements Keyword {
    public String name() { return "detection_filter"; }
    public boolean ipOnlyCompatible() { return true; }

    public void setup(Signature sig, String value, ParseContext ctx) throws RuleParseException {
        if (sig.threshold() != null || sig.detectionFilter() != null) {
            throw ctx.error("only one threshold or detection_filter per rule");
        }
        sig.setDetectionFilter(ThresholdKeyword.parse(value, ctx, false));
    }
}
