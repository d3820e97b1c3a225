package io.crowsnest.identity.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.identity.IpKey;
import io.crowsnest.identity.testutil.Root;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A real network namespace with a veth to the host, and a process in it. */
@Tag("root")
class NetnsScannerRootTest {

    static final String NS = "cn-id-test";

    @Test
    void realNamespace() throws Exception {
        Root.require("NetnsScannerRootTest");
        cleanup();
        Process sleep = null;
        try {
            Root.run("ip", "netns", "add", NS);
            Root.run("ip", "link", "add", "cn-id-h", "type", "veth", "peer", "name", "cn-id-c");
            Root.run("ip", "link", "set", "cn-id-c", "netns", NS);
            Root.run("ip", "-n", NS, "addr", "add", "10.251.0.2/24", "dev", "cn-id-c");
            Root.run("ip", "-n", NS, "link", "set", "cn-id-c", "up");
            Root.run("ip", "-n", NS, "link", "set", "lo", "up");
            Root.run("ip", "link", "set", "cn-id-h", "up");
            sleep = new ProcessBuilder("ip", "netns", "exec", NS, "sleep", "60").start();
            long hostNs = NetnsScanner.parseNsLink(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString());
            long pid = sleep.pid(); // ip netns exec execs the command in place
            long ns = -1;
            for (int i = 0; i < 100; i++) {
                ns = NetnsScanner.parseNsLink(Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/net")).toString());
                if (ns != hostNs && Files.readString(Path.of("/proc/" + pid + "/comm")).strip().equals("sleep")) {
                    break;
                }
                Thread.sleep(20);
            }
            assertTrue(ns != hostNs, "sleep never entered the namespace");

            long t = System.nanoTime();
            NetnsScanner.Scan scan = new NetnsScanner().scan();
            System.out.printf("NetnsScanner: %d namespaces scanned in %.1f ms%n", scan.namespaces().size(),
                    (System.nanoTime() - t) / 1e6);
            Netns n = scan.byAddress().get(IpKey.parse("10.251.0.2"));
            assertNotNull(n, "10.251.0.2 not found; scan: " + scan);
            assertEquals(ns, n.inode());
            assertTrue(n.pids().contains((int) pid), n.pids() + " lacks " + pid);
            NetIface c = n.iface("cn-id-c");
            assertNotNull(c, n.interfaces().toString());
            int hostIfindex = Integer.parseInt(Files.readString(Path.of("/sys/class/net/cn-id-h/ifindex")).strip());
            assertEquals(hostIfindex, c.iflink(), "container side iflink = host veth ifindex");
            assertEquals("cn-id-h", c.peerName());
            assertEquals(hostNs, c.peerNetns());
            Netns host = scan.host().orElseThrow();
            assertEquals(hostNs, host.inode());
            assertEquals("cn-id-c", host.iface("cn-id-h").peerName());
        } finally {
            if (sleep != null) {
                sleep.destroyForcibly();
                sleep.waitFor(5, TimeUnit.SECONDS);
            }
            cleanup();
        }
    }

    private static void cleanup() {
        Root.tryRun("ip", "link", "del", "cn-id-h");
        Root.tryRun("ip", "netns", "del", NS);
    }
}
