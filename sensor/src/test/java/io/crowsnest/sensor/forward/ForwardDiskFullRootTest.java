package io.crowsnest.sensor.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.crowsnest.sensor.SharedData;
import io.crowsnest.sensor.replay.ReplayOptions;
import io.crowsnest.sensor.replay.ReplayResult;
import io.crowsnest.sensor.replay.ReplayRunner;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk under a running sensor's forwarding spool (a real 2 MiB tmpfs, all but 128 KiB filled): the
 * replay keeps detecting (every alert in eve.json), says how many alerts the forward target could not
 * spool, exits 0; once space returns, the next run appends again and delivers what was spooled.
 */
@Tag("root")
class ForwardDiskFullRootTest {
    @Test
    void aFullSpoolDiskIsCountedAndDetectionGoesOn(@TempDir Path dir) throws Exception {
        if (!"0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).strip())) {
            fail("ForwardDiskFullRootTest needs root to mount a tmpfs (run the \"root\" tests as root)");
        }
        Path spool = Files.createDirectories(dir.resolve("spool"));
        run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", spool.toString());
        try {
            Path filler = spool.resolve("filler");
            Files.write(filler, new byte[1920 * 1024]); // leaves ~128 KiB: room for ~180 alerts, not hundreds
            Path rules = dir.resolve("every.rules");
            Files.writeString(rules, "alert tcp any any -> any any (msg:\"every TCP packet\"; sid:1;)\n");
            int port;
            try (ServerSocket closed = new ServerSocket(0)) {
                port = closed.getLocalPort(); // nothing listens there during the first run
            }
            ReplayResult first = replay(dir.resolve("out1"), rules, spool, port);
            assertEquals(0, first.exitCode);
            long eve = Files.readAllLines(dir.resolve("out1/eve.json")).size();
            assertEquals(first.alerts, eve, "every alert reached eve.json");
            assertTrue(first.alerts > 500, "alerts: " + first.alerts);
            long failed = first.drops.entrySet().stream().filter(e -> e.getKey().contains("write failed (disk full?)"))
                    .mapToLong(Map.Entry::getValue).sum();
            assertTrue(failed > 0 && failed < first.alerts, "the summary counts the alerts the full disk refused: " + first.drops);
            long spooled = first.alerts - failed;
            System.out.printf("disk full under a running replay: %d alerts, %d spooled, %d refused by the full disk (%s)%n",
                    first.alerts, spooled, failed, first.drops);

            // space returns and the receiver is up: the next run spools again and everything spooled arrives
            Files.delete(filler);
            AtomicLong received = new AtomicLong();
            try (ServerSocket receiver = new ServerSocket(port)) {
                Thread t = new Thread(() -> count(receiver, received), "receiver");
                t.setDaemon(true);
                t.start();
                ReplayResult second = replay(dir.resolve("out2"), rules, spool, port);
                assertEquals(0, second.exitCode);
                long failedAgain = second.drops.entrySet().stream().filter(e -> e.getKey().contains("write failed"))
                        .mapToLong(Map.Entry::getValue).sum();
                assertEquals(0, failedAgain, "with space back nothing is refused: " + second.drops);
                long want = spooled + second.alerts;
                long end = System.currentTimeMillis() + 60_000;
                while (received.get() < want && System.currentTimeMillis() < end) {
                    Thread.sleep(100);
                }
                assertEquals(want, received.get(), "the first run's spooled alerts and the second run's all arrive");
            }
        } finally {
            run("umount", spool.toString());
        }
    }

    private static ReplayResult replay(Path out, Path rules, Path spool, int port) throws Exception {
        ReplayOptions o = new ReplayOptions();
        o.files.add(SharedData.projectRoot().resolve("pcaps/lab/behaviour/benign-check.pcap"));
        o.defaultRules = false;
        o.behaviour = false;
        o.ruleFiles.add(rules);
        o.outDir = out;
        o.forward.add("syslog+tcp://127.0.0.1:" + port);
        o.spoolDir = spool;
        o.spoolCapMb = 64;
        return new ReplayRunner(o, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run();
    }

    /** Counts RFC 6587 octet-counted frames ("LEN SP MSG") from every connection. */
    private static void count(ServerSocket server, AtomicLong frames) {
        while (!server.isClosed()) {
            try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                while (true) {
                    int len = 0, c;
                    while ((c = in.read()) >= '0' && c <= '9') {
                        len = len * 10 + (c - '0');
                    }
                    if (c < 0) {
                        break;
                    }
                    if (in.readNBytes(len).length < len) {
                        break;
                    }
                    frames.incrementAndGet();
                }
            } catch (java.io.IOException closed) {
                return;
            }
        }
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
    }
}
