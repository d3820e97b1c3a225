package io.crowsnest.outputs.http;

import io.crowsnest.outputs.format.AlertFormat;
import io.crowsnest.outputs.format.EveJsonFormat;
import io.crowsnest.outputs.spool.Spool;
import io.crowsnest.outputs.spool.SpooledAlertOutput;

/**
 * Alert output to an HTTP endpoint (webhook, Elasticsearch/OpenSearch {@code _bulk}, Splunk
 * HEC): the writer thread formats the alert as EVE JSON and appends it to the on-disk spool
 * (local file I/O only, never the network); an {@link HttpSender} thread drains the spool.
 * Records the spool cannot take (cap reached, disk full) are counted by the spool and
 * {@link #notSpooled()}, and {@link #write} goes on.
 */
public final class HttpAlertOutput extends SpooledAlertOutput<HttpSender> {
    /** EVE JSON records (what every {@link HttpFlavor} expects). */
    public HttpAlertOutput(Spool spool, HttpSender sender, long closeDrainMillis) {
        this(new EveJsonFormat(), spool, sender, closeDrainMillis);
    }

    /** @param format must produce one JSON object per alert (the sender embeds records as JSON) */
    public HttpAlertOutput(AlertFormat format, Spool spool, HttpSender sender, long closeDrainMillis) {
        super(format, spool, sender, closeDrainMillis);
    }
}
