package io.crowsnest.behaviour.beacon;

import java.util.Arrays;

/**
 * Is a series of connection start times regular? Regular means: at least {@code minIntervals} gaps,
 * a median gap of at least {@code minMedianSeconds}, and at least {@code minShare} of the gaps within
 * ± {@code jitter} (a fraction) of the median. Median-based, so a missed beat or a retry does not hide a
 * beacon, and jitter up to the tolerance does not either.
 */
public final class Periodicity {
    private Periodicity() {
    }

    /** The regularity of {@code starts} (nanos, any order): share of gaps near the median, or 0 when too few. */
    public static Result analyse(long[] starts, int n, double jitter) {
        if (n < 3) {
            return new Result(0, 0, 0);
        }
        long[] s = Arrays.copyOf(starts, n);
        Arrays.sort(s);
        double[] gaps = new double[n - 1];
        for (int i = 1; i < n; i++) {
            gaps[i - 1] = (s[i] - s[i - 1]) / 1e9;
        }
        double[] sorted = gaps.clone();
        Arrays.sort(sorted);
        double median = sorted[sorted.length / 2];
        int near = 0;
        for (double g : gaps) {
            if (median > 0 && Math.abs(g - median) <= jitter * median) {
                near++;
            }
        }
        return new Result(gaps.length, median, (double) near / gaps.length);
    }

    public static boolean regular(long[] starts, int n, int minIntervals, double minMedianSeconds, double jitter,
                                  double minShare) {
        Result r = analyse(starts, n, jitter);
        return r.intervals >= minIntervals && r.medianSeconds >= minMedianSeconds && r.share >= minShare;
    }

    /** Gaps counted, their median in seconds, and the share within the jitter tolerance. */
    public static final class Result {
        public final int intervals;
        public final double medianSeconds;
        public final double share;

        Result(int intervals, double medianSeconds, double share) {
            this.intervals = intervals;
            this.medianSeconds = medianSeconds;
            this.share = share;
        }
    }
}
