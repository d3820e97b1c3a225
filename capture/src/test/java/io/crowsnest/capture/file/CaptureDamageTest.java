package io.crowsnest.capture.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.crowsnest.decoders.LinkType;
import io.crowsnest.decoders.Packet;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Truncated and corrupt captures: earlier records come back, then one clear CaptureFormatException. */
class CaptureDamageTest {
    @TempDir
    Path dir;

    private final Packet packet = new Packet();

    // ---- truncation sweeps ----------------------------------------------------------------------

    @Test
    void classicPcapCutAtEveryOffset() throws IOException {
        Path whole = dir.resolve("whole.pcap");
        List<Long> recordStarts = new ArrayList<>();
        long offset = 24;
        try (PcapWriter writer = PcapWriter.create(whole, LinkType.ETHERNET, 65535, PcapWriter.Resolution.NANOS)) {
            for (int i = 0; i < 6; i++) {
                byte[] data = PcapngReaderTest.bytes(i * 11 + 1, i);
                writer.write(100 + i, i, data, 0, data.length);
                recordStarts.add(offset);
                offset += 16 + data.length;
            }
        }
        byte[] bytes = Files.readAllBytes(whole);
        assertEquals(offset, bytes.length);
        for (int cut = 0; cut <= bytes.length; cut++) {
            Path file = writeCut(bytes, cut, "cut.pcap");
            if (cut < 24) {
                assertOpenFails(file, 0);
                continue;
            }
            // records starting before the cut: all complete at a boundary, else the last is damaged
            int started = 0;
            while (started < recordStarts.size() && recordStarts.get(started) < cut) {
                started++;
            }
            long complete = started;
            long lastStart = recordStarts.get(Math.max(0, started - 1));
            boolean atBoundary = cut == 24 || recordStarts.contains((long) cut) || cut == bytes.length;
            if (atBoundary) {
                assertReadsCleanly(file, complete);
            } else {
                // the record containing the cut is the damaged one; all before it are complete
                assertRecordsThenDamage(file, complete - 1, lastStart);
            }
        }
    }

    @Test
    void pcapngCutAtEveryOffset() throws IOException {
        PcapngBuilder builder = PcapngReaderTest.sample();
        byte[] bytes = builder.bytes();
        List<PcapngBuilder.Block> blocks = builder.blocks();
        int firstSectionLength = blocks.get(0).length();
        for (int cut = 0; cut <= bytes.length; cut++) {
            Path file = writeCut(bytes, cut, "cut.pcapng");
            if (cut < firstSectionLength) {
                assertOpenFails(file, 0);
                continue;
            }
            long packets = 0;
            PcapngBuilder.Block damaged = null;
            for (PcapngBuilder.Block block : blocks) {
                if (block.offset() + block.length() <= cut) {
                    packets += block.packet() ? 1 : 0;
                } else if (block.offset() < cut) {
                    damaged = block;
                }
            }
            if (damaged == null) {
                assertReadsCleanly(file, packets);
            } else {
                assertRecordsThenDamage(file, packets, damaged.offset());
            }
        }
    }

    // ---- corrupt headers and records ------------------------------------------------------------

    @Test
    void emptyAndTinyFilesAreFormatErrorsAtOffsetZero() throws IOException {
        assertOpenFails(writeCut(new byte[0], 0, "empty.pcap"), 0);
        assertOpenFails(writeCut(new byte[] {(byte) 0xD4, (byte) 0xC3, (byte) 0xB2}, 3, "three.pcap"), 0);
    }

    @Test
    void unknownMagicIsNamed() throws IOException {
        Path file = writeCut("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(), 27, "http.txt");
        CaptureFormatException e = assertOpenFails(file, 0);
        assertEquals("http.txt: not a pcap or pcapng file (magic 0x47455420 at byte offset 0)", e.getMessage());
    }

    @Test
    void recordClaimingMoreThanTheSnaplenIsCorrupt() throws IOException {
        ByteBuffer b = pcapHeader(65535, 64);
        b.putInt(1).putInt(0).putInt(4).putInt(4).putInt(0xCAFEBABE);           // fine
        b.putInt(2).putInt(0).putInt(9_000_000).putInt(9_000_000).putInt(0);     // absurd
        Path file = writeCut(b.array(), b.position(), "huge.pcap");
        CaptureFormatException e = assertRecordsThenDamage(file, 1, 44);
        assertEquals("huge.pcap: record at byte offset 44 claims 9000000 captured bytes, more than the snaplen/limit (262144)",
                e.getMessage());
    }

    @Test
    void truncatedRecordMessageNamesOffsetAndFileSize() throws IOException {
        ByteBuffer b = pcapHeader(65535, 64);
        b.putInt(1).putInt(0).putInt(100).putInt(100).putInt(1).putInt(2);
        Path file = writeCut(b.array(), b.position(), "short.pcap");
        CaptureFormatException e = assertRecordsThenDamage(file, 0, 24);
        assertEquals("short.pcap: truncated record at byte offset 24: needs 116 bytes, 24 remain (file is 48 bytes)",
                e.getMessage());
        Path header = writeCut(b.array(), 24 + 10, "header.pcap");
        e = assertRecordsThenDamage(header, 0, 24);
        assertEquals("header.pcap: truncated record header at byte offset 24 (file is 34 bytes)", e.getMessage());
    }

    @Test
    void pcapngBlockWithInvalidLength() throws IOException {
        byte[] bytes = new PcapngBuilder().section(ByteOrder.LITTLE_ENDIAN)
                .interfaceBlock(LinkType.ETHERNET, 0, null, null)
                .enhancedPacket(0, 1, new byte[8], 8)
                .otherBlock(0x0BAD, 8)
                .bytes();
        int badBlock = bytes.length - 20;
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(badBlock + 4, 7);
        Path file = writeCut(bytes, bytes.length, "seven.pcapng");
        CaptureFormatException e = assertRecordsThenDamage(file, 1, badBlock);
        assertEquals("seven.pcapng: pcapng block at byte offset " + badBlock + " has invalid length 7", e.getMessage());
    }

    @Test
    void pcapngTrailingLengthMismatch() throws IOException {
        PcapngBuilder builder = new PcapngBuilder().section(ByteOrder.BIG_ENDIAN)
                .interfaceBlock(LinkType.ETHERNET, 0, null, null)
                .enhancedPacket(0, 1, new byte[8], 8)
                .enhancedPacket(0, 2, new byte[8], 8);
        byte[] bytes = builder.bytes();
        bytes[bytes.length - 1] ^= 4; // 52 -> 48
        Path file = writeCut(bytes, bytes.length, "trailer.pcapng");
        CaptureFormatException e = assertRecordsThenDamage(file, 1, lastBlock(builder).offset());
        assertTrue(e.getMessage().contains("has trailing length 48 but leading length 52"), e.getMessage());
    }

    @Test
    void pcapngPacketOnUndeclaredInterface() throws IOException {
        // A new section forgets the interfaces of the previous one.
        PcapngBuilder builder = new PcapngBuilder().section(ByteOrder.LITTLE_ENDIAN)
                .interfaceBlock(LinkType.ETHERNET, 0, null, null)
                .interfaceBlock(LinkType.RAW, 0, null, null)
                .enhancedPacket(1, 1, new byte[8], 8)
                .section(ByteOrder.BIG_ENDIAN)
                .interfaceBlock(LinkType.ETHERNET, 0, null, null)
                .enhancedPacket(1, 2, new byte[8], 8);
        long bad = lastBlock(builder).offset();
        Path file = writeCut(builder.bytes(), builder.bytes().length, "iface.pcapng");
        CaptureFormatException e = assertRecordsThenDamage(file, 1, bad);
        assertTrue(e.getMessage().contains("refers to interface 1 but the section has 1"), e.getMessage());
    }

    @Test
    void pcapngCapturedLengthBeyondTheBlock() throws IOException {
        PcapngBuilder builder = new PcapngBuilder().section(ByteOrder.LITTLE_ENDIAN)
                .interfaceBlock(LinkType.ETHERNET, 0, null, null)
                .enhancedPacket(0, 1, new byte[8], 8);
        byte[] bytes = builder.bytes();
        int epb = (int) lastBlock(builder).offset();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(epb + 20, 5000);
        CaptureFormatException e = assertRecordsThenDamage(writeCut(bytes, bytes.length, "caplen.pcapng"), 0, epb);
        // 8 data bytes + 12 option bytes between the fixed fields and the trailer
        assertTrue(e.getMessage().contains("claims 5000 captured bytes but holds only 20"), e.getMessage());
    }

    @Test
    void pcapngBadByteOrderMagicAndVersion() throws IOException {
        byte[] bytes = new PcapngBuilder().section(ByteOrder.LITTLE_ENDIAN).bytes();
        byte[] badMagic = bytes.clone();
        badMagic[8] = 0;
        assertOpenFails(writeCut(badMagic, badMagic.length, "magic.pcapng"), 0);
        byte[] badVersion = bytes.clone();
        badVersion[12] = 2;
        CaptureFormatException e = assertOpenFails(writeCut(badVersion, badVersion.length, "version.pcapng"), 0);
        assertTrue(e.getMessage().contains("unsupported version 2.0"), e.getMessage());
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private static PcapngBuilder.Block lastBlock(PcapngBuilder builder) {
        return builder.blocks().get(builder.blocks().size() - 1);
    }

    private static ByteBuffer pcapHeader(int snaplen, int totalBytes) {
        ByteBuffer b = ByteBuffer.allocate(totalBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(snaplen).putInt(LinkType.ETHERNET);
        return b;
    }

    private Path writeCut(byte[] bytes, int length, String name) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, Arrays.copyOf(bytes, length));
        return file;
    }

    private static CaptureFormatException assertOpenFails(Path file, long offset) {
        CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> {
            try (CaptureFileReader reader = CaptureFileReader.open(file)) {
                fail("opened a damaged file: " + reader.path());
            }
        });
        assertEquals(offset, e.offset());
        assertOneLineNamingFileAndOffset(e, file);
        return e;
    }

    private void assertReadsCleanly(Path file, long records) throws IOException {
        try (CaptureFileReader reader = CaptureFileReader.open(file)) {
            for (long i = 0; i < records; i++) {
                assertTrue(reader.next(packet), file + " size " + Files.size(file) + " record " + i);
            }
            assertFalse(reader.next(packet), file + " size " + Files.size(file) + " should end after " + records);
        }
    }

    private CaptureFormatException assertRecordsThenDamage(Path file, long records, long damagedOffset)
            throws IOException {
        long size = Files.size(file);
        try (CaptureFileReader reader = CaptureFileReader.open(file)) {
            for (long i = 0; i < records; i++) {
                assertTrue(reader.next(packet), "size " + size + ": record " + i);
                assertEquals(i + 1, packet.pcapCount);
            }
            CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> reader.next(packet),
                    "size " + size + " after " + records + " records");
            assertEquals(damagedOffset, e.offset(), "size " + size + ": " + e.getMessage());
            assertEquals(damagedOffset, reader.position(), "position stays at the damaged record");
            assertEquals(records, reader.recordsRead());
            assertOneLineNamingFileAndOffset(e, file);
            // Asking again reports the same damage instead of reading garbage.
            assertEquals(damagedOffset, assertThrows(CaptureFormatException.class, () -> reader.next(packet)).offset());
            return e;
        }
    }

    private static void assertOneLineNamingFileAndOffset(CaptureFormatException e, Path file) {
        String message = e.getMessage();
        assertFalse(message.contains("\n"), message);
        assertTrue(message.startsWith(file.getFileName() + ": "), message);
        assertTrue(message.contains("at byte offset " + e.offset()), message);
    }
}
