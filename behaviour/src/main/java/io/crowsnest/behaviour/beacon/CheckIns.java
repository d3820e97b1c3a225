package io.crowsnest.behaviour.beacon;

import io.crowsnest.behaviour.TopFlows;
import java.util.Arrays;

/**
 * The recent connections of one (client, server, port): start times and bytes sent, the newest
 * {@link #MAX} kept in a ring that grows on demand, so a triple seen twice costs a few longs, not 64.
 */
final class CheckIns {
    static final int MAX = 64;

    private long[] starts = new long[8];
    private long[] bytes = new long[8];
    /** Valid entries (≤ MAX) and the slot the next one overwrites once full. */
    private int n;
    private int next;
    /** Connections seen in total, not only those kept. */
    long seen;
    int lastClientPort;
    final TopFlows top = new TopFlows(5);

    void add(long start, long bytesToServer) {
        seen++;
        if (n < MAX) {
            if (n == starts.length) {
                starts = Arrays.copyOf(starts, Math.min(MAX, n * 2));
                bytes = Arrays.copyOf(bytes, Math.min(MAX, n * 2));
            }
            starts[n] = start;
            bytes[n] = bytesToServer;
            n++;
            return;
        }
        starts[next] = start;
        bytes[next] = bytesToServer;
        next = (next + 1) % MAX;
    }

    int size() {
        return n;
    }

    /** Start times of the kept connections, in no particular order ({@link Periodicity} sorts). */
    long[] starts() {
        return starts;
    }

    /** Time from the first to the last kept start, seconds. */
    double spanSeconds() {
        long min = Long.MAX_VALUE, max = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            min = Math.min(min, starts[i]);
            max = Math.max(max, starts[i]);
        }
        return n == 0 ? 0 : (max - min) / 1e9;
    }

    long medianBytes() {
        long[] b = Arrays.copyOf(bytes, n);
        Arrays.sort(b);
        return n == 0 ? 0 : b[n / 2];
    }

    /** Coefficient of variation (standard deviation / mean) of bytes sent; 0 when nothing was sent. */
    double bytesCv() {
        if (n == 0) {
            return 0;
        }
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += bytes[i];
        }
        mean /= n;
        if (mean == 0) {
            return 0;
        }
        double var = 0;
        for (int i = 0; i < n; i++) {
            var += (bytes[i] - mean) * (bytes[i] - mean);
        }
        return Math.sqrt(var / n) / mean;
    }
}
