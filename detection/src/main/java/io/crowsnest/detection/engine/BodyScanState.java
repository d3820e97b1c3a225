package io.crowsnest.detection.engine;

import io.crowsnest.applayer.Buf;

/**
 * How far the transaction prefilter has scanned the body buffers of one transaction (request body, response
 * body, file.data per direction), and which rules those scans made candidates.
 *
 * <p>Bodies grow by appending, packet after packet; rescanning the whole body on every packet made body
 * scanning quadratic (on a synthetic HTTP capture with ET Open, 234 MB scanned for 56 MB of traffic, ~40 % of
 * the worker). Each update now scans only the new bytes (plus the longest pattern less one before them, so a
 * pattern straddling the old end is found). A rule whose fast pattern occurred in earlier bytes but did not
 * match then must be evaluated again on the longer body, as Suricata keeps such rules in the transaction's
 * detect state: those rules are kept here, per body slot, up to {@link #MAX_PENDING}; past that the slot falls
 * back to scanning the whole body every time (correct, only slower). The app layer's body buffers only ever
 * grow by appending (a capped {@code ByteBuf}; a reallocation copies the prefix); a body that got shorter is
 * rescanned from the start all the same.
 *
 * <p>Allocated once per transaction that has a body to scan, never per packet.
 */
final class BodyScanState {
    static final int SLOTS = 4;
    static final int MAX_PENDING = 64;

    /** Bytes of each slot's body already scanned (-1: the slot overflowed, always scan it whole). */
    final int[] scanned = new int[SLOTS];
    final int[][] pending = new int[SLOTS][];
    final int[] pendingCount = new int[SLOTS];

    /** The slot of a body buffer in a direction, or -1 for a buffer that is not an append-only body. */
    static int slot(int bufId, boolean toServer) {
        switch (bufId) {
            case Buf.HTTP_REQUEST_BODY: return 0;
            case Buf.HTTP_RESPONSE_BODY: return 1;
            case Buf.FILE_DATA: return toServer ? 2 : 3;
            default: return -1;
        }
    }

    /** Remembers a candidate rule of the slot; false when the slot is full (it then scans whole bodies). */
    boolean addPending(int slot, int num) {
        int[] p = pending[slot];
        int n = pendingCount[slot];
        for (int i = 0; i < n; i++) {
            if (p[i] == num) {
                return true;
            }
        }
        if (n == MAX_PENDING) {
            return false;
        }
        if (p == null) {
            p = pending[slot] = new int[8];
        } else if (n == p.length) {
            p = pending[slot] = java.util.Arrays.copyOf(p, Math.min(MAX_PENDING, n * 2));
        }
        p[n] = num;
        pendingCount[slot] = n + 1;
        return true;
    }

    void overflow(int slot) {
        scanned[slot] = -1;
        pendingCount[slot] = 0;
    }
}
