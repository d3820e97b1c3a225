package io.crowsnest.decoders.defrag;

import static io.crowsnest.decoders.defrag.Fragments.fill;
import static io.crowsnest.decoders.defrag.Fragments.v4;
import static io.crowsnest.decoders.defrag.Fragments.v6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.decoders.Bytes;
import io.crowsnest.decoders.DecoderConfig;
import io.crowsnest.decoders.DecoderConfig.ChecksumMode;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.LinkType;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.PacketDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Suricata's defrag unit tests ({@code src/defrag.c}, {@code DefragRegisterTests}) ported one for
 * one: the same fragments (offset, MF, content, in the same order) and the same expected bytes,
 * through {@link PacketDecoder} on real Ethernet frames. Each method is named after the Suricata
 * test it ports. IPv4 fragments carry ICMP (1), IPv6 ones ICMPv6 (58), as there.
 */
class SuricataDefragTest {
    private static final int ETH = 14;
    private PacketDecoder decoder;

    private void policy(DefragPolicy p) {
        decoder = new PacketDecoder(DecoderConfig.defaults().withChecksumMode(ChecksumMode.ALL),
                DefragConfig.defaults().withPolicy(p));
    }

    /** One fragment: IPv4 (ICMP) or IPv6 (ICMPv6 in a fragment header); {@code off8} in 8-byte units as Suricata's builders take it. */
    private Packet frag(boolean v6, int id, int off8, boolean mf, byte[] content) {
        byte[] frame = v6 ? v6(id, off8 << 3, mf, 58, content) : v4(id, off8 << 3, mf, 1, content);
        Packet p = new Packet(DefragmenterTest.SLOT).load(frame, LinkType.ETHERNET);
        p.tsSeconds = 1_000;
        decoder.decode(p);
        return p;
    }

    private Packet frag(boolean v6, int id, int off8, boolean mf, char c, int n) {
        return frag(v6, id, off8, mf, fill(c, n));
    }

    /** Suricata returns the rebuilt packet or NULL: here the completing slot, or null when nothing completed. */
    private static Packet reassembled(Packet p) {
        return p.reassembled ? p : null;
    }

    private static String ipPayload(Packet p) {
        int from = p.l3Offset + (p.ipVersion == 4 ? p.ipHeaderLength : 40);
        int to = p.l3Offset + p.ipTotalLength;
        return new String(Arrays.copyOfRange(p.data, from, to), StandardCharsets.ISO_8859_1);
    }

    private static String blocks(String perBlock) {
        StringBuilder sb = new StringBuilder();
        for (char ch : perBlock.toCharArray()) {
            sb.append(String.valueOf(ch).repeat(8));
        }
        return sb.toString();
    }

    // ---- simple ordering -----------------------------------------------------------------------

    private void simple(boolean v6, boolean reverse) {
        policy(DefragPolicy.BSD);
        int id = 12;
        Packet r;
        if (!reverse) {
            assertNull(reassembled(frag(v6, id, 0, true, 'A', 8)));
            assertNull(reassembled(frag(v6, id, 1, true, 'B', 8)));
            r = reassembled(frag(v6, id, 2, false, 'C', 3));
        } else {
            assertNull(reassembled(frag(v6, id, 2, false, 'C', 3)));
            assertNull(reassembled(frag(v6, id, 1, true, 'B', 8)));
            r = reassembled(frag(v6, id, 0, true, 'A', 8));
        }
        assertNotNull(r);
        if (v6) {
            assertEquals(19, Bytes.u16(r.data, ETH + 4), "IPv6 payload length");
        } else {
            assertEquals(20, r.ipHeaderLength);
            assertEquals(39, r.ipTotalLength);
        }
        assertEquals("AAAAAAAABBBBBBBBCCC", ipPayload(r));
    }

    @Test
    void defragInOrderSimpleTest() {
        simple(false, false);
    }

    @Test
    void defragReverseSimpleTest() {
        simple(false, true);
    }

    @Test
    void defragInOrderSimpleIpv6Test() {
        simple(true, false);
    }

    @Test
    void defragReverseSimpleIpv6Test() {
        simple(true, true);
    }

    // ---- Sturges & Novak, "Target-Based Fragmentation Reassembly" ------------------------------

    /** DefragDoSturgesNovakTest / DefragDoSturgesNovakIpv6Test: offset (bytes), length, letter. */
    private static final int[][] NOVAK = {
        {0, 24, 'A'}, {32, 16, 'B'}, {48, 24, 'C'}, {80, 8, 'D'}, {104, 16, 'E'}, {120, 24, 'F'},
        {144, 16, 'G'}, {160, 16, 'H'}, {176, 8, 'I'},
        {8, 32, 'J'}, {48, 24, 'K'}, {72, 24, 'L'}, {96, 24, 'M'}, {128, 8, 'N'}, {152, 8, 'O'},
        {160, 8, 'P'}, {176, 16, 'Q'},
    };

    private void sturgesNovak(DefragPolicy policy, boolean v6, String expectedBlocks) {
        policy(policy);
        DecoderEvent overlapEvent = v6 ? DecoderEvent.IPV6_FRAG_OVERLAP : DecoderEvent.IPV4_FRAG_OVERLAP;
        int i = 0;
        for (; i < 9; i++) { // the originals: no overlap
            Packet p = frag(v6, 1, NOVAK[i][0] >> 3, true, (char) NOVAK[i][2], NOVAK[i][1]);
            assertNull(reassembled(p));
            assertFalse(p.hasEvent(overlapEvent), "original fragment " + (char) NOVAK[i][2]);
        }
        int overlaps = 0;
        for (; i < 16; i++) {
            Packet p = frag(v6, 1, NOVAK[i][0] >> 3, true, (char) NOVAK[i][2], NOVAK[i][1]);
            assertNull(reassembled(p));
            if (p.hasEvent(overlapEvent)) {
                overlaps++;
            }
        }
        assertTrue(overlaps > 0, "overlaps raised");
        Packet r = reassembled(frag(v6, 1, 176 >> 3, false, 'Q', 16));
        assertNotNull(r, "the last fragment completes the datagram");
        if (v6) {
            assertEquals(192, Bytes.u16(r.data, ETH + 4), "IPv6 payload length");
        } else {
            assertEquals(20, r.ipHeaderLength);
            assertEquals(20 + 192, r.ipTotalLength);
        }
        assertEquals(blocks(expectedBlocks), ipPayload(r), policy + (v6 ? " IPv6" : " IPv4"));
        assertEquals(0, decoder.defragmenter().trackers(), "tracker released");
    }

    // Suricata's expected data, one letter per 8 bytes (D_1 = A ... D_11 = Q).
    static final String BSD = "AAAJJBCCCLLLMMMFFFGGHHIQ";
    static final String LINUX = "AAAJJBKKKLLLMMMFFFGGPHQQ";
    static final String WINDOWS = "AAAJBBCCCLLLMEEFFFGGHHIQ";
    static final String SOLARIS = "AAAJBBCCCLLLMMMFFFGGHHIQ";
    static final String FIRST = "AAAJBBCCCLDLMEEFFFGGHHIQ";
    static final String LAST = "AJJJJBKKKLLLMMMFNFGOPHQQ";
    /**
     * Not a Suricata test: Suricata maps bsd-right hosts to a policy it has no rule for, so no
     * fragment is trimmed and each one is copied over those before it in (offset, arrival) order.
     * Derived by hand from that rule.
     */
    static final String BSD_RIGHT = "AJJJBBKKKLDLMEEFNFGOPHQQ";

    @Test
    void defragSturgesNovakBsdTest() {
        sturgesNovak(DefragPolicy.BSD, false, BSD);
    }

    @Test
    void defragSturgesNovakBsdIpv6Test() {
        sturgesNovak(DefragPolicy.BSD, true, BSD);
    }

    @Test
    void defragSturgesNovakLinuxIpv4Test() {
        sturgesNovak(DefragPolicy.LINUX, false, LINUX);
    }

    @Test
    void defragSturgesNovakLinuxIpv6Test() {
        sturgesNovak(DefragPolicy.LINUX, true, LINUX);
    }

    @Test
    void defragSturgesNovakWindowsIpv4Test() {
        sturgesNovak(DefragPolicy.WINDOWS, false, WINDOWS);
    }

    @Test
    void defragSturgesNovakWindowsIpv6Test() {
        sturgesNovak(DefragPolicy.WINDOWS, true, WINDOWS);
    }

    @Test
    void defragSturgesNovakSolarisTest() {
        sturgesNovak(DefragPolicy.SOLARIS, false, SOLARIS);
    }

    @Test
    void defragSturgesNovakSolarisIpv6Test() {
        sturgesNovak(DefragPolicy.SOLARIS, true, SOLARIS);
    }

    @Test
    void defragSturgesNovakFirstTest() {
        sturgesNovak(DefragPolicy.FIRST, false, FIRST);
    }

    @Test
    void defragSturgesNovakFirstIpv6Test() {
        sturgesNovak(DefragPolicy.FIRST, true, FIRST);
    }

    @Test
    void defragSturgesNovakLastTest() {
        sturgesNovak(DefragPolicy.LAST, false, LAST);
    }

    @Test
    void defragSturgesNovakLastIpv6Test() {
        sturgesNovak(DefragPolicy.LAST, true, LAST);
    }

    @Test
    void sturgesNovakBsdRightIpv4NoSuricataRule() {
        sturgesNovak(DefragPolicy.BSD_RIGHT, false, BSD_RIGHT);
    }

    @Test
    void sturgesNovakBsdRightIpv6NoSuricataRule() {
        sturgesNovak(DefragPolicy.BSD_RIGHT, true, BSD_RIGHT);
    }

    // ---- the last fragment and what follows it -------------------------------------------------

    /** Offset 2 (MF), 0 (MF), 1 (no MF): only the first two are reassembled. */
    private void mf(boolean v6) {
        policy(DefragPolicy.BSD);
        assertNull(reassembled(frag(v6, 9, 2, true, 'C', 8)));
        assertNull(reassembled(frag(v6, 9, 0, true, 'A', 8)));
        Packet r = reassembled(frag(v6, 9, 1, false, 'B', 8));
        assertNotNull(r);
        if (v6) {
            assertEquals(16, Bytes.u16(r.data, ETH + 4));
        } else {
            assertEquals(36, r.ipTotalLength);
        }
        assertEquals("AAAAAAAABBBBBBBB", ipPayload(r));
    }

    @Test
    void defragMfIpv4Test() {
        mf(false);
    }

    @Test
    void defragMfIpv6Test() {
        mf(true);
    }

    @Test
    void defragTestBadProto() {
        policy(DefragPolicy.BSD);
        Packet a = new Packet(DefragmenterTest.SLOT).load(v4(12, 0, true, 1, fill('A', 8)), LinkType.ETHERNET);
        Packet b = new Packet(DefragmenterTest.SLOT).load(v4(12, 8, true, 17, fill('B', 8)), LinkType.ETHERNET);
        Packet c = new Packet(DefragmenterTest.SLOT).load(v4(12, 16, false, 1, fill('C', 3)), LinkType.ETHERNET);
        decoder.decode(a);
        decoder.decode(b);
        decoder.decode(c);
        assertFalse(a.reassembled || b.reassembled || c.reassembled, "another protocol is another datagram");
    }

    @Test
    void defragNoDataIpv4Test() {
        policy(DefragPolicy.BSD);
        Packet p = frag(false, 12, 1, false, 'A', 0);
        assertNull(reassembled(p));
        assertEquals(0, decoder.defragmenter().trackers(), "nothing held");
    }

    @Test
    void defragTooLargeIpv4Test() {
        policy(DefragPolicy.BSD);
        Packet p = frag(false, 1, 8183, false, 'A', 71);
        assertNull(reassembled(p));
        assertTrue(p.hasEvent(DecoderEvent.IPV4_FRAG_PKT_TOO_LARGE));
        assertEquals(0, decoder.defragmenter().trackers());
    }

    /** A Linux overlap not covered by Sturges/Novak. */
    @Test
    void defragTestJeremyLinux() {
        policy(DefragPolicy.LINUX);
        assertNull(reassembled(frag(false, 1, 0, true, 'A', 24)));
        assertNull(reassembled(frag(false, 1, 40 >> 3, true, 'B', 48)));
        assertNull(reassembled(frag(false, 1, 24 >> 3, true, 'C', 48)));
        Packet r = reassembled(frag(false, 1, 88 >> 3, false, 'D', 14));
        assertNotNull(r);
        assertEquals(blocks("AAACCCCCCBB") + "DDDDDDDD" + "DDDDDD", ipPayload(r));
    }

    /** | DDDDDDDD | BBBBBBBB | BBBBBBBB | CCCCCCCC | AAAAAAAA | from A (last, at 24), B, C, then D. */
    private void bsdFragmentAfterNoMf(boolean v6) {
        policy(DefragPolicy.BSD);
        assertNull(reassembled(frag(v6, 0x96, 24 >> 3, false, 'A', 16)));
        assertNull(reassembled(frag(v6, 0x96, 8 >> 3, true, 'B', 16)));
        assertNull(reassembled(frag(v6, 0x96, 16 >> 3, true, 'C', 16)));
        Packet r = reassembled(frag(v6, 0x96, 0, true, 'D', 8));
        assertNotNull(r);
        assertEquals(blocks("DBBCAA").substring(0, 40), ipPayload(r).substring(0, 40));
    }

    @Test
    void defragBsdFragmentAfterNoMfIpv4Test() {
        bsdFragmentAfterNoMf(false);
    }

    @Test
    void defragBsdFragmentAfterNoMfIpv6Test() {
        bsdFragmentAfterNoMf(true);
    }

    private void bsdSubsequentOverlapsStartOfOriginal(boolean v6) {
        policy(DefragPolicy.BSD);
        assertNull(reassembled(frag(v6, 1, 8 >> 3, false, 'E', 24)));
        Packet r = reassembled(frag(v6, 1, 0, true, 'M', 24));
        assertNotNull(r);
        assertEquals(blocks("MMME"), ipPayload(r));
    }

    @Test
    void defragBsdSubsequentOverlapsStartOfOriginalIpv4Test() {
        bsdSubsequentOverlapsStartOfOriginal(false);
    }

    @Test
    void defragBsdSubsequentOverlapsStartOfOriginalIpv6Test() {
        bsdSubsequentOverlapsStartOfOriginal(true);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private void bsdSubsequentOverlapsStartOfOriginal2(boolean v6) {
        policy(DefragPolicy.BSD);
        assertNull(reassembled(frag(v6, 6, 16 >> 3, true, ascii("AABBCCDDAABBDDCC"))));
        assertNull(reassembled(frag(v6, 6, 8 >> 3, true, ascii("AACCBBDDAACCDDBB"))));
        assertNull(reassembled(frag(v6, 6, 0, true, ascii("ZZZZZZZZ"))));
        Packet r = reassembled(frag(v6, 6, 32 >> 3, false, ascii("DDCCBBAA")));
        assertNotNull(r);
        assertEquals("AACCBBDD" + "AACCDDBB" + "AABBDDCC" + "DDCCBBAA", ipPayload(r).substring(8));
    }

    @Test
    void defragBsdSubsequentOverlapsStartOfOriginalIpv4Test_2() {
        bsdSubsequentOverlapsStartOfOriginal2(false);
    }

    @Test
    void defragBsdSubsequentOverlapsStartOfOriginalIpv6Test_2() {
        bsdSubsequentOverlapsStartOfOriginal2(true);
    }

    /** A hole at 32..40: reassembly must not happen. */
    private void bsdMissingFragment(boolean v6) {
        policy(DefragPolicy.BSD);
        assertNull(reassembled(frag(v6, 189, 16 >> 3, true, ascii("AABBCCDDAABBDDCC"))));
        assertNull(reassembled(frag(v6, 189, 40 >> 3, true, ascii("AACCBBDD"))));
        assertNull(reassembled(frag(v6, 189, 8 >> 3, true, ascii("AACCDDBBAADDBBCC"))));
        assertNull(reassembled(frag(v6, 189, 0, true, ascii("ZZZZZZZZ"))));
        assertNull(reassembled(frag(v6, 189, 48 >> 3, false, ascii("DDCCBBAA"))));
        assertEquals(1, decoder.defragmenter().trackers(), "still waiting for 32..40");
    }

    @Test
    void defragBsdMissingFragmentIpv4Test() {
        bsdMissingFragment(false);
    }

    @Test
    void defragBsdMissingFragmentIpv6Test() {
        bsdMissingFragment(true);
    }

    // ---- not from Suricata: the hot path stays allocation-free under every policy ---------------

    @Test
    void overlappingDatagramsAllocateNothingOnceWarmUnderEveryPolicy() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean tmx = (com.sun.management.ThreadMXBean) mx;
        org.junit.jupiter.api.Assumptions.assumeTrue(tmx.isThreadAllocatedMemorySupported());
        for (DefragPolicy policy : DefragPolicy.values()) {
            for (boolean v6 : new boolean[] {false, true}) {
                policy(policy);
                byte[][] frames = new byte[NOVAK.length][];
                for (int i = 0; i < NOVAK.length; i++) {
                    byte[] c = fill((char) NOVAK[i][2], NOVAK[i][1]);
                    boolean mf = i < NOVAK.length - 1;
                    frames[i] = v6 ? v6(1, NOVAK[i][0], mf, 58, c) : v4(1, NOVAK[i][0], mf, 1, c);
                }
                Packet p = new Packet(DefragmenterTest.SLOT);
                for (int round = 0; round < 2_000; round++) { // warm up: pools, JIT
                    novakRound(p, frames);
                }
                long tid = Thread.currentThread().getId();
                long before = tmx.getThreadAllocatedBytes(tid);
                for (int round = 0; round < 5_000; round++) {
                    novakRound(p, frames);
                }
                long allocated = tmx.getThreadAllocatedBytes(tid) - before;
                assertTrue(allocated < 64 * 1024, policy + (v6 ? " IPv6" : " IPv4") + ": " + allocated
                        + " bytes allocated for 5,000 datagrams of 17 overlapping fragments");
            }
        }
    }

    private void novakRound(Packet p, byte[][] frames) {
        for (byte[] f : frames) {
            p.load(f, LinkType.ETHERNET);
            p.tsSeconds = 1_000;
            decoder.decode(p);
        }
        assertTrue(p.reassembled);
    }
}
