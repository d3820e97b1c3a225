package io.crowsnest.capture.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CapabilitiesTest {
    static final String ROOT = """
        Name:\tjava
        Umask:\t0022
        State:\tS (sleeping)
        Uid:\t0\t0\t0\t0
        CapInh:\t0000000000000000
        CapPrm:\t000001ffffffffff
        CapEff:\t000001ffffffffff
        CapBnd:\t000001ffffffffff
        CapAmb:\t0000000000000000
        NoNewPrivs:\t0
        """;
    static final String UNPRIVILEGED = ROOT.replace("CapEff:\t000001ffffffffff", "CapEff:\t0000000000000000");
    /** java with setcap cap_net_raw+eip only. */
    static final String RAW_ONLY = ROOT.replace("CapEff:\t000001ffffffffff", "CapEff:\t0000000000002000");
    /** A default Docker container: no NET_ADMIN, NET_RAW present. */
    static final String DOCKER_DEFAULT = ROOT.replace("CapEff:\t000001ffffffffff", "CapEff:\t00000000a80425fb");
    static final String NET_BOTH = ROOT.replace("CapEff:\t000001ffffffffff", "CapEff:\t0000000000003000");

    @Test
    void parsesCapEff() {
        assertEquals(0x1ffffffffffL, Capabilities.parseCapEff(ROOT));
        assertEquals(0L, Capabilities.parseCapEff(UNPRIVILEGED));
        assertEquals(-1L, Capabilities.parseCapEff("Name:\tjava\n"));
        assertEquals(-1L, Capabilities.parseCapEff("CapEff:\tzz\n"));
    }

    @Test
    void namesMissingCapabilities() {
        assertEquals(List.of(), Capabilities.missing(Capabilities.parseCapEff(ROOT)));
        assertEquals(List.of(), Capabilities.missing(Capabilities.parseCapEff(NET_BOTH)));
        assertEquals(List.of("CAP_NET_RAW", "CAP_NET_ADMIN"), Capabilities.missing(Capabilities.parseCapEff(UNPRIVILEGED)));
        assertEquals(List.of("CAP_NET_ADMIN"), Capabilities.missing(Capabilities.parseCapEff(RAW_ONLY)));
        assertEquals(List.of("CAP_NET_ADMIN"), Capabilities.missing(Capabilities.parseCapEff(DOCKER_DEFAULT)));
        assertEquals(List.of(), Capabilities.missing(-1));
        assertNull(Capabilities.message(Capabilities.parseCapEff(ROOT)));
        String msg = Capabilities.message(Capabilities.parseCapEff(RAW_ONLY));
        assertTrue(msg.startsWith("live capture needs CAP_NET_ADMIN "), msg);
        assertTrue(msg.contains("setcap cap_net_raw,cap_net_admin+eip $(readlink -f $(which java))"), msg);
        assertTrue(msg.contains("NET_ADMIN"), msg);
        assertTrue(!msg.contains("\n"));
    }

    @Test
    void requireFailsAtOnceWithOneLine(@TempDir Path tmp) throws IOException {
        Path status = tmp.resolve("status");
        Files.writeString(status, UNPRIVILEGED);
        LiveCaptureException e = assertThrows(LiveCaptureException.class, () -> Capabilities.require(status));
        assertTrue(e.getMessage().startsWith("live capture needs CAP_NET_RAW and CAP_NET_ADMIN"), e.getMessage());
        assertEquals(0, e.getStackTrace().length, "no stack trace for the user");
        Files.writeString(status, ROOT);
        Capabilities.require(status);
        Capabilities.require(tmp.resolve("absent")); // no procfs: let libpcap decide
    }

    @Test
    void pcapErrorsAreOneLine() {
        assertTrue(PcapErrors.describe("cni0", new RuntimeException("cni0: You don't have permission to perform this capture on that device (socket: Operation not permitted)"))
                .startsWith("cannot capture on cni0: permission denied; live capture needs CAP_NET_RAW"));
        assertTrue(PcapErrors.describe("nope0", new RuntimeException("nope0: No such device exists (No such device exists)"))
                .startsWith("cannot capture on nope0: no such interface"));
        assertTrue(PcapErrors.describe("x", new UnsatisfiedLinkError("Unable to load library 'pcap':\nlibpcap.so: cannot open"))
                .startsWith("cannot load libpcap for live capture: install it"));
        String s = PcapErrors.describe("x", new UnsatisfiedLinkError("Unable to load library 'pcap':\nlibpcap.so: cannot open"));
        assertTrue(!s.contains("\n"), s);
        assertTrue(PcapErrors.describe("cn-br0", new RuntimeException("The interface went down"))
                .contains("the interface is down"));
    }
}
