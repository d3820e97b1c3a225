package io.crowsnest.behaviour;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An alert raised by a behavioural detector. It becomes an EVE {@code alert} whose {@code behaviour}
 * object explains it: the detector, the window, the observed value, the baseline and the threshold it
 * was compared with, and the flows that contributed most.
 */
public final class BehaviourAlert {
    public final String detector;
    public final long sid;
    public final String msg;
    /** Suricata classtype text (EVE alert.category) and severity (1 high … 3 low). */
    public final String category;
    public final int severity;
    public final long tsNanos;
    public final String src;
    public final int srcPort;
    public final String dst;
    public final int dstPort;
    public final int proto;
    public final String appProto;
    /** The explanation (EVE alert's {@code behaviour} object), insertion-ordered. */
    public final Map<String, Object> behaviour;

    private BehaviourAlert(Builder b) {
        this.detector = b.detector;
        this.sid = b.sid;
        this.msg = b.msg;
        this.category = b.category;
        this.severity = b.severity;
        this.tsNanos = b.tsNanos;
        this.src = b.src;
        this.srcPort = b.srcPort;
        this.dst = b.dst;
        this.dstPort = b.dstPort;
        this.proto = b.proto;
        this.appProto = b.appProto;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("detector", b.detector);
        m.putAll(b.facts);
        this.behaviour = m;
    }

    public static Builder of(String detector, long sid, String msg) {
        return new Builder(detector, sid, msg);
    }

    /** Collects an alert's facts; {@link #fact} keys land in the {@code behaviour} object in order. */
    public static final class Builder {
        private final String detector;
        private final long sid;
        private final String msg;
        private String category = "Detection of a Network Scan";
        private int severity = 2;
        private long tsNanos;
        private String src;
        private int srcPort;
        private String dst;
        private int dstPort;
        private int proto;
        private String appProto;
        private final Map<String, Object> facts = new LinkedHashMap<>();

        Builder(String detector, long sid, String msg) {
            this.detector = detector;
            this.sid = sid;
            this.msg = msg;
        }

        public Builder classtype(String category, int severity) {
            this.category = category;
            this.severity = severity;
            return this;
        }

        public Builder at(long tsNanos) {
            this.tsNanos = tsNanos;
            return this;
        }

        public Builder src(String addr, int port) {
            this.src = addr;
            this.srcPort = port;
            return this;
        }

        public Builder dst(String addr, int port) {
            this.dst = addr;
            this.dstPort = port;
            return this;
        }

        public Builder proto(int proto, String appProto) {
            this.proto = proto;
            this.appProto = appProto;
            return this;
        }

        /** The window the observation covers, in seconds. */
        public Builder window(double seconds) {
            return fact("window_s", seconds);
        }

        public Builder observed(Object value) {
            return fact("observed", value);
        }

        /** The learned (or built-in) normal value; null when there is no baseline for this key. */
        public Builder baseline(Object value) {
            return fact("baseline", value);
        }

        public Builder threshold(Object value) {
            return fact("threshold", value);
        }

        public Builder topFlows(List<String> flows) {
            return fact("top_flows", flows);
        }

        public Builder fact(String key, Object value) {
            if (value != null) {
                facts.put(key, value);
            }
            return this;
        }

        public BehaviourAlert build() {
            return new BehaviourAlert(this);
        }
    }

    @Override
    public String toString() {
        return "[" + sid + "] " + msg + " " + src + " -> " + dst + " " + behaviour;
    }
}
