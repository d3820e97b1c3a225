package io.crowsnest.identity.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.identity.IpKey;
import io.crowsnest.identity.cgroup.ContainerRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fake /proc tree: the host, a docker container, a two-container pod, and a namespace without its own sysfs. */
class NetnsScannerTest {

    static final String DOCKER_ID = "3f4e6a1b2c9d8e7f60718293a4b5c6d7e8f90123456789abcdef0123456789ab";
    static final String PAUSE_ID = "9a0b1c2d3e4f5061728394a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f";
    static final String APP_ID = "0000111122223333444455556666777788889999aaaabbbbccccddddeeeeffff";
    static final String UID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

    static String dev(String... names) {
        StringBuilder b = new StringBuilder("Inter-|   Receive                                                |  Transmit\n"
                + " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n");
        for (String n : names) {
            b.append(String.format("%6s:    1234      10    0    0    0     0          0         0     5678      12    0    0    0     0       0          0%n", n));
        }
        return b.toString();
    }

    static String fibTrie(String subnet, String addr, String bcast) {
        String table = "  +-- 0.0.0.0/0 3 0 5\n"
                + "     |-- 0.0.0.0\n"
                + "        /0 universe UNICAST\n"
                + "     +-- 127.0.0.0/8 2 0 2\n"
                + "        +-- 127.0.0.0/31 1 0 0\n"
                + "           |-- 127.0.0.0\n"
                + "              /8 host LOCAL\n"
                + "           |-- 127.0.0.1\n"
                + "              /32 host LOCAL\n"
                + "        |-- 127.255.255.255\n"
                + "           /32 link BROADCAST\n"
                + "     +-- " + subnet + " 2 0 2\n"
                + "        +-- " + subnet.replace("/24", "/30") + " 2 0 2\n"
                + "           |-- " + subnet.replace("/24", "") + "\n"
                + "              /24 link UNICAST\n"
                + "           |-- " + addr + "\n"
                + "              /32 host LOCAL\n"
                + "        |-- " + bcast + "\n"
                + "           /32 link BROADCAST\n";
        return "Main:\n" + table + "Local:\n" + table;
    }

    private Path proc;

    private void pid(int pid, long netns, String cgroup, String dev, String fib, String inet6) throws IOException {
        Path d = proc.resolve(Integer.toString(pid));
        Files.createDirectories(d.resolve("ns"));
        Files.createDirectories(d.resolve("net"));
        Files.createSymbolicLink(d.resolve("ns/net"), Paths.get("net:[" + netns + "]"));
        Files.writeString(d.resolve("cgroup"), cgroup);
        Files.writeString(d.resolve("net/dev"), dev);
        Files.writeString(d.resolve("net/fib_trie"), fib);
        Files.writeString(d.resolve("net/if_inet6"), inet6);
    }

    private void sysfs(int pid, Object... nameIndexLink) throws IOException {
        for (int i = 0; i < nameIndexLink.length; i += 3) {
            Path d = proc.resolve(pid + "/root/sys/class/net/" + nameIndexLink[i]);
            Files.createDirectories(d);
            Files.writeString(d.resolve("ifindex"), nameIndexLink[i + 1] + "\n");
            Files.writeString(d.resolve("iflink"), nameIndexLink[i + 2] + "\n");
        }
    }

    @Test
    void fakeTree(@TempDir Path tmp) throws IOException {
        proc = tmp.resolve("proc");
        Files.createDirectories(proc.resolve("self/ns"));
        Files.createSymbolicLink(proc.resolve("self/ns/net"), Paths.get("net:[100]"));
        Files.createDirectories(proc.resolve("sys")); // non-pid entries are ignored

        pid(1, 100, "0::/init.scope\n", dev("lo", "eth0", "docker0", "veth1a2b", "vethpod"),
                fibTrie("172.17.0.0/24", "172.17.0.1", "172.17.0.255"),
                "00000000000000000000000000000001 01 80 10 80       lo\n"
                        + "fe80000000000000b0a1c2fffed3e4f5 04 40 20 80  docker0\n");
        sysfs(1, "lo", 1, 1, "eth0", 2, 2, "docker0", 4, 4, "veth1a2b", 8, 7, "vethpod", 12, 3);

        pid(200, 200, "0::/system.slice/docker-" + DOCKER_ID + ".scope\n", dev("lo", "eth0"),
                fibTrie("172.17.0.0/24", "172.17.0.2", "172.17.0.255"), "");
        sysfs(200, "lo", 1, 1, "eth0", 7, 8);

        String podCg = "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + UID.replace('-', '_')
                + ".slice/cri-containerd-";
        String podInet6 = "fd000000000000000000000000000007 03 40 00 80     eth0\n"
                + "fe80000000000000a8bbccfffe000007 03 40 20 80     eth0\n";
        pid(300, 300, podCg + PAUSE_ID + ".scope\n", dev("lo", "eth0"),
                fibTrie("10.244.1.0/24", "10.244.1.7", "10.244.1.255"), podInet6);
        sysfs(300, "lo", 1, 1, "eth0", 2, 2, "docker0", 4, 4); // shares the host's mounts: not trusted
        pid(301, 300, podCg + APP_ID + ".scope\n", dev("lo", "eth0"),
                fibTrie("10.244.1.0/24", "10.244.1.7", "10.244.1.255"), podInet6);
        sysfs(301, "lo", 1, 1, "eth0", 3, 12);

        pid(400, 400, "0::/user.slice/user-0.slice/session-1.scope\n", dev("lo", "cn0"),
                fibTrie("10.251.0.0/24", "10.251.0.2", "10.251.0.255"), "");
        Files.writeString(proc.resolve("400/net/igmp"), "Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n"
                + "1\tlo        :     1      V3\n\t\t\t\t010000E0     1 0:00000000\t\t0\n"
                + "9\tcn0       :     1      V3\n\t\t\t\t010000E0     1 0:00000000\t\t0\n");

        NetnsScanner.Scan s = new NetnsScanner(proc).scan();
        assertEquals(4, s.namespaces().size());

        Netns host = s.host().orElseThrow();
        assertEquals(100, host.inode());
        assertTrue(host.containers().isEmpty());
        assertEquals(List.of(IpKey.parse("172.17.0.1")), host.addresses());

        Map<IpKey, Netns> by = s.byAddress();
        Netns docker = by.get(IpKey.parse("172.17.0.2"));
        assertEquals(200, docker.inode());
        assertEquals(DOCKER_ID, docker.containers().get(0).containerId());
        assertEquals(ContainerRuntime.DOCKER, docker.containers().get(0).runtime());
        NetIface eth0 = docker.iface("eth0");
        assertEquals(8, eth0.iflink());
        assertEquals(100, eth0.peerNetns());
        assertEquals("veth1a2b", eth0.peerName());
        assertEquals("eth0", host.iface("veth1a2b").peerName());
        assertFalse(by.containsKey(IpKey.parse("127.0.0.1")));

        Netns pod = by.get(IpKey.parse("10.244.1.7"));
        assertEquals(List.of(300, 301), pod.pids());
        assertEquals(pod, by.get(IpKey.parse("fd00::7")));
        assertNull(by.get(IpKey.parse("fe80::a8bb:ccff:fe00:7")));
        assertEquals(UID, pod.podUid());
        assertEquals(List.of(PAUSE_ID, APP_ID), pod.containers().stream().map(c -> c.containerId()).toList());
        assertEquals(3, pod.iface("eth0").ifindex()); // pid 301's sysfs, not pause's host view
        assertEquals("vethpod", pod.iface("eth0").peerName());

        Netns bare = by.get(IpKey.parse("10.251.0.2"));
        assertEquals(9, bare.iface("cn0").ifindex()); // from net/igmp
        assertEquals(-1, bare.iface("cn0").iflink());
        assertTrue(bare.containers().isEmpty());
    }

    @Test
    void parsers() {
        assertEquals(4026532177L, NetnsScanner.parseNsLink("net:[4026532177]"));
        assertEquals(-1, NetnsScanner.parseNsLink("mnt:[1]"));
        assertEquals(List.of("lo", "eth0"), NetnsScanner.parseDevNames(dev("lo", "eth0")));
        assertEquals(List.of(IpKey.parse("10.1.2.3")),
                NetnsScanner.parseFibTrieLocal(fibTrie("10.1.2.0/24", "10.1.2.3", "10.1.2.255")));
    }
}
