package io.crowsnest.outputs.eve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.decoders.Packet;
import io.crowsnest.detection.alert.Alert;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EveFileTest {
    private static Alert alert(long sid) {
        Alert a = new Alert();
        a.tsSeconds = 1_795_000_000L;
        a.ipVersion = 4;
        a.srcLo = Packet.V4_MAPPED_LO_PREFIX | 0x0AF40101L;
        a.dstLo = Packet.V4_MAPPED_LO_PREFIX | 0x0AF40202L;
        a.ipProto = 6;
        a.icmpType = -1;
        a.signature("allowed", 1, sid, 1, "m", "c", 2, Map.of());
        return a;
    }

    private static List<Path> rotated(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("eve.json.")).sorted().collect(Collectors.toList());
        }
    }

    /** Every line of every file, decompressing .gz. */
    private static List<String> allLines(Path dir) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Path p : rotated(dir)) {
            if (p.toString().endsWith(".gz")) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
                    lines.addAll(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().collect(Collectors.toList()));
                }
            } else if (!p.toString().endsWith(".tmp")) {
                lines.addAll(Files.readAllLines(p));
            }
        }
        lines.addAll(Files.readAllLines(dir.resolve("eve.json")));
        return lines;
    }

    @Test
    void rotatesBySizeAtRecordBoundariesWithoutLosingOrSplittingARecord(@TempDir Path dir) throws IOException {
        AtomicLong clock = new AtomicLong(1_000);
        EveFile file = new EveFile(dir.resolve("eve.json"), 2_000, 0, false, clock::get);
        EveAlertWriter w = new EveAlertWriter(file);
        for (int i = 0; i < 100; i++) {
            clock.addAndGet(1_000); // distinct rotation names
            w.write(alert(i));
        }
        w.close();
        assertTrue(file.rotations() >= 5, "rotations: " + file.rotations());
        for (Path p : rotated(dir)) {
            assertTrue(Files.size(p) < 2_000 + 400, p + " " + Files.size(p));
            for (String line : Files.readAllLines(p)) {
                assertTrue(line.startsWith("{") && line.endsWith("}"), "whole records only: " + line);
            }
        }
        List<String> lines = allLines(dir);
        assertEquals(100, lines.size());
        for (int i = 0; i < 100; i++) {
            assertTrue(lines.get(i).contains("\"signature_id\":" + i + ","), lines.get(i));
        }
    }

    @Test
    void rotatesByAgeAndCompresses(@TempDir Path dir) throws Exception {
        AtomicLong clock = new AtomicLong(0);
        EveFile file = new EveFile(dir.resolve("eve.json"), 0, 60_000, true, clock::get);
        EveAlertWriter w = new EveAlertWriter(file);
        w.write(alert(1));
        clock.set(30_000);
        w.write(alert(2));
        clock.set(61_000);
        w.write(alert(3)); // the file is a minute old: rotated before this record
        w.close();
        assertEquals(1, file.rotations());
        long deadline = System.currentTimeMillis() + 10_000;
        while (rotated(dir).stream().noneMatch(p -> p.toString().endsWith(".gz")) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        List<Path> r = rotated(dir);
        assertTrue(r.size() == 1 && r.get(0).toString().endsWith(".gz"), r.toString());
        List<String> lines = allLines(dir);
        assertEquals(3, lines.size());
        assertTrue(lines.get(2).contains("\"signature_id\":3,"));
        assertEquals(1, Files.readAllLines(dir.resolve("eve.json")).size());
    }

    @Test
    void reopensAfterLogrotateMovedTheFile(@TempDir Path dir) throws IOException {
        EveFile file = EveFile.plain(dir.resolve("eve.json"));
        EveAlertWriter w = new EveAlertWriter(file);
        w.write(alert(1));
        w.flush();
        Files.move(dir.resolve("eve.json"), dir.resolve("eve.json.1")); // logrotate's move
        w.write(alert(2)); // still the old (moved) file: no reopen asked yet
        file.requestReopen(); // SIGHUP
        w.write(alert(3));
        w.close();
        assertEquals(1, file.reopens());
        assertEquals(2, Files.readAllLines(dir.resolve("eve.json.1")).size());
        List<String> current = Files.readAllLines(dir.resolve("eve.json"));
        assertEquals(1, current.size());
        assertTrue(current.get(0).contains("\"signature_id\":3,"));
    }
}
