package io.crowsnest.decoders.checksum;

import io.crowsnest.decoders.DecoderConfig.ChecksumMode;

/**
 * Decides whether checksums are validated. ALL: always; NONE: never; AUTO (Suricata's default
 * for capture files): validate the first {@link #SAMPLE_SIZE} packets that carry a checksum to
 * check, and if more than 1 in {@link #INVALID_RATIO} of them were bad (offloading on the capture
 * host), stop validating for the rest of the run. Packets already marked keep their mark.
 * Not thread-safe: one per decoder.
 */
public final class ChecksumPolicy {
    public static final int SAMPLE_SIZE = 1000;
    public static final int INVALID_RATIO = 10;

    private final ChecksumMode mode;
    private boolean active;
    /** Set while a reassembled datagram is decoded again: nothing is validated then. */
    private boolean suspended;
    private int sampled;
    private int sampledBad;
    private long invalidPackets;
    private long checkedPackets;

    public ChecksumPolicy(ChecksumMode mode) {
        this.mode = mode;
        this.active = mode != ChecksumMode.NONE;
    }

    /** True when decoders should validate checksums for the current packet. */
    public boolean active() {
        return active && !suspended;
    }

    /** Suspends validation (true) or resumes it (false); the AUTO decision is not affected. */
    public void suspend(boolean on) {
        suspended = on;
    }

    /** Called once per packet for which at least one checksum was validated. */
    public void recordPacket(boolean bad) {
        checkedPackets++;
        if (bad) {
            invalidPackets++;
        }
        if (mode == ChecksumMode.AUTO && sampled < SAMPLE_SIZE) {
            sampled++;
            if (bad) {
                sampledBad++;
            }
            if (sampled == SAMPLE_SIZE && (long) sampledBad * INVALID_RATIO > sampled) {
                active = false;
            }
        }
    }

    /** Packets with at least one invalid checksum. */
    public long invalidPackets() {
        return invalidPackets;
    }

    /** Packets for which at least one checksum was validated. */
    public long checkedPackets() {
        return checkedPackets;
    }

    public ChecksumMode mode() {
        return mode;
    }
}
