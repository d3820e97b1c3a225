package io.crowsnest.capture.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.decoders.LinkType;
import io.crowsnest.decoders.Packet;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PcapngReaderTest {
    @TempDir
    Path dir;

    static final int TSRESOL_NANOS = 9;            // 10^-9
    static final int TSRESOL_BINARY_20 = 0x80 | 20; // 2^-20
    static final int TSRESOL_MILLIS = 3;

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i * 7);
        }
        return b;
    }

    /**
     * Section 1 (little-endian): ether @ 10^-9, raw @ 2^-20 + 100 s offset and snaplen 64, skipped
     * blocks between packets, EPBs on both interfaces, SPBs, an obsolete Packet Block.
     * Section 2 (big-endian): a fresh interface list, SLL @ default 10^-6, ether @ 10^-3 snaplen 32.
     */
    static PcapngBuilder sample() {
        return new PcapngBuilder()
                .section(ByteOrder.LITTLE_ENDIAN)
                .interfaceBlock(LinkType.ETHERNET, 0, TSRESOL_NANOS, null)
                .otherBlock(4, 13)                // Name Resolution Block
                .interfaceBlock(LinkType.RAW, 64, TSRESOL_BINARY_20, 100L)
                .enhancedPacket(0, 1_700_000_000_123_456_789L, bytes(60, 1), 60)
                .enhancedPacket(1, (1_600_000_000L << 20) | (1 << 19), bytes(41, 2), 1500)
                .otherBlock(5, 24)                // Interface Statistics Block
                .enhancedPacket(1, (1_600_000_001L << 20) | 1, bytes(4, 3), 4)
                .simplePacket(bytes(48, 4), 80)   // captured = the 48 bytes in the block
                .simplePacket(bytes(50, 5), 50)   // padded to 52 in the block, captured 50
                .obsoletePacket(1, (1_600_000_002L << 20) | (3 << 18), bytes(30, 6), 30)
                .otherBlock(0x40000BAD, 8)        // custom block
                .section(ByteOrder.BIG_ENDIAN)
                .interfaceBlock(LinkType.LINUX_SLL, 0, null, null)
                .interfaceBlock(LinkType.ETHERNET, 32, TSRESOL_MILLIS, -5L)
                .enhancedPacket(1, 1_400_000_000_999L, bytes(20, 7), 20)
                .enhancedPacket(0, 1_500_000_000_654_321L, bytes(100, 8), 120)
                .simplePacket(bytes(12, 9), 12)
                .otherBlock(0x0BAD, 4);
    }

    /** What {@link #sample()} must read back as, in order. */
    record Expected(int iface, int linkType, long seconds, int nanos, byte[] data, int wireLength) {}

    static final Expected[] SAMPLE_PACKETS = {
        new Expected(0, LinkType.ETHERNET, 1_700_000_000L, 123_456_789, bytes(60, 1), 60),
        new Expected(1, LinkType.RAW, 1_600_000_100L, 500_000_000, bytes(41, 2), 1500),
        new Expected(1, LinkType.RAW, 1_600_000_101L, 953, bytes(4, 3), 4),            // 2^-20 s = 953.67 ns
        new Expected(0, LinkType.ETHERNET, 0, 0, bytes(48, 4), 80),
        new Expected(0, LinkType.ETHERNET, 0, 0, bytes(50, 5), 50),
        new Expected(1, LinkType.RAW, 1_600_000_102L, 750_000_000, bytes(30, 6), 30),
        new Expected(1, LinkType.ETHERNET, 1_399_999_995L, 999_000_000, bytes(20, 7), 20),
        new Expected(0, LinkType.LINUX_SLL, 1_500_000_000L, 654_321_000, bytes(100, 8), 120),
        new Expected(0, LinkType.LINUX_SLL, 0, 0, bytes(12, 9), 12),
    };

    @ParameterizedTest
    @ValueSource(ints = {MappedFile.DEFAULT_WINDOW_BYTES, 64, 100, 256})
    void readsEveryBlockKindAcrossSectionsAndInterfaces(int windowBytes) throws IOException {
        Path file = dir.resolve("sample.pcapng");
        Files.write(file, sample().bytes());
        Packet p = new Packet();
        try (CaptureFileReader reader = CaptureFileReader.open(file, windowBytes)) {
            assertEquals(CaptureFormat.PCAPNG, reader.format());
            for (int i = 0; i < SAMPLE_PACKETS.length; i++) {
                Expected e = SAMPLE_PACKETS[i];
                assertTrue(reader.next(p), "packet " + i);
                assertEquals(e.iface(), p.interfaceId, "interface of packet " + i);
                assertEquals(e.linkType(), p.linkType, "link type of packet " + i);
                assertEquals(e.seconds(), p.tsSeconds, "seconds of packet " + i);
                assertEquals(e.nanos(), p.tsNanos, "nanos of packet " + i);
                assertEquals(e.data().length, p.length, "length of packet " + i);
                assertArrayEquals(e.data(), Arrays.copyOf(p.data, p.length), "data of packet " + i);
                assertEquals(e.wireLength(), p.wireLength, "wire length of packet " + i);
                assertEquals(i + 1, p.pcapCount);
            }
            assertEquals(LinkType.LINUX_SLL, reader.linkType(), "interface 0 of the current section");
            assertFalse(reader.next(p));
            assertEquals(SAMPLE_PACKETS.length, reader.recordsRead());
            assertEquals(Files.size(file), reader.position());
        }
    }

    @Test
    void simplePacketIsCutToTheInterfaceSnaplen() throws IOException {
        Path file = dir.resolve("spb.pcapng");
        Files.write(file, new PcapngBuilder().section(ByteOrder.BIG_ENDIAN)
                .interfaceBlock(LinkType.ETHERNET, 32, null, null)
                .simplePacket(bytes(40, 1), 40)
                .bytes());
        Packet p = new Packet();
        try (CaptureFileReader reader = CaptureFileReader.open(file)) {
            assertEquals(-1, reader.linkType(), "no interface seen yet");
            assertTrue(reader.next(p));
            assertEquals(LinkType.ETHERNET, reader.linkType());
            assertEquals(32, p.length);
            assertEquals(40, p.wireLength);
            assertArrayEquals(Arrays.copyOf(bytes(40, 1), 32), Arrays.copyOf(p.data, 32));
            assertFalse(reader.next(p));
        }
    }

    @Test
    void sectionWithoutPacketsAndFileWithOnlyASectionHeader() throws IOException {
        Path file = dir.resolve("shb.pcapng");
        Files.write(file, new PcapngBuilder().section(ByteOrder.LITTLE_ENDIAN).bytes());
        try (CaptureFileReader reader = CaptureFileReader.open(file)) {
            assertEquals(-1, reader.linkType());
            assertFalse(reader.next(new Packet()));
        }
    }

    /** Every resolution against exact BigInteger arithmetic, including large timestamps. */
    @Test
    void timestampConversionIsExactForEveryResolution() {
        long[] timestamps = {0, 1, 999, 1_000_000_007L, 1_700_000_000_123_456_789L, Long.MAX_VALUE, -1L,
                0x0123_4567_89AB_CDEFL, 0x8000_0000_0000_0001L};
        Packet p = new Packet(1);
        for (int tsresol = 0; tsresol < 256; tsresol++) {
            boolean binary = (tsresol & 0x80) != 0;
            int exponent = tsresol & 0x7F;
            if (!PcapngInterfaces.isSupportedResolution(tsresol)) {
                assertTrue(binary ? exponent > 63 : exponent > 18, "tsresol " + tsresol);
                continue;
            }
            PcapngInterfaces interfaces = new PcapngInterfaces();
            interfaces.add(LinkType.ETHERNET, 0, tsresol, 7);
            BigInteger unitsPerSecond = binary ? BigInteger.ONE.shiftLeft(exponent) : BigInteger.TEN.pow(exponent);
            for (long ts : timestamps) {
                BigInteger raw = new BigInteger(Long.toUnsignedString(ts));
                BigInteger[] secondsAndRemainder = raw.divideAndRemainder(unitsPerSecond);
                long expectedNanos = secondsAndRemainder[1].multiply(BigInteger.valueOf(1_000_000_000L))
                        .divide(unitsPerSecond).longValueExact();
                interfaces.setTimestamp(0, ts, p);
                assertEquals(secondsAndRemainder[0].longValue() + 7, p.tsSeconds, "seconds, tsresol " + tsresol + " ts " + ts);
                // Beyond 2^-33 the reader drops sub-nanosecond bits first: off by at most 1 ns.
                long tolerance = binary && exponent > 33 ? 1 : 0;
                assertTrue(Math.abs(expectedNanos - p.tsNanos) <= tolerance,
                        "nanos, tsresol " + tsresol + " ts " + ts + ": " + expectedNanos + " vs " + p.tsNanos);
            }
        }
    }
}
