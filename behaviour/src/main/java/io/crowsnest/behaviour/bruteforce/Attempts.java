package io.crowsnest.behaviour.bruteforce;

import io.crowsnest.behaviour.TopFlows;

/** One source's attempts on one service in one window: how many, how many failed, and the last failure. */
final class Attempts {
    final long start;
    /** Every transaction (or SSH session) on the service since the first failure, failed or not. */
    long attempts;
    long failures;
    /** The last failing command, URI or session, for the alert. */
    String sample;
    int clientPort;
    final TopFlows top = new TopFlows(5);

    Attempts(long start) {
        this.start = start;
    }

    double failureShare() {
        return attempts == 0 ? 0 : (double) failures / attempts;
    }
}
