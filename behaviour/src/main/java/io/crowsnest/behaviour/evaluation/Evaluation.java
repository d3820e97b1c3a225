package io.crowsnest.behaviour.evaluation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.crowsnest.behaviour.BehaviourAlert;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scores behavioural alerts against labelled attack intervals.
 *
 * <p>An alert <em>matches</em> a label when its time lies in [start − {@link #BEFORE_S}, end + {@link #AFTER_S}]
 * (detectors report when a window closes or a flow ends, so a little after the attack) and one of its two
 * addresses is among the label's src/dst addresses. Per detector:
 * <ul>
 * <li>a label of the detector's kind is a true positive when at least one of the detector's alerts matches
 *     it, else a false negative (recall = TP / labels of that kind);</li>
 * <li>an alert is <em>on target</em> when it matches a label of its own kind, <em>on another attack</em> when it
 *     only matches labels of other kinds (a lateral-movement alert for a beacon's new egress: real, but not
 *     what that label is scored for; reported, counted in neither), and a <em>false positive</em> when it
 *     matches no label (precision = on target / (on target + false positives)).</li>
 * </ul>
 */
public final class Evaluation {
    static final double BEFORE_S = 5;
    static final double AFTER_S = 10;

    /** The scores of one detector (accumulates over captures). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"labels", "true_positives", "false_negatives", "alerts", "alerts_on_target",
            "alerts_on_other_attacks", "false_positives", "precision", "recall", "missed", "false_alerts"})
    public static final class Score {
        public int labels;
        @JsonProperty("true_positives")
        public int truePositives;
        @JsonProperty("false_negatives")
        public int falseNegatives;
        public int alerts;
        @JsonProperty("alerts_on_target")
        public int onTarget;
        @JsonProperty("alerts_on_other_attacks")
        public int onOther;
        @JsonProperty("false_positives")
        public int falsePositives;
        public final List<String> missed = new ArrayList<>();
        @JsonProperty("false_alerts")
        public final List<String> falseAlerts = new ArrayList<>();

        /** Null when the detector raised nothing relevant (no alert to be precise about). */
        @JsonProperty("precision")
        public Double precision() {
            int d = onTarget + falsePositives;
            return d == 0 ? null : Math.round(1000.0 * onTarget / d) / 1000.0;
        }

        /** Null when there was nothing of this kind to find. */
        @JsonProperty("recall")
        public Double recall() {
            return labels == 0 ? null : Math.round(1000.0 * truePositives / labels) / 1000.0;
        }

        void add(Score o) {
            labels += o.labels;
            truePositives += o.truePositives;
            falseNegatives += o.falseNegatives;
            alerts += o.alerts;
            onTarget += o.onTarget;
            onOther += o.onOther;
            falsePositives += o.falsePositives;
            missed.addAll(o.missed);
            falseAlerts.addAll(o.falseAlerts);
        }
    }

    private final Map<String, Score> byDetector = new TreeMap<>();

    public Evaluation(Collection<String> detectors) {
        for (String d : detectors) {
            byDetector.put(d, new Score());
        }
    }

    static boolean matches(BehaviourAlert a, Label l) {
        double t = a.tsNanos / 1e9;
        if (t < l.start - BEFORE_S || t > l.end + AFTER_S) {
            return false;
        }
        return l.src.contains(a.src) || l.dst.contains(a.src) || l.src.contains(a.dst) || l.dst.contains(a.dst);
    }

    /** Scores one capture's alerts against its labels (adds to the totals); {@code where} names the capture. */
    public void score(String where, Labels labels, List<BehaviourAlert> alerts) {
        for (Label l : labels.attacks) {
            Score s = byDetector.computeIfAbsent(l.kind, k -> new Score());
            s.labels++;
            boolean found = alerts.stream().anyMatch(a -> a.detector.equals(l.kind) && matches(a, l));
            if (found) {
                s.truePositives++;
            } else {
                s.falseNegatives++;
                s.missed.add(where + ": " + l.id());
            }
        }
        for (BehaviourAlert a : alerts) {
            Score s = byDetector.computeIfAbsent(a.detector, k -> new Score());
            s.alerts++;
            boolean own = false, other = false;
            for (Label l : labels.attacks) {
                if (matches(a, l)) {
                    if (l.kind.equals(a.detector)) {
                        own = true;
                    } else {
                        other = true;
                    }
                }
            }
            if (own) {
                s.onTarget++;
            } else if (other) {
                s.onOther++;
            } else {
                s.falsePositives++;
                if (s.falseAlerts.size() < 20) {
                    s.falseAlerts.add(where + ": " + a);
                }
            }
        }
    }

    public Map<String, Score> scores() {
        return byDetector;
    }

    public Score total() {
        Score t = new Score();
        byDetector.values().forEach(t::add);
        return t;
    }

    /** A fixed-width table: one row per detector. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-12s %6s %4s %4s %7s %7s %7s %4s %9s %7s%n", "detector", "labels", "TP", "FN",
                "alerts", "target", "other", "FP", "precision", "recall"));
        for (Map.Entry<String, Score> e : byDetector.entrySet()) {
            Score s = e.getValue();
            sb.append(String.format("%-12s %6d %4d %4d %7d %7d %7d %4d %9s %7s%n", e.getKey(), s.labels, s.truePositives,
                    s.falseNegatives, s.alerts, s.onTarget, s.onOther, s.falsePositives, fmt(s.precision()), fmt(s.recall())));
        }
        return sb.toString();
    }

    private static String fmt(Double d) {
        return d == null ? "-" : String.format("%.3f", d);
    }
}
