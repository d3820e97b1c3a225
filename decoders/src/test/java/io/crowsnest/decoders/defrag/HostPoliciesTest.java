package io.crowsnest.decoders.defrag;

import static io.crowsnest.decoders.defrag.Fragments.fill;
import static io.crowsnest.decoders.defrag.Fragments.v4;
import static io.crowsnest.decoders.defrag.Fragments.v6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.decoders.DecoderConfig;
import io.crowsnest.decoders.DecoderConfig.ChecksumMode;
import io.crowsnest.decoders.LinkType;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.PacketDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Policy selection by destination (Suricata's host-os-policy) and policy names. */
class HostPoliciesTest {
    private static Packet dst(String v4OrV6) {
        Packet p = new Packet(64);
        long[] b = HostPolicies.parse(v4OrV6);
        p.dstHi = b[0];
        p.dstLo = b[1];
        p.ipVersion = (int) b[3];
        return p;
    }

    @Test
    void mostSpecificBlockWinsWhateverTheOrder() {
        HostPolicies h = new HostPolicies.Builder()
                .add("10.0.0.0/8", DefragPolicy.WINDOWS)
                .add("10.1.2.3", DefragPolicy.LAST)
                .add("10.1.0.0/16", DefragPolicy.LINUX)
                .add("fd00::/8", DefragPolicy.SOLARIS)
                .add("fd00:1::/32", DefragPolicy.FIRST)
                .build();
        assertEquals(5, h.size());
        assertEquals(DefragPolicy.LAST, h.forDestination(dst("10.1.2.3"), DefragPolicy.BSD));
        assertEquals(DefragPolicy.LINUX, h.forDestination(dst("10.1.2.4"), DefragPolicy.BSD));
        assertEquals(DefragPolicy.WINDOWS, h.forDestination(dst("10.200.0.1"), DefragPolicy.BSD));
        assertEquals(DefragPolicy.BSD, h.forDestination(dst("11.0.0.1"), DefragPolicy.BSD), "no block: the default");
        assertEquals(DefragPolicy.FIRST, h.forDestination(dst("fd00:1::5"), DefragPolicy.BSD));
        assertEquals(DefragPolicy.SOLARIS, h.forDestination(dst("fd00:2::5"), DefragPolicy.BSD));
        assertEquals(DefragPolicy.BSD, h.forDestination(dst("2001:db8::1"), DefragPolicy.BSD));
        assertEquals(DefragPolicy.BSD, h.forDestination(dst("::a01:203"), DefragPolicy.BSD),
                "an IPv6 address with the same low 32 bits is not the IPv4 host");
    }

    @Test
    void zeroPrefixAndHostBitsAndReplacement() {
        HostPolicies h = new HostPolicies.Builder()
                .add("0.0.0.0/0", DefragPolicy.LINUX)
                .add("192.168.1.77/24", DefragPolicy.WINDOWS) // host bits ignored, as a network
                .add("192.168.1.0/24", DefragPolicy.SOLARIS) // same block again: replaces
                .build();
        assertEquals(2, h.size());
        assertEquals(DefragPolicy.SOLARIS, h.forDestination(dst("192.168.1.1"), DefragPolicy.BSD));
        assertEquals(DefragPolicy.LINUX, h.forDestination(dst("8.8.8.8"), DefragPolicy.BSD));
        assertEquals(DefragPolicy.BSD, h.forDestination(dst("2001:db8::1"), DefragPolicy.BSD),
                "0.0.0.0/0 covers IPv4 only");
        HostPolicies v6all = new HostPolicies.Builder().add("::/0", DefragPolicy.WINDOWS).build();
        assertEquals(DefragPolicy.BSD, v6all.forDestination(dst("10.0.0.1"), DefragPolicy.BSD),
                "::/0 covers IPv6 only, though Packet holds IPv4 as ::ffff:a.b.c.d");
        assertEquals(DefragPolicy.WINDOWS, v6all.forDestination(dst("fd00::1"), DefragPolicy.BSD));
    }

    @Test
    void badBlocksAreRefusedWithTheirText() {
        for (String bad : new String[] {"10.0.0.0/33", "300.1.1.1", "10.0.0", "fd00::/129", "example.com", "10.0.0.0/x", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new HostPolicies.Builder().add(bad, DefragPolicy.BSD), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void suricataOsNamesMapAsDefragGetOsPolicy() {
        assertEquals(DefragPolicy.LINUX, DefragPolicy.byName("old-linux"));
        assertEquals(DefragPolicy.FIRST, DefragPolicy.byName("macos"));
        assertEquals(DefragPolicy.FIRST, DefragPolicy.byName("old-solaris"));
        assertEquals(DefragPolicy.FIRST, DefragPolicy.byName("hpux11"));
        assertEquals(DefragPolicy.BSD, DefragPolicy.byName("hpux10"));
        assertEquals(DefragPolicy.BSD, DefragPolicy.byName("irix"));
        assertEquals(DefragPolicy.WINDOWS, DefragPolicy.byName("vista"));
        assertEquals(DefragPolicy.WINDOWS, DefragPolicy.byName("windows2k3"));
        assertEquals(DefragPolicy.BSD_RIGHT, DefragPolicy.byName("bsd-right"));
        assertNull(DefragPolicy.byName("beos"));
        for (DefragPolicy p : DefragPolicy.values()) {
            assertEquals(p, DefragPolicy.byName(p.configName()));
        }
    }

    // ---- through the decoder -------------------------------------------------------------------

    private static String reassemble(PacketDecoder decoder, boolean v6) {
        // A 0..16, then B 8..24, then the end C 24..32: bsd keeps A's 8..16, last takes B's
        Packet r = null;
        String[] parts = {"A", "B", "C"};
        int[][] at = {{0, 16}, {8, 16}, {24, 8}};
        for (int i = 0; i < 3; i++) {
            byte[] data = fill(parts[i].charAt(0), at[i][1]);
            byte[] frame = v6 ? v6(40, at[i][0], i < 2, 58, data) : v4(40, at[i][0], i < 2, 1, data);
            r = new Packet(DefragmenterTest.SLOT).load(frame, LinkType.ETHERNET);
            decoder.decode(r);
        }
        assertTrue(r.reassembled);
        int from = r.l3Offset + (v6 ? 40 : r.ipHeaderLength);
        return new String(Arrays.copyOfRange(r.data, from, r.l3Offset + r.ipTotalLength), StandardCharsets.US_ASCII);
    }

    @Test
    void theDestinationsHostPolicyDecidesTheOverlap() {
        // Fragments go to 10.0.0.2 / fd00::2 (Fragments.DST4 / DST6)
        HostPolicies last = new HostPolicies.Builder().add("10.0.0.2/32", DefragPolicy.LAST).add("fd00::/16", DefragPolicy.LAST).build();
        HostPolicies elsewhere = new HostPolicies.Builder().add("10.9.0.0/16", DefragPolicy.LAST).add("fd01::/16", DefragPolicy.LAST).build();
        for (boolean v6 : new boolean[] {false, true}) {
            PacketDecoder byHost = new PacketDecoder(DecoderConfig.defaults().withChecksumMode(ChecksumMode.ALL),
                    DefragConfig.defaults().withHostPolicies(last));
            assertEquals("AAAAAAAABBBBBBBBBBBBBBBBCCCCCCCC", reassemble(byHost, v6), "last: B over A");
            PacketDecoder byDefault = new PacketDecoder(DecoderConfig.defaults().withChecksumMode(ChecksumMode.ALL),
                    DefragConfig.defaults().withHostPolicies(elsewhere));
            assertEquals("AAAAAAAAAAAAAAAABBBBBBBBCCCCCCCC", reassemble(byDefault, v6), "bsd: A kept");
            PacketDecoder byDefaultPolicy = new PacketDecoder(DecoderConfig.defaults().withChecksumMode(ChecksumMode.ALL),
                    DefragConfig.defaults().withPolicy(DefragPolicy.LAST).withHostPolicies(elsewhere));
            assertEquals("AAAAAAAABBBBBBBBBBBBBBBBCCCCCCCC", reassemble(byDefaultPolicy, v6), "default policy last");
        }
    }
}
