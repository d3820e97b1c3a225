package io.crowsnest.behaviour.profile;

import java.util.Arrays;

/**
 * A bounded sample of a distribution (reservoir sampling, deterministic seed): exact for the first
 * {@code cap} values, a uniform sample after, so learning a week of traffic costs the same memory as a minute.
 */
public final class Sampler {
    private final int cap;
    /** Grows from 8 to {@code cap}: most distributions (a quiet workload's minutes) never need the cap. */
    private double[] values = new double[8];
    private int size;
    private long count;
    private double sum;
    private double max = Double.NEGATIVE_INFINITY;
    private long rnd = 0x9E3779B97F4A7C15L;

    public Sampler(int cap) {
        this.cap = cap;
    }

    public void add(double v) {
        count++;
        sum += v;
        max = Math.max(max, v);
        if (size < cap) {
            if (size == values.length) {
                values = Arrays.copyOf(values, Math.min(cap, size * 2));
            }
            values[size++] = v;
        } else {
            rnd ^= rnd << 13;
            rnd ^= rnd >>> 7;
            rnd ^= rnd << 17;
            long j = Long.remainderUnsigned(rnd, count);
            if (j < cap) {
                values[(int) j] = v;
            }
        }
    }

    public long count() {
        return count;
    }

    /** Sorted copy of the sample, rebuilt only when the sample changed since the last quantile. */
    private double[] sorted;
    private long sortedAt = -1;

    public double quantile(double q) {
        if (size == 0) {
            return 0;
        }
        // a detector asks for the same quantile per request: re-sort only when the sample grew by an
        // eighth (or changed while small), not on every call
        if (sorted == null || (count != sortedAt && (count < 64 || count - sortedAt >= Math.max(1, sortedAt / 8)))) {
            sorted = Arrays.copyOf(values, size);
            Arrays.sort(sorted);
            sortedAt = count;
        }
        double[] s = sorted;
        int i = (int) Math.ceil(q * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, i))];
    }

    public Stats stats() {
        if (count == 0) {
            return new Stats(0, 0, 0, 0, 0);
        }
        sorted = null; // exact for the profile
        return new Stats(count, sum / count, quantile(0.5), quantile(0.99), max);
    }
}
