package io.crowsnest.outputs.spool;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The wait before a network output retries: capped exponential backoff with jitter — the n-th
 * consecutive failure waits a random time in [d/2, d] with d = min(initial × 2^(n−1), max), so a fleet
 * of sensors does not reconnect to a recovered SIEM in lockstep. Shared by every spooled sender.
 */
public final class Backoff {
    private Backoff() {
    }

    public static long delayMillis(long initialMillis, long maxMillis, int failuresInRow) {
        long d = initialMillis << Math.min(Math.max(failuresInRow, 1) - 1, 30);
        if (d <= 0 || d > maxMillis) {
            d = maxMillis;
        }
        return d / 2 + ThreadLocalRandom.current().nextLong(d / 2 + 1);
    }
}
