package io.crowsnest.identity.proc;

import io.crowsnest.identity.IpKey;
import io.crowsnest.identity.cgroup.CgroupInfo;
import io.crowsnest.identity.cgroup.CgroupParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Maps network namespaces to addresses, interfaces and containers from {@code /proc} alone (no netlink, no
 * {@code nsenter}); needs root (or CAP_SYS_PTRACE + CAP_DAC_READ_SEARCH) to read other processes' entries.
 *
 * <p>How, and why this way:
 * <ul>
 *   <li>Namespaces: {@code readlink /proc/<pid>/ns/net} → {@code net:[inode]}, pids grouped by inode.</li>
 *   <li>Addresses: {@code /proc/<pid>/net/*} always shows the <em>pid's</em> network namespace, whatever its mount
 *       namespace, so {@code /proc/<pid>/net/fib_trie} (IPv4: a {@code |-- a.b.c.d} line followed by
 *       {@code /32 host LOCAL}) and {@code /proc/<pid>/net/if_inet6} (IPv6) are reliable for every namespace.</li>
 *   <li>Interfaces: names from {@code /proc/<pid>/net/dev}; {@code ifindex}/{@code iflink} from
 *       {@code /proc/<pid>/root/sys/class/net/<if>/}. That sysfs belongs to the process's mount namespace: docker,
 *       containerd/runc and {@code ip netns exec} mount a sysfs for the container's own network namespace there,
 *       but a process sharing the host's mounts would show the host's devices. A pid's sysfs is therefore trusted
 *       only when its {@code class/net} entries are exactly the namespace's {@code net/dev} names; otherwise the
 *       next pid is tried, and failing all, ifindex comes from {@code net/igmp}/{@code if_inet6} and iflink is
 *       unknown.</li>
 *   <li>veth peers: a container's {@code eth0} has {@code iflink} = the host-side veth's {@code ifindex} (and vice
 *       versa); peers are matched across all scanned namespaces on that pair of indexes.</li>
 *   <li>Containers: {@code /proc/<pid>/cgroup} of the namespace's processes through {@link CgroupParser}.</li>
 * </ul>
 * The {@code /proc} root is injectable for tests. Processes that exit mid-scan are skipped.
 */
public final class NetnsScanner {

    private static final int MAX_SYSFS_TRIES = 8;
    private final Path proc;

    public NetnsScanner() {
        this(Paths.get("/proc"));
    }

    public NetnsScanner(Path procRoot) {
        this.proc = procRoot;
    }

    /** The result of one scan. */
    public record Scan(List<Netns> namespaces) {

        /** Address → namespace (the first namespace listing it; the host's addresses map to the host). */
        public Map<IpKey, Netns> byAddress() {
            Map<IpKey, Netns> m = new LinkedHashMap<>();
            for (Netns n : namespaces) {
                for (IpKey a : n.addresses()) {
                    m.putIfAbsent(a, n);
                }
            }
            return m;
        }

        public Optional<Netns> byInode(long inode) {
            return namespaces.stream().filter(n -> n.inode() == inode).findFirst();
        }

        public Optional<Netns> ofPid(int pid) {
            return namespaces.stream().filter(n -> n.pids().contains(pid)).findFirst();
        }

        public Optional<Netns> host() {
            return namespaces.stream().filter(Netns::host).findFirst();
        }
    }

    public Scan scan() throws IOException {
        long self = netnsOf("self");
        Map<Long, List<Integer>> groups = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(proc)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (!isPid(name)) {
                    continue;
                }
                long ino = netnsOf(name);
                if (ino > 0) {
                    groups.computeIfAbsent(ino, k -> new ArrayList<>()).add(Integer.parseInt(name));
                }
            }
        }
        if (self <= 0) {
            self = netnsOf("1");
        }
        List<Netns> out = new ArrayList<>();
        for (var e : groups.entrySet()) {
            List<Integer> pids = e.getValue();
            Collections.sort(pids);
            Netns n = describe(e.getKey(), pids, e.getKey() == self);
            if (n != null) {
                out.add(n);
            }
        }
        return new Scan(resolvePeers(out));
    }

    private Netns describe(long inode, List<Integer> pids, boolean host) {
        Set<IpKey> addrs = null;
        List<String> devs = null;
        Map<String, Integer> v6Index = new HashMap<>();
        int reader = -1;
        for (int pid : pids) { // the first pid still alive whose net files read
            try {
                Path net = proc.resolve(Integer.toString(pid)).resolve("net");
                devs = readDevNames(net.resolve("dev"));
                addrs = new LinkedHashSet<>(parseFibTrieLocal(read(net.resolve("fib_trie"))));
                Path v6 = net.resolve("if_inet6");
                if (Files.exists(v6)) {
                    addrs.addAll(parseIfInet6(read(v6), v6Index));
                }
                reader = pid;
                break;
            } catch (IOException | RuntimeException ignored) {
                // exited or unreadable: try the next pid
            }
        }
        if (reader < 0) {
            return null;
        }
        List<NetIface> ifaces = interfaces(pids, reader, devs, v6Index);
        List<CgroupInfo> containers = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int pid : pids) {
            try {
                Optional<CgroupInfo> ci = CgroupParser.parse(read(proc.resolve(pid + "/cgroup")));
                if (ci.isPresent() && seen.add(ci.get().containerId() + "|" + ci.get().podUid())) {
                    containers.add(ci.get());
                }
            } catch (IOException ignored) {
                // exited
            }
        }
        return new Netns(inode, List.copyOf(pids), List.copyOf(addrs), ifaces, List.copyOf(containers), host);
    }

    private List<NetIface> interfaces(List<Integer> pids, int reader, List<String> devs, Map<String, Integer> v6Index) {
        Set<String> want = new HashSet<>(devs);
        int tries = 0;
        for (int pid : pids) {
            if (tries++ >= MAX_SYSFS_TRIES) {
                break;
            }
            Path cls = proc.resolve(pid + "/root/sys/class/net");
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(cls)) {
                Set<String> have = new HashSet<>();
                for (Path p : ds) {
                    have.add(p.getFileName().toString());
                }
                if (!have.equals(want)) {
                    continue; // this pid's sysfs is another namespace's (shares the host's mounts)
                }
                List<NetIface> out = new ArrayList<>();
                for (String d : devs) {
                    out.add(new NetIface(d, readInt(cls.resolve(d).resolve("ifindex")),
                            readInt(cls.resolve(d).resolve("iflink")), 0, null));
                }
                return out;
            } catch (IOException | RuntimeException ignored) {
                // try the next pid
            }
        }
        Map<String, Integer> idx = new HashMap<>(v6Index);
        try {
            idx.putAll(parseIgmpIndexes(read(proc.resolve(reader + "/net/igmp"))));
        } catch (IOException ignored) {
            // no igmp: leave unknown
        }
        List<NetIface> out = new ArrayList<>();
        for (String d : devs) {
            out.add(new NetIface(d, idx.getOrDefault(d, -1), -1, 0, null));
        }
        return out;
    }

    private static List<Netns> resolvePeers(List<Netns> all) {
        // (ifindex, iflink) → (netns, name); a veth pair is A(ifindex=x, iflink=y) and B(ifindex=y, iflink=x)
        Map<Long, List<Object[]>> byPair = new HashMap<>();
        for (Netns n : all) {
            for (NetIface i : n.interfaces()) {
                if (i.paired()) {
                    byPair.computeIfAbsent(((long) i.ifindex() << 32) | (i.iflink() & 0xFFFFFFFFL), k -> new ArrayList<>())
                            .add(new Object[] {n.inode(), i.name()});
                }
            }
        }
        List<Netns> out = new ArrayList<>(all.size());
        for (Netns n : all) {
            List<NetIface> ifs = new ArrayList<>(n.interfaces().size());
            for (NetIface i : n.interfaces()) {
                NetIface r = i;
                if (i.paired()) {
                    List<Object[]> c = byPair.get(((long) i.iflink() << 32) | (i.ifindex() & 0xFFFFFFFFL));
                    if (c != null) {
                        List<Object[]> others = new ArrayList<>();
                        for (Object[] o : c) {
                            if ((long) o[0] != n.inode()) {
                                others.add(o);
                            }
                        }
                        if (others.size() == 1) { // ambiguous matches are left unresolved
                            r = i.withPeer((long) others.get(0)[0], (String) others.get(0)[1]);
                        }
                    }
                }
                ifs.add(r);
            }
            out.add(new Netns(n.inode(), n.pids(), n.addresses(), List.copyOf(ifs), n.containers(), n.host()));
        }
        return out;
    }

    /**
     * The local addresses of {@code pid}'s network namespace, as {@link Netns#addresses()} lists them (IPv4 from
     * {@code fib_trie}, global IPv6 from {@code if_inet6}); for sources that already know which process to ask.
     */
    public List<IpKey> addressesOf(int pid) throws IOException {
        Path net = proc.resolve(Integer.toString(pid)).resolve("net");
        Set<IpKey> addrs = new LinkedHashSet<>(parseFibTrieLocal(read(net.resolve("fib_trie"))));
        Path v6 = net.resolve("if_inet6");
        if (Files.exists(v6)) {
            addrs.addAll(parseIfInet6(read(v6), new HashMap<>()));
        }
        return List.copyOf(addrs);
    }

    /** The inode of {@code pid}'s network namespace, or -1 when it is gone or unreadable. */
    public long netnsInode(int pid) {
        return netnsOf(Integer.toString(pid));
    }

    /** The inode of this process's own network namespace (the host's, for a sensor on the host network). */
    public long ownNetnsInode() {
        long self = netnsOf("self");
        return self > 0 ? self : netnsOf("1");
    }

    /** The {@code /proc} root this scanner reads. */
    public Path procRoot() {
        return proc;
    }

    // ---- parsing (package-private for tests) --------------------------------------------------------------------

    long netnsOf(String pid) {
        try {
            return parseNsLink(Files.readSymbolicLink(proc.resolve(pid).resolve("ns").resolve("net")).toString());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static long parseNsLink(String link) {
        int a = link.indexOf('[');
        int b = link.indexOf(']');
        if (!link.startsWith("net:") || a < 0 || b < a) {
            return -1;
        }
        return Long.parseLong(link.substring(a + 1, b));
    }

    /** IPv4 addresses that {@code fib_trie} marks {@code /32 host LOCAL}, loopback excluded. */
    static List<IpKey> parseFibTrieLocal(String fibTrie) {
        Set<IpKey> out = new LinkedHashSet<>();
        String last = null;
        for (String raw : fibTrie.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("|--")) {
                last = line.substring(3).strip();
            } else if (last != null && line.startsWith("/32 ") && line.contains("host LOCAL")) {
                if (!last.startsWith("127.")) {
                    out.add(IpKey.parse(last));
                }
            } else if (line.startsWith("+--") || line.endsWith(":")) {
                last = null;
            }
        }
        return new ArrayList<>(out);
    }

    /** Global-scope IPv6 addresses from {@code if_inet6}; fills name → ifindex. */
    static List<IpKey> parseIfInet6(String ifInet6, Map<String, Integer> indexOut) {
        List<IpKey> out = new ArrayList<>();
        for (String line : ifInet6.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 6 || f[0].length() != 32) {
                continue;
            }
            indexOut.put(f[5], Integer.parseInt(f[1], 16));
            int scope = Integer.parseInt(f[3], 16);
            if (scope != 0) {
                continue; // host (::1), link (fe80::) and site scopes say nothing about who is talking
            }
            out.add(new IpKey(Long.parseUnsignedLong(f[0].substring(0, 16), 16),
                    Long.parseUnsignedLong(f[0].substring(16), 16)));
        }
        return out;
    }

    static Map<String, Integer> parseIgmpIndexes(String igmp) {
        Map<String, Integer> out = new HashMap<>();
        for (String line : igmp.split("\n")) {
            if (line.isEmpty() || Character.isWhitespace(line.charAt(0)) || line.startsWith("Idx")) {
                continue;
            }
            String[] f = line.strip().split("\\s+");
            if (f.length >= 2) {
                try {
                    out.put(f[1], Integer.parseInt(f[0]));
                } catch (NumberFormatException ignored) {
                    // not an interface line
                }
            }
        }
        return out;
    }

    static List<String> parseDevNames(String dev) {
        List<String> out = new ArrayList<>();
        for (String line : dev.split("\n")) {
            int c = line.indexOf(':');
            if (c > 0 && !line.contains("|")) {
                out.add(line.substring(0, c).strip());
            }
        }
        return out;
    }

    private static List<String> readDevNames(Path p) throws IOException {
        return parseDevNames(read(p));
    }

    private static String read(Path p) throws IOException {
        return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
    }

    private static int readInt(Path p) throws IOException {
        return Integer.parseInt(read(p).strip());
    }

    private static boolean isPid(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

}
