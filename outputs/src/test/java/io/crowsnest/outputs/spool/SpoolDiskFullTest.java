package io.crowsnest.outputs.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Disk full on a real, tiny tmpfs mounted by the test (needs root). */
@Tag("root")
class SpoolDiskFullTest {
    @TempDir
    Path tmp;

    static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
        }
    }

    static boolean isRoot() throws Exception {
        Process p = new ProcessBuilder("id", "-u").start();
        String uid = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor(10, TimeUnit.SECONDS);
        return "0".equals(uid);
    }

    @Test
    void diskFullIsCountedAndAppendsRecoverWhenSpaceReturns() throws Exception {
        if (!isRoot()) {
            fail("SpoolDiskFullTest needs root to mount a 256 KiB tmpfs (run the \"root\" tests as root)");
        }
        Path mnt = Files.createDirectory(tmp.resolve("mnt"));
        run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mnt.toString());
        try {
            List<String> errors = new CopyOnWriteArrayList<>();
            Path dir = mnt.resolve("spool");
            List<String> spooled = new ArrayList<>();
            byte[] pad = "p".repeat(300).getBytes(StandardCharsets.UTF_8);
            try (Spool s = Spool.builder(dir).capBytes(16L << 20).segmentBytes(32 * 1024).errors(errors::add).open()) {
                int i = 0;
                // fill the file system (far below the cap: the disk is the limit)
                for (; i < 5000; i++) {
                    byte[] b = (i + ":" + new String(pad, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                    if (s.append(b, 0, b.length)) {
                        spooled.add(i + ":");
                    }
                }
                long failed = s.failedAppends();
                System.out.println("disk full: spooled " + spooled.size() + ", failed appends " + failed
                        + ", errors logged " + errors.size());
                assertTrue(failed > 0, "the 256 KiB tmpfs filled up");
                assertEquals(5000, spooled.size() + failed);
                assertEquals(0, s.droppedRecords());
                assertTrue(errors.size() < 20, "failures are logged sparsely: " + errors.size());
                // consume and acknowledge: the segments are deleted, space returns
                List<String> got = new ArrayList<>();
                Spool.Batch batch = new Spool.Batch();
                while (s.poll(batch, 100, 1 << 20, 0) > 0) {
                    for (int k = 0; k < batch.size(); k++) {
                        String r = new String(batch.data(), batch.offset(k), batch.length(k), StandardCharsets.UTF_8);
                        got.add(r.substring(0, r.indexOf(':') + 1));
                    }
                    s.ack(batch.endPosition());
                }
                assertEquals(spooled, got, "every spooled record reads back intact");
                assertEquals(0, s.corruptRecords(), errors.toString());
                // appends work again
                for (int k = 0; k < 100; k++, i++) {
                    byte[] b = (i + ":").getBytes(StandardCharsets.UTF_8);
                    assertTrue(s.append(b, 0, b.length), "append after space returned");
                }
                assertEquals(100, s.poll(batch, 1000, 1 << 20, 0));
                s.ack(batch.endPosition());
            }
        } finally {
            run("umount", mnt.toString());
        }
    }
}
