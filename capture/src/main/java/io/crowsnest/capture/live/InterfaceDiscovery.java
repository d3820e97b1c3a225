package io.crowsnest.capture.live;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Finds the interfaces to capture on a container node, from {@code /sys/class/net} (type,
 * {@code bridge/}, {@code brif/}, {@code master}, {@code device/driver}, {@code uevent} DEVTYPE,
 * {@code flags}, {@code operstate}, {@code ifindex}/{@code iflink}) and {@code ip -d -j addr}
 * ({@code linkinfo.info_kind}, VXLAN/Geneve {@code info_data.id}/{@code port}, addresses).
 * Both sources are injectable so the logic is tested against recorded trees.
 *
 * <h2>Capture-point policy ({@code --interfaces auto})</h2>
 * <ul>
 *   <li><b>Every Linux bridge</b> that is administratively up (docker0, cni0, br-*,
 *       kube-bridge, or any other), opened <b>promiscuous</b>: a bridge device only sees the
 *       frames it forwards between two of its ports when it is promiscuous (without it, only
 *       traffic to and from the host reaches the bridge's taps — measured in the lab). Each frame
 *       between two pods on the same node therefore crosses the capture point exactly once.</li>
 *   <li><b>Not the bridge's ports</b> (the pods' veths, or a VXLAN enslaved to the bridge as in
 *       Docker overlay networks or kube-router): everything they carry is already seen on the bridge.</li>
 *   <li><b>Every VXLAN and Geneve device</b> that is up and not a port of a Linux bridge
 *       (a bridge port is seen on its bridge, or excluded with it) (flannel.1, vxlan.calico, cilium_vxlan, genev_sys_6081), not promiscuous (it is routed,
 *       not bridged), with the <b>duplicate-avoidance filter</b> below.</li>
 *   <li>Never {@code lo}, physical NICs, or any other interface (veths of routed CNIs, dummy,
 *       ipvlan …) unless named explicitly.</li>
 *   <li>{@code --exclude GLOB,...} removes matching names ({@code *}, {@code ?}, {@code [..]}).</li>
 * </ul>
 *
 * <h2>Cross-node traffic seen once</h2>
 * A packet between a local pod and a pod on another node crosses two capture points: the
 * overlay device (decapsulated) and the local bridge (between the pod's veth and the host's
 * routing). The bridge copy is the one kept: it is the only copy of same-node traffic anyway and
 * carries the pod's own addresses. The overlay device is opened with a kernel BPF filter that
 * drops every packet whose source or destination lies in the subnet of a captured bridge
 * (the local pod CIDRs, from the bridges' addresses), except the overlay device's own addresses
 * (flannel gives {@code flannel.1} the {@code .0} of the node's pod CIDR):
 * <pre>not ((src net 10.244.1.0/24 and not src host 10.244.1.0) or (dst net 10.244.1.0/24 and not dst host 10.244.1.0))</pre>
 * What remains on the overlay is cross-node traffic that never touches a local bridge
 * (host-network pods, the node itself, routed CNIs without a bridge), so nothing is lost and
 * nothing is seen twice. The filter is recomputed at every rescan: when a bridge's subnet changes,
 * the watcher reports the overlay target as changed and the capture re-applies it. Without any
 * captured bridge address (no {@code ip}, or no bridge) the overlay is captured unfiltered.
 *
 * <p>Explicit {@code --interfaces a,b} captures exactly the named interfaces (bridges
 * promiscuous, overlays with the same filter relative to the named bridges).
 */
public final class InterfaceDiscovery {

    /** What to capture: {@code auto}, or explicit names; minus exclude globs. */
    public record Selection(boolean auto, List<String> names, List<String> excludes) {
        public static Selection automatic() {
            return new Selection(true, List.of(), List.of());
        }

        /** Parses {@code --interfaces auto|NAME,...} and {@code --exclude GLOB,...} (either may be null). */
        public static Selection parse(String interfaces, String exclude) {
            List<String> ex = split(exclude);
            if (interfaces == null || interfaces.isBlank() || interfaces.trim().equals("auto")) {
                return new Selection(true, List.of(), ex);
            }
            return new Selection(false, split(interfaces), ex);
        }

        private static List<String> split(String s) {
            List<String> out = new ArrayList<>();
            if (s != null) {
                for (String p : s.split(",")) {
                    if (!p.isBlank()) {
                        out.add(p.trim());
                    }
                }
            }
            return List.copyOf(out);
        }
    }

    private final Path sysClassNet;
    private final Supplier<String> ipJson;
    private final Predicate<String> visible;

    /** The real node: {@code /sys/class/net} and {@code ip -d -j addr show}. */
    public InterfaceDiscovery() {
        this(Path.of("/sys/class/net"), InterfaceDiscovery::runIp);
    }

    /**
     * @param sysClassNet the {@code /sys/class/net} directory (a fake tree in tests)
     * @param ipJson      supplies {@code ip -d -j addr show} output; may return null (sysfs only)
     */
    public InterfaceDiscovery(Path sysClassNet, Supplier<String> ipJson) {
        this(sysClassNet, ipJson, n -> true);
    }

    /**
     * @param visible only interfaces whose name passes are considered at all (the root tests use
     *                it to stay inside their own {@code cn-t*} interfaces on a shared host)
     */
    public InterfaceDiscovery(Path sysClassNet, Supplier<String> ipJson, Predicate<String> visible) {
        this.sysClassNet = sysClassNet;
        this.ipJson = ipJson;
        this.visible = visible;
    }

    /** Reads every interface. Never throws on a vanishing interface (it is simply skipped). */
    public List<NetInterface> scan() {
        Map<String, Map<String, Object>> ip = new HashMap<>();
        String json = ipJson == null ? null : ipJson.get();
        if (json != null && !json.isBlank()) {
            for (Object o : MiniJson.arr(MiniJson.parse(json))) {
                Map<String, Object> m = MiniJson.obj(o);
                String n = MiniJson.str(m.get("ifname"));
                if (n != null) {
                    ip.put(n, m);
                }
            }
        }
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(sysClassNet)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(sysClassNet)) {
                for (Path p : ds) {
                    names.add(p.getFileName().toString());
                }
            } catch (IOException e) {
                // unreadable sysfs: fall back to what ip reported
            }
        }
        for (String n : ip.keySet()) {
            if (!names.contains(n)) {
                names.add(n);
            }
        }
        Collections.sort(names);
        List<NetInterface> out = new ArrayList<>();
        for (String n : names) {
            if (!visible.test(n)) {
                continue;
            }
            NetInterface ni = read(n, ip.getOrDefault(n, Map.of()));
            if (ni != null) {
                out.add(ni);
            }
        }
        return out;
    }

    private NetInterface read(String name, Map<String, Object> ip) {
        Path d = sysClassNet.resolve(name);
        boolean inSys = Files.isDirectory(d);
        if (!inSys && ip.isEmpty()) {
            return null;
        }
        int ifindex = (int) parseLong(readLine(d.resolve("ifindex")), MiniJson.num(ip.get("ifindex"), -1));
        int iflink = (int) parseLong(readLine(d.resolve("iflink")), ifindex);
        int type = (int) parseLong(readLine(d.resolve("type")),
                "loopback".equals(MiniJson.str(ip.get("link_type"))) ? 772 : 1);
        String flags = readLine(d.resolve("flags"));
        boolean up;
        if (flags != null) {
            up = (parseLong(flags, 0) & 1) != 0;
        } else {
            up = MiniJson.arr(ip.get("flags")).contains("UP");
        }
        String operstate = readLine(d.resolve("operstate"));
        if (operstate == null) {
            operstate = String.valueOf(ip.getOrDefault("operstate", "unknown")).toLowerCase(Locale.ROOT);
        }

        String master = null;
        Path m = d.resolve("master");
        if (Files.exists(m) || Files.isSymbolicLink(m)) {
            master = linkName(m);
        }
        if (master == null) {
            master = MiniJson.str(ip.get("master"));
        }
        String driver = null;
        Path drv = d.resolve("device").resolve("driver");
        if (Files.exists(drv) || Files.isSymbolicLink(drv)) {
            driver = linkName(drv);
        }

        Map<String, Object> linkinfo = MiniJson.obj(ip.get("linkinfo"));
        Map<String, Object> infoData = MiniJson.obj(linkinfo.get("info_data"));
        String kind = MiniJson.str(linkinfo.get("info_kind"));
        if (kind == null || kind.isEmpty()) {
            String devtype = ueventDevtype(d.resolve("uevent"));
            if (Files.isDirectory(d.resolve("bridge"))) {
                kind = "bridge";
            } else if (devtype != null) {
                kind = devtype;
            } else if (type == 772) {
                kind = "loopback";
            } else if (Files.isDirectory(d.resolve("device"))) {
                kind = "device";
            } else {
                kind = "";
            }
        }
        List<String> members = new ArrayList<>();
        Path brif = d.resolve("brif");
        if (Files.isDirectory(brif)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(brif)) {
                for (Path p : ds) {
                    members.add(p.getFileName().toString());
                }
            } catch (IOException e) {
                // vanished while reading
            }
            Collections.sort(members);
        }
        long vni = -1;
        int port = -1;
        if ("vxlan".equals(kind) || "geneve".equals(kind)) {
            vni = MiniJson.num(infoData.get("id"), -1);
            port = (int) MiniJson.num(infoData.get("port"), "geneve".equals(kind) ? 6081 : -1);
        }
        List<String> addrs = new ArrayList<>();
        for (Object a : MiniJson.arr(ip.get("addr_info"))) {
            Map<String, Object> am = MiniJson.obj(a);
            String local = MiniJson.str(am.get("local"));
            long plen = MiniJson.num(am.get("prefixlen"), -1);
            String scope = MiniJson.str(am.get("scope"));
            if (local != null && plen >= 0 && !"link".equals(scope) && !"host".equals(scope)) {
                addrs.add(local + "/" + plen);
            }
        }
        return new NetInterface(name, ifindex, iflink, type, kind, driver, master, up, operstate,
                List.copyOf(members), vni, port, List.copyOf(addrs));
    }

    /**
     * Applies the capture-point policy (see the class comment) to a scan.
     *
     * @return the targets, in interface-name order
     */
    public static List<CaptureTarget> select(List<NetInterface> all, Selection sel) {
        List<PathMatcher> excludes = new ArrayList<>();
        for (String g : sel.excludes()) {
            excludes.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
        }
        Map<String, NetInterface> byName = new HashMap<>();
        for (NetInterface n : all) {
            byName.put(n.name(), n);
        }
        // 1. bridges
        List<NetInterface> bridges = new ArrayList<>();
        List<NetInterface> chosen = new ArrayList<>();
        for (NetInterface n : all) {
            if (excluded(n.name(), excludes)) {
                continue;
            }
            boolean pick;
            if (sel.auto()) {
                pick = n.isBridge() && n.up();
            } else {
                pick = sel.names().contains(n.name());
            }
            if (pick && n.isBridge()) {
                bridges.add(n);
            }
            if (pick) {
                chosen.add(n);
            }
        }
        // 2. overlays, unless they are a port of a Linux bridge (then the bridge carries their frames)
        if (sel.auto()) {
            for (NetInterface n : all) {
                NetInterface master = n.master() == null ? null : byName.get(n.master());
                boolean bridgePort = master != null && master.isBridge();
                if (n.isOverlay() && n.up() && !excluded(n.name(), excludes) && !bridgePort) {
                    chosen.add(n);
                }
            }
        }
        List<String> localNets = new ArrayList<>();
        for (NetInterface b : bridges) {
            for (String a : b.addresses()) {
                String net = network(a);
                if (net != null && !localNets.contains(net)) {
                    localNets.add(net);
                }
            }
        }
        List<CaptureTarget> out = new ArrayList<>();
        chosen.sort((x, y) -> x.name().compareTo(y.name()));
        for (NetInterface n : chosen) {
            if (n.isBridge()) {
                out.add(new CaptureTarget(n.name(), CaptureTarget.Role.BRIDGE, true, null,
                        "bridge" + (n.members().isEmpty() ? "" : " of " + n.members())));
            } else if (n.isOverlay()) {
                String f = overlayFilter(localNets, n.addresses());
                out.add(new CaptureTarget(n.name(), CaptureTarget.Role.OVERLAY, false, f,
                        n.kind() + (n.vni() >= 0 ? " vni " + n.vni() : "")
                                + (n.udpPort() >= 0 ? " udp " + n.udpPort() : "")
                                + (f == null ? "" : "; local pod subnets " + localNets + " are seen on their bridge")));
            } else {
                out.add(new CaptureTarget(n.name(), CaptureTarget.Role.OTHER, false, null, "named explicitly"));
            }
        }
        return out;
    }

    /** Scans and selects in one go. */
    public List<CaptureTarget> targets(Selection sel) {
        return select(scan(), sel);
    }

    /**
     * The overlay's duplicate-avoidance filter: drop packets to or from the local pod subnets
     * (seen on their bridge), except the overlay device's own addresses. Null when no subnet.
     */
    static String overlayFilter(List<String> localNets, List<String> overlayAddresses) {
        if (localNets.isEmpty()) {
            return null;
        }
        List<String> own = new ArrayList<>();
        for (String a : overlayAddresses) {
            own.add(a.substring(0, a.indexOf('/')));
        }
        StringBuilder b = new StringBuilder("not (");
        boolean first = true;
        for (String net : localNets) {
            for (String dir : new String[] {"src", "dst"}) {
                if (!first) {
                    b.append(" or ");
                }
                first = false;
                b.append('(').append(dir).append(" net ").append(net);
                for (String h : own) {
                    if (inNet(h, net)) {
                        b.append(" and not ").append(dir).append(" host ").append(h);
                    }
                }
                b.append(')');
            }
        }
        return b.append(')').toString();
    }

    /** {@code 10.244.1.1/24} → {@code 10.244.1.0/24}; null when unparseable. */
    static String network(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            return null;
        }
        try {
            byte[] a = InetAddress.getByName(cidr.substring(0, slash)).getAddress();
            int plen = Integer.parseInt(cidr.substring(slash + 1));
            if (plen < 0 || plen > a.length * 8) {
                return null;
            }
            for (int bit = plen; bit < a.length * 8; bit++) {
                a[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
            }
            String host = InetAddress.getByAddress(a).getHostAddress();
            if (a.length == 16) {
                host = compressV6(host);
            }
            return host + "/" + plen;
        } catch (UnknownHostException | NumberFormatException e) {
            return null;
        }
    }

    static boolean inNet(String host, String net) {
        int slash = net.indexOf('/');
        String n = network(host + net.substring(slash));
        return net.equals(n);
    }

    private static String compressV6(String full) {
        // Java prints 0:0:0:0:..; libpcap accepts it, but keep it readable: longest zero run -> ::
        String[] parts = full.split(":");
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < parts.length; ) {
            if (parts[i].equals("0")) {
                int j = i;
                while (j < parts.length && parts[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLen) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestLen < 2) {
            return full;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(parts, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(parts, bestStart + bestLen, parts.length));
        return head + "::" + tail;
    }

    private static boolean excluded(String name, List<PathMatcher> excludes) {
        Path p = Path.of(name);
        for (PathMatcher m : excludes) {
            if (m.matches(p)) {
                return true;
            }
        }
        return false;
    }

    private static String readLine(Path p) {
        try {
            String s = Files.readString(p, StandardCharsets.UTF_8).trim();
            return s.isEmpty() ? null : s;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long parseLong(String s, long dflt) {
        if (s == null) {
            return dflt;
        }
        try {
            return s.startsWith("0x") ? Long.parseLong(s.substring(2), 16) : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    private static String linkName(Path p) {
        try {
            if (Files.isSymbolicLink(p)) {
                return Files.readSymbolicLink(p).getFileName().toString();
            }
            String s = readLine(p); // fake trees may store the name in a plain file
            return s == null ? null : Path.of(s).getFileName().toString();
        } catch (IOException e) {
            return null;
        }
    }

    private static String ueventDevtype(Path uevent) {
        try {
            for (String line : Files.readAllLines(uevent, StandardCharsets.UTF_8)) {
                if (line.startsWith("DEVTYPE=")) {
                    return line.substring(8).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // no uevent
        }
        return null;
    }

    /** Runs {@code ip -d -j addr show}; null when ip is missing or fails. */
    static String runIp() {
        try {
            Process p = new ProcessBuilder("ip", "-d", "-j", "addr", "show")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readAllBytes();
            }
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
