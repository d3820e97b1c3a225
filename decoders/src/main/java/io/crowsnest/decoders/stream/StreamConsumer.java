package io.crowsnest.decoders.stream;

import io.crowsnest.decoders.flow.Flow;

/** Receives the reassembled bytes of each TCP direction, in order, exactly once. */
public interface StreamConsumer {
    /** New in-order bytes {@code buf[off, off+len)} of direction {@code toServer}; valid only during the call. */
    void data(Flow flow, boolean toServer, byte[] buf, int off, int len);

    /** {@code len} bytes of the direction will never arrive (capture loss, caps); the stream continues after them. */
    default void gap(Flow flow, boolean toServer, long len) {}

    /** The direction ended (FIN reached in sequence, or RST). */
    default void closed(Flow flow, boolean toServer) {}
}
