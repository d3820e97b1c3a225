package io.crowsnest.outputs.spool;

/** A thread that drains a {@link Spool} to a network receiver (syslog, RELP, HTTP …). */
public interface SpoolSender {
    /** Waits up to {@code drainMillis} for the spool to drain, then stops; what is left stays spooled. */
    void close(long drainMillis);
}
