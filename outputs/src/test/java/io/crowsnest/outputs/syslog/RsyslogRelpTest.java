package io.crowsnest.outputs.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.detection.alert.Alert;
import io.crowsnest.outputs.format.Rfc5424Format;
import io.crowsnest.outputs.format.TestAlerts;
import io.crowsnest.outputs.spool.Spool;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RELP to a real rsyslogd with imrelp (Debian packages rsyslog, rsyslog-relp). */
class RsyslogRelpTest {
    static final int N = RsyslogDeliveryTest.N;

    @TempDir
    Path tmp;

    final List<String> log = new CopyOnWriteArrayList<>();

    SyslogAlertOutput output(int port) throws Exception {
        Spool spool = Spool.builder(tmp.resolve("spool")).errors(log::add).open();
        SyslogSender sender = SyslogSender.builder(spool, "127.0.0.1", port).transport(SyslogSender.Transport.RELP)
                .backoff(20, 500).errors(log::add).start();
        return new SyslogAlertOutput(new Rfc5424Format(16, "sensor"), spool, sender, 10_000);
    }

    @Test
    void relp10k() throws Exception {
        Rsyslog server = new Rsyslog(tmp.resolve("rsyslog"), Rsyslog.freePort(), Rsyslog.Input.RELP, "out.log", Rsyslog.RAW);
        server.start();
        try (server; SyslogAlertOutput out = output(server.port)) {
            Alert a = TestAlerts.seq(0);
            long t0 = System.nanoTime();
            for (int i = 0; i < N; i++) {
                a.pcapCount = i;
                out.write(a);
            }
            RsyslogDeliveryTest.await("spool drained (all answered)", 60, out.spool()::isDrained);
            long t1 = System.nanoTime();
            // acknowledged means written by rsyslog already (direct queue): no waiting here
            Map<Long, Integer> seen = RsyslogDeliveryTest.seen(server);
            assertEquals(N, seen.size(), "all acknowledged alerts are in rsyslog's file");
            System.out.printf("RELP: %d alerts acknowledged in %.1f ms (%.0f alerts/s), duplicates %d%n", N,
                    (t1 - t0) / 1e6, N / ((t1 - t0) / 1e9), seen.values().stream().mapToLong(v -> v - 1).sum());
            assertEquals(N, out.sender().sentRecords());
        }
    }

    /** SIGKILL rsyslogd twice mid-stream; after the restarts all N are in its files. */
    @Test
    void relpServerKilledMidStreamLosesNothing() throws Exception {
        int port = Rsyslog.freePort();
        Rsyslog[] servers = {
            new Rsyslog(tmp.resolve("rsyslog1"), port, Rsyslog.Input.RELP, "out.log", Rsyslog.RAW),
            new Rsyslog(tmp.resolve("rsyslog2"), port, Rsyslog.Input.RELP, "out.log", Rsyslog.RAW),
            new Rsyslog(tmp.resolve("rsyslog3"), port, Rsyslog.Input.RELP, "out.log", Rsyslog.RAW),
        };
        servers[0].start();
        try (Rsyslog s0 = servers[0]; Rsyslog s1 = servers[1]; Rsyslog s2 = servers[2];
             SyslogAlertOutput out = output(port)) {
            SyslogSender sender = out.sender();
            Alert a = TestAlerts.seq(0);
            for (int i = 0; i < N; i++) {
                a.pcapCount = i;
                out.write(a);
                if (i % 20 == 0) {
                    Thread.sleep(1); // a stream, so the kills land while messages are in flight
                }
                if (i == N * 3 / 10) {
                    s0.kill9();
                    s1.start();
                }
                if (i == N * 6 / 10) {
                    s1.kill9();
                    Thread.sleep(200); // down for a while: alerts pile up in the spool
                    s2.start();
                }
            }
            RsyslogDeliveryTest.await("spool drained (all answered)", 60, out.spool()::isDrained);
            Map<Long, Integer> seen = RsyslogDeliveryTest.seen(servers);
            long dups = seen.values().stream().mapToLong(v -> v - 1).sum();
            System.out.printf("RELP kill -9 twice mid-stream: sent %d, distinct arrived %d, duplicates %d, connects %d,"
                            + " failed batches %d, connect failures %d%n",
                    N, seen.size(), dups, sender.connects(), sender.sendFailures(), sender.connectFailures());
            for (long k = 0; k < N; k++) {
                assertTrue(seen.containsKey(k), "lost alert " + k);
            }
            assertTrue(sender.connects() >= 3, "reconnected after each kill: " + sender.connects());
            assertEquals(0, out.spool().droppedRecords() + out.spool().failedAppends() + out.spool().corruptRecords());
        }
    }
}
