package io.crowsnest.capture.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.decoders.LinkType;
import io.crowsnest.decoders.Packet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Classic pcap: PcapWriter output read back by CaptureFileReader, plus hand-built big-endian files. */
class PcapRoundTripTest {
    @TempDir
    Path dir;

    private static final int RECORDS = 300;

    /** Deterministic packet i: varied lengths (including 0) and sub-second parts. */
    private static byte[] payload(int i) {
        byte[] data = new byte[(i * 37) % 1519];
        for (int j = 0; j < data.length; j++) {
            data[j] = (byte) (i * 31 + j);
        }
        return data;
    }

    private static long seconds(int i) {
        return 1_700_000_000L + i * 3L;
    }

    private static int nanos(int i) {
        return (int) ((i * 123_456_789L) % 1_000_000_000L);
    }

    private Path writeSample(PcapWriter.Resolution resolution) throws IOException {
        Path file = dir.resolve("sample-" + resolution + ".pcap");
        try (PcapWriter writer = PcapWriter.create(file, LinkType.ETHERNET, 65535, resolution)) {
            for (int i = 0; i < RECORDS; i++) {
                byte[] data = payload(i);
                writer.write(seconds(i), nanos(i), data, 0, data.length);
            }
            assertEquals(RECORDS, writer.recordsWritten());
        }
        return file;
    }

    @ParameterizedTest
    @EnumSource(PcapWriter.Resolution.class)
    void writtenRecordsReadBackWithEveryField(PcapWriter.Resolution resolution) throws IOException {
        assertReadsSample(writeSample(resolution), resolution, MappedFile.DEFAULT_WINDOW_BYTES);
    }

    /** Tiny windows force a remap for nearly every record, including records bigger than the window. */
    @ParameterizedTest
    @ValueSource(ints = {64, 100, 1000, 4096})
    void smallMappingWindowsGiveTheSameRecords(int windowBytes) throws IOException {
        assertReadsSample(writeSample(PcapWriter.Resolution.NANOS), PcapWriter.Resolution.NANOS, windowBytes);
    }

    private void assertReadsSample(Path file, PcapWriter.Resolution resolution, int windowBytes) throws IOException {
        Packet p = new Packet();
        try (CaptureFileReader reader = CaptureFileReader.open(file, windowBytes)) {
            assertEquals(CaptureFormat.PCAP, reader.format());
            assertEquals(LinkType.ETHERNET, reader.linkType());
            assertEquals(file, reader.path());
            assertEquals(24, reader.position());
            long expectedPosition = 24;
            for (int i = 0; i < RECORDS; i++) {
                assertTrue(reader.next(p), "record " + i);
                byte[] data = payload(i);
                assertEquals(data.length, p.length);
                assertEquals(data.length, p.wireLength);
                assertArrayEquals(data, Arrays.copyOf(p.data, p.length));
                assertEquals(seconds(i), p.tsSeconds);
                int expectedNanos = resolution == PcapWriter.Resolution.NANOS ? nanos(i) : nanos(i) / 1000 * 1000;
                assertEquals(expectedNanos, p.tsNanos);
                assertEquals(LinkType.ETHERNET, p.linkType);
                assertEquals(0, p.interfaceId);
                assertEquals(i + 1, p.pcapCount);
                expectedPosition += 16 + data.length;
                assertEquals(expectedPosition, reader.position());
            }
            assertFalse(reader.next(p));
            assertFalse(reader.next(p), "EOF is sticky");
            assertEquals(RECORDS, reader.recordsRead());
            assertEquals(0, reader.truncatedRecords());
            assertEquals(Files.size(file), reader.position());
        }
    }

    @Test
    void streamAndFileWritersProduceTheSameBytes() throws IOException {
        Path file = dir.resolve("f.pcap");
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        Random random = new Random(7);
        byte[] big = new byte[3 << 20]; // bigger than the writer's buffer: written in pieces
        random.nextBytes(big);
        try (PcapWriter toFile = PcapWriter.create(file, LinkType.RAW, 8 << 20, PcapWriter.Resolution.MICROS);
             PcapWriter toStream = PcapWriter.create(stream, LinkType.RAW, 8 << 20, PcapWriter.Resolution.MICROS)) {
            for (int i = 0; i < 2000; i++) {
                int len = random.nextInt(2000);
                toFile.write(i, i * 1000, big, i, len);
                toStream.write(i, i * 1000, big, i, len);
            }
            toFile.write(5, 0, big, 0, big.length);
            toStream.write(5, 0, big, 0, big.length);
        }
        assertArrayEquals(Files.readAllBytes(file), stream.toByteArray());
    }

    @Test
    void writerTruncatesToItsSnaplenAndKeepsTheWireLength() throws IOException {
        Path file = dir.resolve("snap.pcap");
        byte[] data = payload(40);
        try (PcapWriter writer = PcapWriter.create(file, LinkType.ETHERNET, 100, PcapWriter.Resolution.MICROS)) {
            writer.write(1, 2000, data, 0, data.length);
            Packet original = new Packet().load(data, LinkType.ETHERNET);
            original.length = 60;
            original.wireLength = 1400;
            original.tsSeconds = 9;
            original.tsNanos = 999_999_999;
            writer.write(original);
        }
        Packet p = new Packet();
        try (CaptureFileReader reader = CaptureFileReader.open(file)) {
            assertTrue(reader.next(p));
            assertEquals(100, p.length);
            assertEquals(data.length, p.wireLength);
            assertArrayEquals(Arrays.copyOf(data, 100), Arrays.copyOf(p.data, 100));
            assertEquals(1, p.tsSeconds);
            assertEquals(2_000, p.tsNanos);
            assertTrue(reader.next(p));
            assertEquals(60, p.length);
            assertEquals(1400, p.wireLength);
            assertEquals(9, p.tsSeconds);
            assertEquals(999_999_000, p.tsNanos);
            assertFalse(reader.next(p));
            assertEquals(0, reader.truncatedRecords(), "the reader did not have to truncate");
        }
    }

    /** Hand-built big-endian files: both magics, link type with FCS bits that must be masked off. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void bigEndianFilesAreRead(boolean nanosecondMagic) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(24 + 16 + 5 + 16 + 3).order(ByteOrder.BIG_ENDIAN);
        b.putInt(nanosecondMagic ? 0xA1B23C4D : 0xA1B2C3D4).putShort((short) 2).putShort((short) 4)
                .putInt(0).putInt(0).putInt(65535)
                .putInt(0x4400_0000 | LinkType.LINUX_SLL); // "FCS present, 4 bytes" | SLL
        b.putInt(0x6553_F100).putInt(nanosecondMagic ? 999_999_999 : 999_999).putInt(5).putInt(60)
                .put(new byte[] {1, 2, 3, 4, 5});
        // A sub-second field of more than one second is carried into the seconds.
        b.putInt(10).putInt(nanosecondMagic ? (int) 2_500_000_000L : 2_500_000).putInt(3).putInt(3)
                .put(new byte[] {7, 8, 9});
        Path file = dir.resolve("be.pcap");
        Files.write(file, b.array());

        Packet p = new Packet();
        try (CaptureFileReader reader = CaptureFileReader.open(file)) {
            assertEquals(LinkType.LINUX_SLL, reader.linkType());
            assertTrue(reader.next(p));
            assertEquals(0x6553_F100L, p.tsSeconds);
            assertEquals(999_999_999 - (nanosecondMagic ? 0 : 999), p.tsNanos);
            assertEquals(5, p.length);
            assertEquals(60, p.wireLength);
            assertEquals(LinkType.LINUX_SLL, p.linkType);
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, Arrays.copyOf(p.data, 5));
            assertTrue(reader.next(p));
            assertEquals(12, p.tsSeconds);
            assertEquals(500_000_000, p.tsNanos);
            assertEquals(2, p.pcapCount);
            assertArrayEquals(new byte[] {7, 8, 9}, Arrays.copyOf(p.data, 3));
            assertFalse(reader.next(p));
        }
    }

    /** A record bigger than Packet.MAX_LENGTH (but within the file's snaplen) is cut and counted. */
    @Test
    void recordsBeyondThePacketCapacityAreTruncatedAndCounted() throws IOException {
        Path file = dir.resolve("jumbo.pcap");
        byte[] jumbo = new byte[300_000];
        new Random(1).nextBytes(jumbo);
        try (PcapWriter writer = PcapWriter.create(file, LinkType.ETHERNET, 1 << 20, PcapWriter.Resolution.MICROS)) {
            writer.write(1, 0, jumbo, 0, jumbo.length);
            writer.write(2, 0, jumbo, 0, 1000);
        }
        Packet p = new Packet();
        try (CaptureFileReader reader = CaptureFileReader.open(file, 4096)) {
            assertTrue(reader.next(p));
            assertEquals(Packet.MAX_LENGTH, p.length);
            assertEquals(300_000, p.wireLength);
            assertArrayEquals(Arrays.copyOf(jumbo, Packet.MAX_LENGTH), p.data);
            assertTrue(reader.next(p));
            assertEquals(1000, p.length);
            assertFalse(reader.next(p));
            assertEquals(1, reader.truncatedRecords());
        }
        // A smaller ring slot truncates to its own capacity.
        Packet small = new Packet(512);
        try (CaptureFileReader reader = CaptureFileReader.open(file)) {
            assertTrue(reader.next(small));
            assertTrue(reader.next(small));
            assertEquals(512, small.length);
            assertEquals(1000, small.wireLength);
            assertEquals(2, reader.truncatedRecords());
        }
    }

    @Test
    void headerOnlyFileIsEmpty() throws IOException {
        Path file = dir.resolve("empty.pcap");
        PcapWriter.create(file, LinkType.NULL).close();
        assertEquals(24, Files.size(file));
        try (CaptureFileReader reader = CaptureFileReader.open(file)) {
            assertEquals(LinkType.NULL, reader.linkType());
            assertFalse(reader.next(new Packet()));
            assertEquals(0, reader.recordsRead());
        }
    }
}
