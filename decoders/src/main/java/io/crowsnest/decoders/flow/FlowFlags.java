package io.crowsnest.decoders.flow;

/**
 * Per-packet flow facts handed from the flow table to detection, as bits of one int
 * (Suricata's FLOW_PKT_* flags).
 */
public final class FlowFlags {
    private FlowFlags() {}

    /** The packet goes from the flow's client to its server. */
    public static final int TO_SERVER = 1;
    /** The packet goes from the flow's server to its client. */
    public static final int TO_CLIENT = 1 << 1;
    /** The flow is established (TCP: handshake completed, or midstream pickup; other: both directions seen). */
    public static final int ESTABLISHED = 1 << 2;
    /** First packet of the flow in this direction. */
    public static final int FIRST_IN_DIRECTION = 1 << 3;

    /** The same packet seen after its flow was {@link Flow#reverse() reversed}: the direction bits swap. */
    public static int reversed(int flags) {
        return (flags & ~(TO_SERVER | TO_CLIENT)) | ((flags & TO_SERVER) != 0 ? TO_CLIENT : 0)
                | ((flags & TO_CLIENT) != 0 ? TO_SERVER : 0);
    }
}
