package io.crowsnest.decoders.defrag;

import static io.crowsnest.decoders.defrag.Fragments.fill;
import static io.crowsnest.decoders.defrag.Fragments.pattern;
import static io.crowsnest.decoders.defrag.Fragments.slice;
import static io.crowsnest.decoders.defrag.Fragments.udp;
import static io.crowsnest.decoders.defrag.Fragments.v4;
import static io.crowsnest.decoders.defrag.Fragments.v6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.decoders.Bytes;
import io.crowsnest.decoders.ChecksumState;
import io.crowsnest.decoders.DecoderConfig;
import io.crowsnest.decoders.DecoderConfig.ChecksumMode;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.LinkType;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.PacketDecoder;
import io.crowsnest.decoders.checksum.InternetChecksum;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** IPv4/IPv6 defragmentation through {@link PacketDecoder}, on real frames built by {@link Fragments}. */
class DefragmenterTest {
    /** A ring slot as the pipeline sizes it. */
    static final int SLOT = 65_536 + 256;
    static final int ETH = 14;

    private PacketDecoder decoder = decoder(DefragConfig.defaults());

    private static PacketDecoder decoder(DefragConfig cfg) {
        return new PacketDecoder(DecoderConfig.defaults().withChecksumMode(ChecksumMode.ALL), cfg);
    }

    private Packet feed(byte[] frame) {
        return feed(frame, 1_000);
    }

    private Packet feed(byte[] frame, long tsSeconds) {
        Packet p = new Packet(SLOT).load(frame, LinkType.ETHERNET);
        p.tsSeconds = tsSeconds;
        decoder.decode(p);
        return p;
    }

    private long count(DecoderEvent e) {
        return decoder.eventCounts()[e.ordinal()];
    }

    private static byte[] payload(Packet p) {
        return Arrays.copyOfRange(p.data, p.payloadOffset, p.payloadOffset + p.payloadLength);
    }

    /** The UDP datagram 10.0.0.1:5353 -> 10.0.0.2:53 carrying {@code n} pattern bytes. */
    private static byte[] udp4(int n) {
        return udp(false, 5353, 53, pattern(n));
    }

    private void assertWholeUdp4(Packet p, byte[] expectedPayload) {
        assertTrue(p.reassembled);
        assertFalse(p.fragment);
        assertFalse(p.fragmentHeld);
        assertTrue(p.isUdp(), "L4 decoded");
        assertEquals(5353, p.srcPort);
        assertEquals(53, p.dstPort);
        assertEquals(20 + 8 + expectedPayload.length, p.ipTotalLength);
        assertEquals(ETH + 20 + 8 + expectedPayload.length, p.length);
        assertArrayEquals(expectedPayload, payload(p));
        assertEquals(0, InternetChecksum.compute(p.data, ETH, 20), "IPv4 header checksum fixed up");
        assertEquals(0, Bytes.u16(p.data, ETH + 6), "flags and offset cleared");
        assertEquals(ChecksumState.UNCHECKED, p.l4Checksum, "a rebuilt datagram is not re-validated");
        Packet whole = feed(Fragments.v4Whole(17, udp4(expectedPayload.length)));
        assertEquals(whole.flowHash, p.flowHash, "same flow as an unfragmented packet of the 5-tuple");
    }

    @Test
    void ipv4InOrder() {
        byte[] dgram = udp4(3000);
        Packet a = feed(v4(7, 0, true, 17, slice(dgram, 0, 1480)));
        Packet b = feed(v4(7, 1480, true, 17, slice(dgram, 1480, 2960)));
        assertTrue(a.fragment && a.fragmentHeld && !a.reassembled);
        assertTrue(b.fragment && b.fragmentHeld);
        assertEquals(-1, a.l4Offset, "a held fragment stays as captured");
        assertEquals(1, decoder.defragmenter().trackers());
        Packet c = feed(v4(7, 2960, false, 17, slice(dgram, 2960, dgram.length)));
        assertWholeUdp4(c, pattern(3000));
        assertEquals(3, count(DecoderEvent.DEFRAG_IPV4_FRAGMENTS));
        assertEquals(1, count(DecoderEvent.DEFRAG_IPV4_REASSEMBLED));
        assertEquals(0, decoder.defragmenter().trackers());
        assertEquals(0, c.eventCount, "no anomaly on a clean datagram");
    }

    @Test
    void ipv4OutOfOrderCompletesOnTheMissingPiece() {
        byte[] dgram = udp4(3000);
        Packet last = feed(v4(8, 2960, false, 17, slice(dgram, 2960, dgram.length)));
        Packet first = feed(v4(8, 0, true, 17, slice(dgram, 0, 1480)));
        assertTrue(last.fragmentHeld && first.fragmentHeld);
        Packet middle = feed(v4(8, 1480, true, 17, slice(dgram, 1480, 2960)));
        assertWholeUdp4(middle, pattern(3000));
    }

    @Test
    void duplicateFragmentIsAnOverlapAndChangesNothing() {
        byte[] dgram = udp4(2000);
        feed(v4(9, 0, true, 17, slice(dgram, 0, 1480)));
        Packet dup = feed(v4(9, 0, true, 17, slice(dgram, 0, 1480)));
        assertTrue(dup.hasEvent(DecoderEvent.IPV4_FRAG_OVERLAP), "Suricata counts exact duplicates as overlaps");
        assertTrue(dup.fragmentHeld);
        long before = decoder.defragmenter().memuse();
        Packet last = feed(v4(9, 1480, false, 17, slice(dgram, 1480, dgram.length)));
        assertWholeUdp4(last, pattern(2000));
        assertEquals(1, count(DecoderEvent.IPV4_FRAG_OVERLAP));
        assertTrue(decoder.defragmenter().memuse() >= before);
    }

    @Test
    void bsdKeepsHeldBytesUnlessTheNewFragmentStartsFirst() {
        // held: B at 8..24. New C at 8..32 (same start): B kept, C only adds 24..32.
        // New A at 0..16 (starts before B): A replaces B's 8..16.
        feed(v4(10, 8, true, 1, fill('B', 16)));
        Packet c = feed(v4(10, 8, true, 1, fill('C', 24)));
        assertTrue(c.hasEvent(DecoderEvent.IPV4_FRAG_OVERLAP));
        Packet a = feed(v4(10, 0, true, 1, fill('A', 16)));
        assertTrue(a.hasEvent(DecoderEvent.IPV4_FRAG_OVERLAP));
        Packet end = feed(v4(10, 32, false, 1, fill('D', 8)));
        assertTrue(end.reassembled);
        assertEquals("AAAAAAAAAAAAAAAABBBBBBBBCCCCCCCCDDDDDDDD",
                new String(p40(end), java.nio.charset.StandardCharsets.US_ASCII));
    }

    private static byte[] p40(Packet p) {
        return Arrays.copyOfRange(p.data, p.l3Offset + p.ipHeaderLength, p.l3Offset + p.ipTotalLength);
    }

    /** Fragments of Novak's "Target-Based Fragmentation Reassembly", as Suricata's DefragDoSturgesNovakTest sends them. */
    private static final int[][] NOVAK = {
        // offset, length, letter; the first 9 are the originals, then the overlapping ones, then the last
        {0, 24, 'A'}, {32, 16, 'B'}, {48, 24, 'C'}, {80, 8, 'D'}, {104, 16, 'E'}, {120, 24, 'F'},
        {144, 16, 'G'}, {160, 16, 'H'}, {176, 8, 'I'},
        {8, 32, 'J'}, {48, 24, 'K'}, {72, 24, 'L'}, {96, 24, 'M'}, {128, 8, 'N'}, {152, 8, 'O'}, {160, 8, 'P'},
        {176, 16, 'Q'},
    };
    /** Suricata's expected BSD result (DefragSturgesNovakBsdTest), one letter per 8 bytes. */
    private static final String NOVAK_BSD = "AAAJJBCCCLLLMMMFFFGGHHIQ";

    private static String expand(String perBlock) {
        StringBuilder sb = new StringBuilder();
        for (char ch : perBlock.toCharArray()) {
            sb.append(String.valueOf(ch).repeat(8));
        }
        return sb.toString();
    }

    @Test
    void sturgesNovakBsdIpv4() {
        Packet last = null;
        for (int i = 0; i < NOVAK.length; i++) {
            int[] f = NOVAK[i];
            last = feed(v4(1, f[0], i < NOVAK.length - 1, 1, fill((char) f[2], f[1])));
            if (i < 9) {
                assertFalse(last.hasEvent(DecoderEvent.IPV4_FRAG_OVERLAP), "original fragment " + i);
            } else if (i < NOVAK.length - 1) {
                assertTrue(last.hasEvent(DecoderEvent.IPV4_FRAG_OVERLAP), "overlapping fragment " + i);
                assertFalse(last.reassembled);
            }
        }
        assertTrue(last.reassembled);
        assertEquals(20 + 192, last.ipTotalLength);
        assertEquals(expand(NOVAK_BSD), new String(p40(last), java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void sturgesNovakBsdIpv6() {
        Packet last = null;
        for (int i = 0; i < NOVAK.length; i++) {
            int[] f = NOVAK[i];
            last = feed(v6(1, f[0], i < NOVAK.length - 1, 58, fill((char) f[2], f[1])));
            if (i < NOVAK.length - 1) {
                assertEquals(i >= 9, last.hasEvent(DecoderEvent.IPV6_FRAG_OVERLAP), "fragment " + i);
            }
        }
        assertTrue(last.reassembled);
        assertEquals(6, last.ipVersion);
        assertEquals(58, last.ipProto);
        assertEquals(192, Bytes.u16(last.data, ETH + 4), "payload length rewritten");
        assertEquals(58, last.data[ETH + 6], "next header now names what followed the fragment header");
        String got = new String(Arrays.copyOfRange(last.data, ETH + 40, ETH + 40 + 192), java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(expand(NOVAK_BSD), got);
    }

    @Test
    void missingLastFragmentTimesOutByPacketTime() {
        byte[] dgram = udp4(3000);
        feed(v4(11, 0, true, 17, slice(dgram, 0, 1480)), 1_000);
        feed(v4(11, 1480, true, 17, slice(dgram, 1480, 2960)), 1_010);
        feed(Fragments.v4Whole(17, udp4(10)), 1_060); // 50 s after the last fragment: still held
        assertEquals(1, decoder.defragmenter().trackers());
        feed(Fragments.v4Whole(17, udp4(10)), 1_071); // 61 s: gone
        assertEquals(0, decoder.defragmenter().trackers());
        assertEquals(1, count(DecoderEvent.DEFRAG_IPV4_TIMEOUTS));
        assertTrue(DecoderEvent.DEFRAG_IPV4_TIMEOUTS.loss());
        Packet late = feed(v4(11, 2960, false, 17, slice(dgram, 2960, dgram.length)), 1_072);
        assertFalse(late.reassembled, "the rest of the datagram timed out");
        assertTrue(late.fragmentHeld);
    }

    @Test
    void tooManyFragmentsDropsTheDatagram() {
        decoder = decoder(new DefragConfig(DefragConfig.DEFAULT_MEMCAP, 60, 4, 1024));
        for (int i = 0; i < 4; i++) {
            assertTrue(feed(v4(12, i * 8, true, 1, fill('x', 8))).fragmentHeld);
        }
        Packet fifth = feed(v4(12, 32, false, 1, fill('x', 8)));
        assertTrue(fifth.hasEvent(DecoderEvent.DEFRAG_TOO_MANY_FRAGMENTS));
        assertFalse(fifth.reassembled);
        assertEquals(0, decoder.defragmenter().trackers());
    }

    @Test
    void fragmentEndingPast65535IsRefused() {
        Packet p = feed(v4(13, 8183 * 8, false, 1, fill('A', 71)));
        assertTrue(p.hasEvent(DecoderEvent.IPV4_FRAG_PKT_TOO_LARGE));
        assertFalse(p.fragmentHeld);
        assertEquals(0, decoder.defragmenter().trackers());
        Packet q = feed(v6(13, 65_528, false, 17, fill('A', 16)));
        assertTrue(q.hasEvent(DecoderEvent.IPV6_FRAG_PKT_TOO_LARGE));
    }

    @Test
    void largestDatagramFitsARingSlot() {
        byte[] dgram = udp4(65_535 - 20 - 8);
        Packet last = null;
        for (int off = 0; off < dgram.length; off += 1480) {
            last = feed(v4(14, off, off + 1480 < dgram.length, 17, slice(dgram, off, off + 1480)));
        }
        assertWholeUdp4(last, pattern(65_535 - 28));
        assertEquals(65_535, last.ipTotalLength);
    }

    @Test
    void tinyFirstFragmentIsFlaggedAndStillReassembled() {
        byte[] seg = Fragments.tcp(false, 40000, 80, pattern(100));
        Packet first = feed(v4(15, 0, true, 6, slice(seg, 0, 8))); // ports only: flags in the next fragment
        assertTrue(first.hasEvent(DecoderEvent.IPV4_TINY_FRAGMENT));
        Packet rest = feed(v4(15, 8, false, 6, slice(seg, 8, seg.length)));
        assertTrue(rest.reassembled);
        assertTrue(rest.isTcp());
        assertEquals(40000, rest.srcPort);
        assertEquals(80, rest.dstPort);
        assertEquals(0x18, rest.tcpFlags);
        assertArrayEquals(pattern(100), payload(rest));
        assertEquals(1, count(DecoderEvent.IPV4_TINY_FRAGMENT));
    }

    @Test
    void memcapEvictsTheOldestDatagramAndMemoryStaysUnderIt() {
        long memcap = 64 * 1024;
        decoder = decoder(new DefragConfig(memcap, 60, 256, 65_536));
        byte[] dgram = udp4(3000);
        for (int id = 100; id < 160; id++) { // 60 incomplete datagrams of 2 KiB buffers each
            feed(v4(id, 0, true, 17, slice(dgram, 0, 1480)));
            assertTrue(decoder.defragmenter().memuse() <= memcap, "memuse " + decoder.defragmenter().memuse());
        }
        assertTrue(count(DecoderEvent.DEFRAG_MEMCAP_REACHED) > 0);
        assertTrue(DecoderEvent.DEFRAG_MEMCAP_REACHED.loss());
        assertTrue(decoder.defragmenter().trackers() < 60);
        // the newest datagram survived and completes; the oldest was dropped
        feed(v4(159, 1480, true, 17, slice(dgram, 1480, 2960)));
        assertTrue(feed(v4(159, 2960, false, 17, slice(dgram, 2960, dgram.length))).reassembled);
        feed(v4(100, 1480, true, 17, slice(dgram, 1480, 2960)));
        assertFalse(feed(v4(100, 2960, false, 17, slice(dgram, 2960, dgram.length))).reassembled);
    }

    @Test
    void trackerCapEvictsTheLeastRecentlyUsed() {
        decoder = decoder(new DefragConfig(DefragConfig.DEFAULT_MEMCAP, 60, 256, 2));
        byte[] dgram = udp4(2000);
        feed(v4(21, 0, true, 17, slice(dgram, 0, 1480)));
        feed(v4(22, 0, true, 17, slice(dgram, 0, 1480)));
        feed(v4(23, 0, true, 17, slice(dgram, 0, 1480))); // evicts 21
        assertEquals(1, count(DecoderEvent.DEFRAG_MAX_TRACKERS_REACHED));
        assertEquals(2, decoder.defragmenter().trackers());
        assertTrue(feed(v4(23, 1480, false, 17, slice(dgram, 1480, dgram.length))).reassembled);
        assertTrue(feed(v4(22, 1480, false, 17, slice(dgram, 1480, dgram.length))).reassembled);
        assertFalse(feed(v4(21, 1480, false, 17, slice(dgram, 1480, dgram.length))).reassembled);
    }

    @Test
    void vlanIsPartOfTheKey() {
        byte[] dgram = udp4(2000);
        feed(v4(30, 0, true, 17, slice(dgram, 0, 1480), 10));
        Packet other = feed(v4(30, 1480, false, 17, slice(dgram, 1480, dgram.length), 20));
        assertFalse(other.reassembled, "same id on another VLAN is another datagram");
        Packet same = feed(v4(30, 1480, false, 17, slice(dgram, 1480, dgram.length), 10));
        assertTrue(same.reassembled);
        assertEquals(10, same.vlanIds[0]);
        assertEquals(1, same.vlanCount);
        assertEquals(18 + 20 + 2008, same.length, "link header of the slot kept, VLAN tag included");
        assertTrue(same.isUdp());
        assertEquals(53, same.dstPort);
        assertArrayEquals(pattern(2000), payload(same));
    }

    @Test
    void badHeaderChecksumFragmentIsNotTaken() {
        byte[] dgram = udp4(2000);
        byte[] bad = v4(31, 0, true, 17, fill('X', 1480));
        bad[ETH + 10] ^= 0x55; // the host would drop it
        Packet p = feed(bad);
        assertEquals(ChecksumState.BAD, p.ipChecksum);
        assertFalse(p.fragmentHeld);
        feed(v4(31, 0, true, 17, slice(dgram, 0, 1480)));
        Packet last = feed(v4(31, 1480, false, 17, slice(dgram, 1480, dgram.length)));
        assertWholeUdp4(last, pattern(2000));
    }

    @Test
    void ipv6UdpInAndOutOfOrder() {
        byte[] dgram = udp(true, 5353, 53, pattern(3000));
        Packet a = feed(v6(0x01020304, 1448, true, 17, slice(dgram, 1448, 2896)));
        Packet b = feed(v6(0x01020304, 2896, false, 17, slice(dgram, 2896, dgram.length)));
        assertTrue(a.fragmentHeld && b.fragmentHeld);
        Packet c = feed(v6(0x01020304, 0, true, 17, slice(dgram, 0, 1448)));
        assertTrue(c.reassembled);
        assertFalse(c.fragment);
        assertTrue(c.isUdp());
        assertEquals(5353, c.srcPort);
        assertEquals(53, c.dstPort);
        assertEquals(40, c.ipHeaderLength, "no fragment header left");
        assertEquals(40 + 3008, c.ipTotalLength);
        assertArrayEquals(pattern(3000), payload(c));
        assertEquals(feed(Fragments.v6Whole(17, dgram)).flowHash, c.flowHash);
        assertEquals(1, count(DecoderEvent.DEFRAG_IPV6_REASSEMBLED));
        assertEquals(3, count(DecoderEvent.DEFRAG_IPV6_FRAGMENTS));
    }

    @Test
    void ipv6UnfragmentablePartIsKeptAndItsNextHeaderFixed() {
        byte[] dgram = udp(true, 5353, 53, pattern(2000));
        feed(v6(77, 0, true, 17, slice(dgram, 0, 1448), true));
        Packet last = feed(v6(77, 1448, false, 17, slice(dgram, 1448, dgram.length), true));
        assertTrue(last.reassembled);
        assertEquals(0, last.data[ETH + 6], "IPv6 header still names hop-by-hop");
        assertEquals(17, last.data[ETH + 40], "hop-by-hop now names UDP");
        assertEquals(48, last.ipHeaderLength);
        assertEquals(8 + 2008, Bytes.u16(last.data, ETH + 4));
        assertTrue(last.isUdp());
        assertArrayEquals(pattern(2000), payload(last));
    }

    @Test
    void ipv6NonLastFragmentMustBeAMultipleOf8() {
        Packet p = feed(v6(5, 0, true, 17, fill('x', 13)));
        assertTrue(p.hasEvent(DecoderEvent.IPV6_FRAG_INVALID_LENGTH));
        assertFalse(p.fragmentHeld);
    }

    @Test
    void ipv6TinyFirstFragment() {
        byte[] seg = Fragments.tcp(true, 40000, 80, pattern(40));
        assertTrue(feed(v6(6, 0, true, 6, slice(seg, 0, 8))).hasEvent(DecoderEvent.IPV6_TINY_FRAGMENT));
        Packet rest = feed(v6(6, 8, false, 6, slice(seg, 8, seg.length)));
        assertTrue(rest.isTcp());
        assertEquals(80, rest.dstPort);
    }

    @Test
    void steadyStreamOfDatagramsReusesPooledMemory() {
        byte[] dgram = udp4(3000);
        long warm = 0;
        for (int i = 0; i < 2_000; i++) {
            feed(v4(i & 0xffff, 0, true, 17, slice(dgram, 0, 1480)));
            feed(v4(i & 0xffff, 1480, true, 17, slice(dgram, 1480, 2960)));
            assertTrue(feed(v4(i & 0xffff, 2960, false, 17, slice(dgram, 2960, dgram.length))).reassembled);
            if (i == 10) {
                warm = decoder.defragmenter().memuse();
            }
        }
        assertEquals(warm, decoder.defragmenter().memuse(), "pooled trackers and buffers, nothing new");
        assertEquals(2_000, count(DecoderEvent.DEFRAG_IPV4_REASSEMBLED));
    }

    @Test
    void fragmentsAPolicyReplacedAreCompactedAwayAndTheDatagramStillCompletes() {
        // linux: a new fragment at the same offset that ends at or after a held one replaces it.
        // 200 x 1,500 stored bytes overflow the 128 KiB store: the replaced ones are compacted away.
        decoder = decoder(DefragConfig.defaults().withPolicy(DefragPolicy.LINUX));
        byte[] dgram = udp4(2000);
        for (int i = 0; i < 200; i++) {
            byte[] first = i == 199 ? slice(dgram, 0, 1480) : fill((char) ('a' + i % 26), 1480);
            Packet p = feed(v4(50, 0, true, 17, first));
            assertTrue(p.fragmentHeld);
            assertFalse(p.hasEvent(DecoderEvent.IPV4_FRAG_IGNORED), "fragment " + i);
            assertEquals(i > 0, p.hasEvent(DecoderEvent.IPV4_FRAG_OVERLAP));
        }
        // one 128 KiB store plus the smaller buffers it outgrew (pooled for reuse) and bookkeeping
        assertTrue(decoder.defragmenter().memuse() <= 264 * 1024, "memuse " + decoder.defragmenter().memuse());
        Packet last = feed(v4(50, 1480, false, 17, slice(dgram, 1480, dgram.length)));
        assertWholeUdp4(last, pattern(2000));
    }

    @Test
    void overlappingHeldBytesBeyondOneStoreBufferAreIgnoredNotUnbounded() {
        // last: a new fragment starting at or before a held one hides its front but keeps it held,
        // so many long fragments at rising offsets all stay: past 128 KiB the next one is ignored.
        decoder = decoder(DefragConfig.defaults().withPolicy(DefragPolicy.LAST));
        int ignored = 0;
        for (int i = 0; i < 120; i++) {
            Packet p = feed(v4(51, 8 * (120 - i), true, 1, fill('x', 8_000)));
            if (p.hasEvent(DecoderEvent.IPV4_FRAG_IGNORED)) {
                ignored++;
            }
        }
        assertTrue(ignored > 0, "some fragments ignored");
        // one 128 KiB store plus the smaller buffers it outgrew (pooled for reuse) and bookkeeping
        assertTrue(decoder.defragmenter().memuse() <= 264 * 1024, "memuse " + decoder.defragmenter().memuse());
    }

    @Test
    void aLastFragmentThePolicyDropsDoesNotEndTheDatagram() {
        // As Suricata: only a stored fragment without MF sets seen-last. Under bsd a duplicate of
        // held bytes is dropped whole, so it cannot end (or shorten) the datagram.
        feed(v4(52, 0, true, 1, fill('A', 24)));
        Packet dupEnd = feed(v4(52, 8, false, 1, fill('B', 16)));
        assertTrue(dupEnd.hasEvent(DecoderEvent.IPV4_FRAG_OVERLAP));
        assertFalse(dupEnd.reassembled);
        Packet end = feed(v4(52, 24, false, 1, fill('C', 8)));
        assertTrue(end.reassembled);
        assertEquals("AAAAAAAAAAAAAAAAAAAAAAAACCCCCCCC", new String(p40(end), java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void anOverlapIsNotCarriedToTheNextDatagramsFirstFragment() {
        feed(v4(53, 0, true, 1, fill('A', 16)));
        assertTrue(feed(v4(53, 0, true, 1, fill('B', 16))).hasEvent(DecoderEvent.IPV4_FRAG_OVERLAP));
        assertFalse(feed(v4(54, 64, true, 1, fill('C', 16))).hasEvent(DecoderEvent.IPV4_FRAG_OVERLAP),
                "the first fragment of a new datagram overlaps nothing (found by DefragmenterFuzzTest)");
    }
}
