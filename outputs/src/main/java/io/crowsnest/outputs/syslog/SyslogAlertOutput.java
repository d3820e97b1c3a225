package io.crowsnest.outputs.syslog;

import io.crowsnest.outputs.format.AlertFormat;
import io.crowsnest.outputs.spool.Spool;
import io.crowsnest.outputs.spool.SpooledAlertOutput;

/** Alert output to a syslog server (UDP, TCP, TLS or RELP) through an on-disk spool. */
public final class SyslogAlertOutput extends SpooledAlertOutput<SyslogSender> {
    public SyslogAlertOutput(AlertFormat format, Spool spool, SyslogSender sender, long closeDrainMillis) {
        super(format, spool, sender, closeDrainMillis);
    }
}
