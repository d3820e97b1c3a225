package io.crowsnest.behaviour.profile;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** Summary of a learned distribution, as written in a profile: count, mean, median, p99 and max. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"count", "mean", "p50", "p99", "max"})
public final class Stats {
    public long count;
    public double mean;
    public double p50;
    public double p99;
    public double max;

    public Stats() {
    }

    public Stats(long count, double mean, double p50, double p99, double max) {
        this.count = count;
        this.mean = round(mean);
        this.p50 = round(p50);
        this.p99 = round(p99);
        this.max = round(max);
    }

    static double round(double v) {
        return Math.round(v * 100.0) / 100.0;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Stats)) {
            return false;
        }
        Stats s = (Stats) o;
        return count == s.count && mean == s.mean && p50 == s.p50 && p99 == s.p99 && max == s.max;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(count) * 31 + Double.hashCode(p99);
    }

    @Override
    public String toString() {
        return "count " + count + ", mean " + mean + ", p50 " + p50 + ", p99 " + p99 + ", max " + max;
    }
}
