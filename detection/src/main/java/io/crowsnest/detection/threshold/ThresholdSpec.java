package io.crowsnest.detection.threshold;

/** A parsed {@code threshold:} or {@code detection_filter:} option. */
public record ThresholdSpec(Type type, Track track, int count, long seconds) {
    public enum Type { LIMIT, THRESHOLD, BOTH, DETECTION_FILTER }

    public enum Track { BY_SRC, BY_DST, BY_RULE, BY_BOTH }
}
