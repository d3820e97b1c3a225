package io.crowsnest.outputs.http;

import io.crowsnest.detection.alert.Alert;
import io.crowsnest.detection.alert.AlertOutput;
import io.crowsnest.outputs.format.AlertFormat;
import io.crowsnest.outputs.format.EveJsonFormat;
import io.crowsnest.outputs.spool.Spool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Alert output to an HTTP endpoint (webhook, Elasticsearch/OpenSearch {@code _bulk}, Splunk
 * HEC): the writer thread formats the alert as EVE JSON and appends it to the on-disk spool
 * (local file I/O only, never the network); an {@link HttpSender} thread drains the spool.
 * Records the spool cannot take (cap reached, disk full) are counted by the spool and
 * {@link #notSpooled()}, and {@link #write} goes on.
 */
public final class HttpAlertOutput implements AlertOutput {
    private final AlertFormat format;
    private final Spool spool;
    private final HttpSender sender;
    private final long closeDrainMillis;
    private final Buffer buf = new Buffer();
    private long written;
    private long notSpooled;

    /** EVE JSON records (what every {@link HttpFlavor} expects). */
    public HttpAlertOutput(Spool spool, HttpSender sender, long closeDrainMillis) {
        this(new EveJsonFormat(), spool, sender, closeDrainMillis);
    }

    /**
     * @param format must produce one JSON object per alert (the sender embeds records as JSON)
     * @param closeDrainMillis how long {@link #close} waits for the spool to drain before
     *     stopping the sender (the rest is delivered after the next start)
     */
    public HttpAlertOutput(AlertFormat format, Spool spool, HttpSender sender, long closeDrainMillis) {
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
    public long written() { return written; }

    /** Alerts the spool did not take (dropped by the cap policy or failed to append). */
    public long notSpooled() { return notSpooled; }

    public Spool spool() { return spool; }

    public HttpSender sender() { return sender; }

    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(1024);
        }

        byte[] array() {
            return buf;
        }
    }
}
