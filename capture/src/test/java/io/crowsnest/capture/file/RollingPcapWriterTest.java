package io.crowsnest.capture.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.decoders.LinkType;
import io.crowsnest.decoders.Packet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RollingPcapWriterTest {

    private static Packet packet(int n, int linkType) {
        Packet p = new Packet(2048);
        p.length = 1000;
        p.wireLength = 1000;
        p.linkType = linkType;
        p.tsSeconds = 1_795_000_000L + n;
        p.tsNanos = 123_456_789;
        p.data[0] = (byte) n;
        return p;
    }

    private static long count(Path pcap, int[] firstByteOut) throws IOException {
        long n = 0;
        try (CaptureFileReader r = CaptureFileReader.open(pcap)) {
            Packet p = new Packet(4096);
            while (r.next(p)) {
                if (n == 0) {
                    firstByteOut[0] = p.data[0];
                }
                n++;
                assertEquals(1000, p.length);
                assertEquals(123_456_789, p.tsNanos);
            }
        }
        return n;
    }

    @Test
    void rotatesBySizeAndKeepsOnlyTheNewestFiles(@TempDir Path dir) throws IOException {
        try (RollingPcapWriter w = new RollingPcapWriter(dir, 10 * 1016 + 24, 3)) {
            for (int i = 0; i < 55; i++) {
                w.write(packet(i, LinkType.ETHERNET));
            }
            w.flush();
            List<Path> files = w.files();
            assertEquals(3, files.size(), files.toString());
            assertEquals("capture-000004.pcap", files.get(0).getFileName().toString());
            assertFalse(Files.exists(dir.resolve("capture-000001.pcap")), "the oldest files are deleted");
            assertEquals(55, w.written());
        }
        int[] first = new int[1];
        assertEquals(10, count(dir.resolve("capture-000004.pcap"), first));
        assertEquals(30, first[0], "file 4 starts with packet 30");
        assertEquals(5, count(dir.resolve("capture-000006.pcap"), first));
    }

    @Test
    void aNewLinkTypeStartsANewFileAndARestartContinuesTheNumbering(@TempDir Path dir) throws IOException {
        try (RollingPcapWriter w = new RollingPcapWriter(dir, 1 << 20, 10)) {
            w.write(packet(1, LinkType.ETHERNET));
            w.write(packet(2, LinkType.LINUX_SLL));
            w.write(packet(3, LinkType.LINUX_SLL));
        }
        try (CaptureFileReader r = CaptureFileReader.open(dir.resolve("capture-000002.pcap"))) {
            assertEquals(LinkType.LINUX_SLL, r.linkType());
        }
        try (RollingPcapWriter w = new RollingPcapWriter(dir, 1 << 20, 10)) {
            w.write(packet(4, LinkType.ETHERNET));
            assertTrue(w.files().get(w.files().size() - 1).endsWith("capture-000003.pcap"), w.files().toString());
            assertEquals(3, w.files().size());
        }
    }
}
