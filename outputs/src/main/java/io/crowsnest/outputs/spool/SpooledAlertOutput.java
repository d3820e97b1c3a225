package io.crowsnest.outputs.spool;

import io.crowsnest.detection.alert.Alert;
import io.crowsnest.detection.alert.AlertOutput;
import io.crowsnest.outputs.format.AlertFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * An alert output to a network receiver: the writer thread formats the alert and appends it to
 * the on-disk spool (local file I/O only, never the network); the sender's thread drains the
 * spool. Records the spool cannot take (cap reached, disk full) are counted by the spool
 * ({@link Spool#droppedRecords()}, {@link Spool#failedAppends()}) and {@link #write} goes on.
 */
public class SpooledAlertOutput<S extends SpoolSender> implements AlertOutput {
    private final AlertFormat format;
    private final Spool spool;
    private final S sender;
    private final long closeDrainMillis;
    private final Buffer buf = new Buffer();
    private long written;
    private long notSpooled;

    /**
     * @param closeDrainMillis how long {@link #close} waits for the spool to drain before
     *     stopping the sender (the rest is delivered after the next start)
     */
    public SpooledAlertOutput(AlertFormat format, Spool spool, S sender, long closeDrainMillis) {
        this.format = format;
        this.spool = spool;
        this.sender = sender;
        this.closeDrainMillis = closeDrainMillis;
    }

    @Override
    public void write(Alert alert) throws IOException {
        buf.reset();
        format.format(alert, buf);
        if (!spool.append(buf.array(), 0, buf.size())) {
            notSpooled++;
        }
        written++;
    }

    /** Nothing to do: every record is in the spool file (page cache) as soon as it is written. */
    @Override
    public void flush() {
    }

    @Override
    public void close() throws IOException {
        sender.close(closeDrainMillis);
        spool.close();
    }

    /** Alerts handed to {@link #write}. */
    public long written() {
        return written;
    }

    /** Alerts the spool did not take (dropped by the cap policy or failed to append). */
    public long notSpooled() {
        return notSpooled;
    }

    public Spool spool() {
        return spool;
    }

    public S sender() {
        return sender;
    }

    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(1024);
        }

        byte[] array() {
            return buf;
        }
    }
}
