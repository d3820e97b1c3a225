package io.crowsnest.outputs.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
    @TempDir
    Path dir;

    final List<String> errors = new CopyOnWriteArrayList<>();

    Spool.Builder spool() {
        return Spool.builder(dir).errors(errors::add);
    }

    static byte[] rec(int i) {
        return ("record-" + i + "-" + "x".repeat(i % 37)).getBytes(StandardCharsets.UTF_8);
    }

    static void append(Spool s, int from, int to) {
        for (int i = from; i < to; i++) {
            byte[] b = rec(i);
            assertTrue(s.append(b, 0, b.length), "append " + i);
        }
    }

    /** Reads everything available, acking each batch; returns the payloads as strings. */
    static List<String> drain(Spool s, boolean ack) throws Exception {
        List<String> out = new ArrayList<>();
        Spool.Batch b = new Spool.Batch();
        while (s.poll(b, 100, 1 << 20, 0) > 0) {
            for (int i = 0; i < b.size(); i++) {
                out.add(new String(b.data(), b.offset(i), b.length(i), StandardCharsets.UTF_8));
            }
            if (ack) {
                s.ack(b.endPosition());
            }
        }
        return out;
    }

    static List<String> expected(int from, int to) {
        List<String> l = new ArrayList<>();
        for (int i = from; i < to; i++) {
            l.add(new String(rec(i), StandardCharsets.UTF_8));
        }
        return l;
    }

    List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void roundTripAcrossSegmentsDeletesAcked() throws Exception {
        try (Spool s = spool().segmentBytes(1000).open()) {
            append(s, 0, 500);
            assertTrue(segments().size() > 5, "rolled segments: " + segments());
            assertEquals(expected(0, 500), drain(s, true));
            assertTrue(s.isDrained());
            assertEquals(1, segments().size(), "acked segments deleted: " + segments());
            append(s, 500, 600);
            assertEquals(expected(500, 600), drain(s, true));
        }
        assertEquals(List.of(), errors);
        assertTrue(Files.exists(dir.resolve("ack")));
    }

    @Test
    void restartResumesFromLastAck() throws Exception {
        try (Spool s = spool().segmentBytes(2000).open()) {
            append(s, 0, 300);
            Spool.Batch b = new Spool.Batch();
            assertEquals(120, s.poll(b, 120, 1 << 20, 0));
            s.ack(b.endPosition());
            // read more but do not ack: these must come again after the restart
            assertEquals(50, s.poll(b, 50, 1 << 20, 0));
        }
        try (Spool s = spool().segmentBytes(2000).open()) {
            append(s, 300, 350);
            assertEquals(expected(120, 350), drain(s, true));
        }
        try (Spool s = spool().segmentBytes(2000).open()) {
            assertEquals(List.of(), drain(s, true));
            assertTrue(s.isDrained());
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void rewindResendsUnacked() throws Exception {
        try (Spool s = spool().open()) {
            append(s, 0, 10);
            Spool.Batch b = new Spool.Batch();
            assertEquals(4, s.poll(b, 4, 1 << 20, 0));
            s.ack(b.endPosition());
            assertEquals(6, s.poll(b, 100, 1 << 20, 0));
            s.rewind();
            assertEquals(expected(4, 10), drain(s, true));
        }
    }

    @Test
    void capDropsNewest() throws Exception {
        int dropped = 0;
        List<String> kept = new ArrayList<>();
        try (Spool s = spool().capBytes(4000).segmentBytes(1000).dropPolicy(Spool.DropPolicy.NEWEST).open()) {
            for (int i = 0; i < 300; i++) {
                byte[] b = rec(i);
                if (s.append(b, 0, b.length)) {
                    kept.add(new String(b, StandardCharsets.UTF_8));
                } else {
                    dropped++;
                }
                assertTrue(s.totalBytes() <= 4000);
            }
            assertTrue(dropped > 0);
            assertEquals(dropped, s.droppedRecords());
            List<String> got = drain(s, true);
            assertEquals(kept, got);
            assertEquals(expected(0, kept.size()), got, "the oldest records are the ones kept");
            // after draining there is room again
            append(s, 1000, 1010);
            assertEquals(expected(1000, 1010), drain(s, true));
        }
        assertTrue(errors.stream().anyMatch(e -> e.contains("dropping newest")), errors.toString());
    }

    @Test
    void capDropsOldest() throws Exception {
        try (Spool s = spool().capBytes(4000).segmentBytes(1000).dropPolicy(Spool.DropPolicy.OLDEST).open()) {
            append(s, 0, 300);
            assertTrue(s.totalBytes() <= 4000);
            long dropped = s.droppedRecords();
            assertTrue(dropped > 0);
            List<String> got = drain(s, true);
            assertEquals(300, dropped + got.size(), "every record is either delivered or counted");
            assertEquals(expected((int) dropped, 300), got, "the newest records are the ones kept");
        }
        assertTrue(errors.stream().anyMatch(e -> e.contains("unacknowledged records")), errors.toString());
    }

    @Test
    void dropOldestCountsOnlyUnackedRecords() throws Exception {
        try (Spool s = spool().capBytes(3000).segmentBytes(1000).open()) {
            append(s, 0, 20);
            Spool.Batch b = new Spool.Batch();
            s.poll(b, 5, 1 << 20, 0);
            s.ack(b.endPosition());
            append(s, 20, 200);
            long dropped = s.droppedRecords();
            List<String> got = drain(s, true);
            assertEquals(195, dropped + got.size());
        }
    }

    @Test
    void tornTailIsTruncatedAndReported() throws Exception {
        try (Spool s = spool().open()) {
            append(s, 0, 10);
        }
        Path seg = segments().get(segments().size() - 1);
        long size = Files.size(seg);
        // simulate a crash in the middle of an append: a header and half a payload
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            f.seek(size);
            f.writeInt(100);
            f.writeInt(12345);
            f.write(new byte[40]);
        }
        try (Spool s = spool().open()) {
            assertEquals(1, s.corruptRecords());
            append(s, 10, 15);
            assertEquals(expected(0, 15), drain(s, true));
        }
        assertEquals(1, errors.size(), errors.toString());
        String e = errors.get(0);
        assertTrue(e.contains(seg.toString()) && e.contains("offset " + size) && e.contains("torn"), e);
        assertFalse(e.contains("\n"));
    }

    @Test
    void badCrcInTheMiddleIsSkippedAndReported() throws Exception {
        long offsetOf5;
        try (Spool s = spool().open()) {
            append(s, 0, 5);
            offsetOf5 = 0;
            for (int i = 0; i < 5; i++) {
                offsetOf5 += Spool.HEADER + rec(i).length;
            }
            append(s, 5, 10);
        }
        Path seg = segments().get(0);
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            long at = offsetOf5 + Spool.HEADER + 3; // a payload byte of record 5
            f.seek(at);
            int v = f.read();
            f.seek(at);
            f.write(v ^ 0x20);
        }
        try (Spool s = spool().open()) {
            List<String> want = expected(0, 10);
            want.remove(5);
            assertEquals(want, drain(s, true));
            assertEquals(1, s.corruptRecords());
        }
        assertEquals(1, errors.size(), errors.toString());
        String e = errors.get(0);
        assertTrue(e.contains(seg.toString()) && e.contains("offset " + offsetOf5) && e.contains("checksum"), e);
    }

    @Test
    void badLengthInTheMiddleSkipsRestOfSegment() throws Exception {
        try (Spool s = spool().segmentBytes(300).open()) {
            append(s, 0, 30);
        }
        List<Path> segs = segments();
        assertTrue(segs.size() >= 3);
        Path victim = segs.get(1);
        try (RandomAccessFile f = new RandomAccessFile(victim.toFile(), "rw")) {
            f.seek(0);
            f.writeInt(0x7fffff00);
        }
        List<String> got;
        try (Spool s = spool().segmentBytes(300).open()) {
            got = drain(s, true);
        }
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains(victim + " offset 0: bad record length"), errors.get(0));
        // every record outside the damaged segment is still delivered, in order
        assertTrue(got.size() < 30 && got.size() > 10, got.toString());
        assertEquals(expected(0, 30).stream().filter(got::contains).collect(Collectors.toList()), got);
        assertTrue(got.contains(new String(rec(29), StandardCharsets.UTF_8)));
    }

    @Test
    void concurrentAppendAndConsume() throws Exception {
        int n = 200_000;
        try (Spool s = spool().segmentBytes(64 * 1024).capBytes(1L << 30).open()) {
            AtomicReference<Throwable> fail = new AtomicReference<>();
            List<String> got = Collections.synchronizedList(new ArrayList<>());
            Thread consumer = new Thread(() -> {
                Spool.Batch b = new Spool.Batch();
                try {
                    while (got.size() < n) {
                        int k = s.poll(b, 500, 1 << 20, 100);
                        for (int i = 0; i < k; i++) {
                            got.add(new String(b.data(), b.offset(i), b.length(i), StandardCharsets.UTF_8));
                        }
                        if (k > 0) {
                            s.ack(b.endPosition());
                        }
                    }
                } catch (Throwable t) {
                    fail.set(t);
                }
            });
            consumer.start();
            append(s, 0, n);
            consumer.join(60_000);
            assertFalse(consumer.isAlive(), "consumer finished");
            if (fail.get() != null) {
                throw new AssertionError(fail.get());
            }
            assertEquals(expected(0, n), got);
            assertTrue(s.isDrained());
            assertEquals(1, segments().size());
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void oversizeRecordIsDroppedAndCounted() throws Exception {
        try (Spool s = spool().maxRecordBytes(100).open()) {
            byte[] big = new byte[101];
            assertFalse(s.append(big, 0, big.length));
            assertEquals(1, s.droppedRecords());
            append(s, 0, 3);
            assertEquals(expected(0, 3), drain(s, true));
        }
    }
}
