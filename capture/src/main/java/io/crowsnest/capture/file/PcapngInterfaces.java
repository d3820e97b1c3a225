package io.crowsnest.capture.file;

import io.crowsnest.decoders.Packet;
import java.util.Arrays;

/**
 * The interfaces (IDBs) of the current pcapng section, as parallel arrays so that looking up an
 * interface and converting a timestamp allocate nothing. Cleared by every new section.
 */
final class PcapngInterfaces {
    /** if_tsresol default: 10^-6 s. */
    static final int DEFAULT_TSRESOL = 6;

    private static final long[] POWERS_OF_TEN = new long[19];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    private int count;
    private int[] linkTypes = new int[4];
    private long[] snaplens = new long[4];
    /** Decimal resolutions: timestamp units per second; 0 for binary resolutions. */
    private long[] unitsPerSecond = new long[4];
    /** Decimal: nanos = remainder * multiplier / divisor (one of the two is 1). */
    private long[] nanosMultiplier = new long[4];
    private long[] nanosDivisor = new long[4];
    /** Binary resolutions: the timestamp counts 2^-shift seconds. */
    private int[] binaryShift = new int[4];
    private long[] offsetSeconds = new long[4];

    /** True if an {@code if_tsresol} byte is one we can convert (10^-0..10^-18, 2^-0..2^-63). */
    static boolean isSupportedResolution(int tsresol) {
        int exponent = tsresol & 0x7F;
        return (tsresol & 0x80) != 0 ? exponent <= 63 : exponent <= 18;
    }

    void clear() {
        count = 0;
    }

    int count() {
        return count;
    }

    int linkType(int id) {
        return linkTypes[id];
    }

    /** Snap length, 0 meaning unlimited. */
    long snaplen(int id) {
        return snaplens[id];
    }

    /** Adds the next interface; {@code tsresol} must pass {@link #isSupportedResolution}. */
    void add(int linkType, long snaplen, int tsresol, long tsOffsetSeconds) {
        if (count == linkTypes.length) {
            grow();
        }
        int id = count++;
        linkTypes[id] = linkType;
        snaplens[id] = snaplen;
        offsetSeconds[id] = tsOffsetSeconds;
        int exponent = tsresol & 0x7F;
        if ((tsresol & 0x80) != 0) {
            unitsPerSecond[id] = 0;
            binaryShift[id] = exponent;
        } else {
            unitsPerSecond[id] = POWERS_OF_TEN[exponent];
            nanosMultiplier[id] = exponent <= 9 ? POWERS_OF_TEN[9 - exponent] : 1;
            nanosDivisor[id] = exponent <= 9 ? 1 : POWERS_OF_TEN[exponent - 9];
        }
    }

    /** Converts a raw 64-bit (unsigned) timestamp of interface {@code id} into the packet's fields. */
    void setTimestamp(int id, long timestamp, Packet p) {
        long units = unitsPerSecond[id];
        long seconds;
        long nanos;
        if (units != 0) {
            seconds = Long.divideUnsigned(timestamp, units);
            long remainder = timestamp - seconds * units;
            // remainder < 10^k and multiplier = 10^(9-k), so the product stays below 10^18.
            nanos = remainder * nanosMultiplier[id] / nanosDivisor[id];
        } else {
            int shift = binaryShift[id];
            seconds = timestamp >>> shift;
            long remainder = shift == 0 ? 0 : timestamp & (-1L >>> (64 - shift));
            // remainder * 10^9 must stay below 2^63: exact up to 33 fraction bits, beyond that
            // drop the bits that are finer than a nanosecond anyway.
            nanos = shift <= 33
                    ? (remainder * 1_000_000_000L) >>> shift
                    : ((remainder >>> (shift - 33)) * 1_000_000_000L) >>> 33;
        }
        p.tsSeconds = seconds + offsetSeconds[id];
        p.tsNanos = (int) nanos;
    }

    private void grow() {
        int n = linkTypes.length * 2;
        linkTypes = Arrays.copyOf(linkTypes, n);
        snaplens = Arrays.copyOf(snaplens, n);
        unitsPerSecond = Arrays.copyOf(unitsPerSecond, n);
        nanosMultiplier = Arrays.copyOf(nanosMultiplier, n);
        nanosDivisor = Arrays.copyOf(nanosDivisor, n);
        binaryShift = Arrays.copyOf(binaryShift, n);
        offsetSeconds = Arrays.copyOf(offsetSeconds, n);
    }
}
