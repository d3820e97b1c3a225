package io.crowsnest.capture.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InterfaceDiscoveryTest {

    /**
     * {@code ip -d -j addr show} of a flannel node with Docker, Calico and OVS leftovers,
     * shaped like the real output (fields trimmed to the ones that matter plus some noise).
     */
    static final String FLANNEL_NODE_JSON = """
        [{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"qdisc":"noqueue",
          "operstate":"UNKNOWN","group":"default","txqlen":1000,"link_type":"loopback","address":"00:00:00:00:00:00",
          "broadcast":"00:00:00:00:00:00","promiscuity":0,"min_mtu":0,"max_mtu":0,
          "addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host","label":"lo",
          "valid_life_time":4294967295,"preferred_life_time":4294967295}]},
         {"ifindex":2,"ifname":"eth0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,
          "operstate":"UP","link_type":"ether","address":"02:fc:00:00:00:01","parentbus":"virtio","parentdev":"virtio0",
          "addr_info":[{"family":"inet","local":"192.168.56.10","prefixlen":24,"broadcast":"192.168.56.255","scope":"global","label":"eth0"}]},
         {"ifindex":3,"ifname":"docker0","flags":["NO-CARRIER","BROADCAST","MULTICAST","UP"],"mtu":1500,"operstate":"DOWN",
          "link_type":"ether","address":"02:42:ac:11:00:01",
          "linkinfo":{"info_kind":"bridge","info_data":{"forward_delay":1500,"hello_time":200,"stp_state":0,"vlan_filtering":0,
          "bridge_id":"8000.2:42:ac:11:0:1","group_addr":"01:80:c2:00:00:00","mcast_snooping":1,"hello_timer":0.00}},
          "addr_info":[{"family":"inet","local":"172.17.0.1","prefixlen":16,"broadcast":"172.17.255.255","scope":"global","label":"docker0"}]},
         {"ifindex":4,"ifname":"flannel.1","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1450,"operstate":"UNKNOWN",
          "link_type":"ether","address":"a2:5e:0c:11:22:33",
          "linkinfo":{"info_kind":"vxlan","info_data":{"id":1,"local":"192.168.56.10","link":"eth0","port_range":{"low":0,"high":0},
          "port":8472,"learning":false,"ttl":0,"df":"unset","ageing":300,"udp_csum":false,"udp_zero_csum6_tx":false,"udp_zero_csum6_rx":false}},
          "addr_info":[{"family":"inet","local":"10.244.1.0","prefixlen":32,"scope":"global","label":"flannel.1"},
                       {"family":"inet6","local":"fe80::a05e:cff:fe11:2233","prefixlen":64,"scope":"link"}]},
         {"ifindex":5,"ifname":"cni0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1450,"operstate":"UP",
          "link_type":"ether","address":"0a:58:0a:f4:01:01","promiscuity":0,
          "linkinfo":{"info_kind":"bridge","info_data":{"forward_delay":1500,"stp_state":0,"vlan_filtering":0}},
          "addr_info":[{"family":"inet","local":"10.244.1.1","prefixlen":24,"broadcast":"10.244.1.255","scope":"global","label":"cni0"},
                       {"family":"inet6","local":"fd00:10:244:1::1","prefixlen":64,"scope":"global"}]},
         {"ifindex":6,"link_index":3,"ifname":"veth1a2b3c4d","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1450,
          "master":"cni0","operstate":"UP","link_type":"ether","address":"c6:aa:bb:cc:dd:01","link_netnsid":0,
          "linkinfo":{"info_kind":"veth","info_slave_kind":"bridge","info_slave_data":{"state":"forwarding","priority":32}}},
         {"ifindex":7,"link_index":3,"ifname":"veth5e6f7a8b","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1450,
          "master":"cni0","operstate":"UP","link_type":"ether","address":"c6:aa:bb:cc:dd:02","link_netnsid":1,
          "linkinfo":{"info_kind":"veth","info_slave_kind":"bridge","info_slave_data":{"state":"forwarding"}}},
         {"ifindex":8,"ifname":"br-0123456789ab","flags":["BROADCAST","MULTICAST"],"mtu":1500,"operstate":"DOWN",
          "link_type":"ether","linkinfo":{"info_kind":"bridge","info_data":{"stp_state":0}},
          "addr_info":[{"family":"inet","local":"172.18.0.1","prefixlen":16,"scope":"global"}]},
         {"ifindex":9,"ifname":"vxlan.calico","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1450,"operstate":"UNKNOWN",
          "link_type":"ether","linkinfo":{"info_kind":"vxlan","info_data":{"id":4096,"local":"192.168.56.10","port":4789,"learning":false}},
          "addr_info":[{"family":"inet","local":"10.250.7.192","prefixlen":32,"scope":"global"}]},
         {"ifindex":10,"ifname":"genev_sys_6081","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":65000,"operstate":"UNKNOWN",
          "link_type":"ether","master":"ovs-system",
          "linkinfo":{"info_kind":"geneve","info_data":{"id":0,"ttl":0,"df":"unset","port":6081,"udp_csum":true},"info_slave_kind":"openvswitch"}},
         {"ifindex":11,"ifname":"kube-bridge","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"operstate":"UP",
          "link_type":"ether","linkinfo":{"info_kind":"bridge","info_data":{"stp_state":0}},"addr_info":[]},
         {"ifindex":12,"ifname":"vxlan0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1450,"operstate":"UNKNOWN",
          "master":"kube-bridge","link_type":"ether",
          "linkinfo":{"info_kind":"vxlan","info_data":{"id":42,"port":4789},"info_slave_kind":"bridge"}}]
        """;

    @TempDir
    Path tmp;

    /** A fake /sys/class/net matching FLANNEL_NODE_JSON. */
    private Path fakeSys() throws IOException {
        Path net = tmp.resolve("sys/class/net");
        iface(net, "lo", 1, 1, 772, "0x9", "unknown");
        Path eth0 = iface(net, "eth0", 2, 2, 1, "0x1003", "up");
        Files.createDirectories(eth0.resolve("device"));
        Path drivers = Files.createDirectories(tmp.resolve("sys/bus/virtio/drivers/virtio_net"));
        Files.createSymbolicLink(eth0.resolve("device/driver"), drivers);
        Path docker0 = iface(net, "docker0", 3, 3, 1, "0x1003", "down");
        Files.createDirectories(docker0.resolve("bridge"));
        Files.createDirectories(docker0.resolve("brif"));
        Files.writeString(docker0.resolve("uevent"), "DEVTYPE=bridge\nINTERFACE=docker0\nIFINDEX=3\n");
        Path fl = iface(net, "flannel.1", 4, 4, 1, "0x1043", "unknown");
        Files.writeString(fl.resolve("uevent"), "DEVTYPE=vxlan\nINTERFACE=flannel.1\nIFINDEX=4\n");
        Path cni0 = iface(net, "cni0", 5, 5, 1, "0x1003", "up");
        Files.createDirectories(cni0.resolve("bridge"));
        for (String v : new String[] {"veth1a2b3c4d", "veth5e6f7a8b"}) {
            Path p = iface(net, v, v.equals("veth1a2b3c4d") ? 6 : 7, 3, 1, "0x1003", "up");
            Files.createDirectories(p.resolve("brport"));
            Files.createSymbolicLink(p.resolve("master"), Path.of("../cni0"));
            Files.createDirectories(cni0.resolve("brif"));
            Files.createSymbolicLink(cni0.resolve("brif").resolve(v), Path.of("../../" + v + "/brport"));
        }
        Path br = iface(net, "br-0123456789ab", 8, 8, 1, "0x1002", "down");
        Files.createDirectories(br.resolve("bridge"));
        iface(net, "vxlan.calico", 9, 9, 1, "0x1003", "unknown");
        iface(net, "genev_sys_6081", 10, 10, 1, "0x1003", "unknown");
        Path kb = iface(net, "kube-bridge", 11, 11, 1, "0x1003", "up");
        Files.createDirectories(kb.resolve("bridge"));
        Path vx0 = iface(net, "vxlan0", 12, 12, 1, "0x1003", "unknown");
        Files.createSymbolicLink(vx0.resolve("master"), Path.of("../kube-bridge"));
        return net;
    }

    private static Path iface(Path net, String name, int ifindex, int iflink, int type, String flags, String oper)
            throws IOException {
        Path d = Files.createDirectories(net.resolve(name));
        Files.writeString(d.resolve("ifindex"), ifindex + "\n");
        Files.writeString(d.resolve("iflink"), iflink + "\n");
        Files.writeString(d.resolve("type"), type + "\n");
        Files.writeString(d.resolve("flags"), flags + "\n");
        Files.writeString(d.resolve("operstate"), oper + "\n");
        return d;
    }

    private static Map<String, CaptureTarget> byName(List<CaptureTarget> ts) {
        return ts.stream().collect(Collectors.toMap(CaptureTarget::name, t -> t));
    }

    @Test
    void scanMergesSysfsAndIpDetails() throws IOException {
        InterfaceDiscovery d = new InterfaceDiscovery(fakeSys(), () -> FLANNEL_NODE_JSON);
        Map<String, NetInterface> all = d.scan().stream().collect(Collectors.toMap(NetInterface::name, n -> n));
        assertEquals(12, all.size());
        NetInterface cni0 = all.get("cni0");
        assertTrue(cni0.isBridge());
        assertEquals(List.of("veth1a2b3c4d", "veth5e6f7a8b"), cni0.members());
        assertEquals(List.of("10.244.1.1/24", "fd00:10:244:1::1/64"), cni0.addresses());
        NetInterface fl = all.get("flannel.1");
        assertTrue(fl.isOverlay());
        assertEquals(1, fl.vni());
        assertEquals(8472, fl.udpPort());
        assertEquals(List.of("10.244.1.0/32"), fl.addresses()); // link-scope fe80 dropped
        assertEquals("veth", all.get("veth1a2b3c4d").kind());
        assertEquals("cni0", all.get("veth1a2b3c4d").master());
        assertEquals(3, all.get("veth1a2b3c4d").iflink());
        assertEquals("virtio_net", all.get("eth0").driver());
        assertTrue(all.get("lo").isLoopback());
        assertFalse(all.get("br-0123456789ab").up());
        assertEquals(6081, all.get("genev_sys_6081").udpPort());
        assertEquals(4096, all.get("vxlan.calico").vni());
        assertEquals("kube-bridge", all.get("vxlan0").master());
    }

    @Test
    void autoPolicyPicksBridgesAndOverlaysOnly() throws IOException {
        InterfaceDiscovery d = new InterfaceDiscovery(fakeSys(), () -> FLANNEL_NODE_JSON);
        Map<String, CaptureTarget> t = byName(d.targets(InterfaceDiscovery.Selection.automatic()));
        // bridges that are up (docker0 is up without carrier), overlays not enslaved to a captured bridge
        assertEquals(List.of("cni0", "docker0", "flannel.1", "genev_sys_6081", "kube-bridge", "vxlan.calico"),
                t.keySet().stream().sorted().toList());
        assertEquals(CaptureTarget.Role.BRIDGE, t.get("cni0").role());
        assertTrue(t.get("cni0").promiscuous(), "a bridge only sees bridged frames when promiscuous");
        assertNull(t.get("cni0").filter());
        assertEquals(CaptureTarget.Role.OVERLAY, t.get("flannel.1").role());
        assertFalse(t.get("flannel.1").promiscuous());
        // duplicate avoidance: the local pod subnets are seen on their bridges, the overlay's own address is kept
        assertEquals("not ((src net 10.244.1.0/24 and not src host 10.244.1.0) or (dst net 10.244.1.0/24"
                + " and not dst host 10.244.1.0) or (src net fd00:10:244:1::/64) or (dst net fd00:10:244:1::/64)"
                + " or (src net 172.17.0.0/16) or (dst net 172.17.0.0/16))", t.get("flannel.1").filter());
    }

    @Test
    void excludeGlobsAndExplicitNames() throws IOException {
        InterfaceDiscovery d = new InterfaceDiscovery(fakeSys(), () -> FLANNEL_NODE_JSON);
        Map<String, CaptureTarget> t = byName(d.targets(InterfaceDiscovery.Selection.parse("auto", "docker*,genev_*,vxlan.*")));
        assertEquals(List.of("cni0", "flannel.1", "kube-bridge"), t.keySet().stream().sorted().toList());
        assertEquals("not ((src net 10.244.1.0/24 and not src host 10.244.1.0) or (dst net 10.244.1.0/24"
                + " and not dst host 10.244.1.0) or (src net fd00:10:244:1::/64) or (dst net fd00:10:244:1::/64))",
                t.get("flannel.1").filter());

        Map<String, CaptureTarget> e = byName(d.targets(InterfaceDiscovery.Selection.parse("eth0,cni0,veth1a2b3c4d,nope", null)));
        assertEquals(List.of("cni0", "eth0", "veth1a2b3c4d"), e.keySet().stream().sorted().toList());
        assertEquals(CaptureTarget.Role.OTHER, e.get("eth0").role());
        assertFalse(e.get("eth0").promiscuous());
        assertTrue(e.get("cni0").promiscuous());
    }

    @Test
    void sysfsOnlyWithoutIp() throws IOException {
        InterfaceDiscovery d = new InterfaceDiscovery(fakeSys(), () -> null);
        Map<String, NetInterface> all = d.scan().stream().collect(Collectors.toMap(NetInterface::name, n -> n));
        assertEquals("bridge", all.get("cni0").kind());
        assertEquals("vxlan", all.get("flannel.1").kind());   // from uevent DEVTYPE
        assertEquals("device", all.get("eth0").kind());
        assertEquals("loopback", all.get("lo").kind());
        Map<String, CaptureTarget> t = byName(InterfaceDiscovery.select(new ArrayList<>(all.values()),
                InterfaceDiscovery.Selection.automatic()));
        assertEquals(List.of("cni0", "docker0", "flannel.1", "kube-bridge"), t.keySet().stream().sorted().toList());
        assertNull(t.get("flannel.1").filter(), "no bridge addresses known: overlay captured unfiltered");
    }

    @Test
    void ipOnlyWithoutSysfs() {
        InterfaceDiscovery d = new InterfaceDiscovery(tmp.resolve("missing"), () -> FLANNEL_NODE_JSON);
        Map<String, CaptureTarget> t = byName(d.targets(InterfaceDiscovery.Selection.automatic()));
        assertEquals(List.of("cni0", "docker0", "flannel.1", "genev_sys_6081", "kube-bridge", "vxlan.calico"),
                t.keySet().stream().sorted().toList());
    }

    @Test
    void vanishedInterfaceIsSkipped() throws IOException {
        Path net = fakeSys();
        // ip still lists veth5e6f7a8b's bridge, sysfs lost cni0 between the two reads: no exception
        deleteTree(net.resolve("cni0"));
        InterfaceDiscovery d = new InterfaceDiscovery(net, () -> "[]");
        List<CaptureTarget> t = d.targets(InterfaceDiscovery.Selection.automatic());
        assertFalse(t.stream().anyMatch(c -> c.name().equals("cni0")));
    }

    @Test
    void networkArithmetic() {
        assertEquals("10.244.1.0/24", InterfaceDiscovery.network("10.244.1.1/24"));
        assertEquals("10.0.0.0/8", InterfaceDiscovery.network("10.250.3.4/8"));
        assertEquals("fd00:10:244:1::/64", InterfaceDiscovery.network("fd00:10:244:1::1/64"));
        assertEquals("192.168.56.11/32", InterfaceDiscovery.network("192.168.56.11/32"));
        assertNull(InterfaceDiscovery.network("garbage"));
        assertTrue(InterfaceDiscovery.inNet("10.244.1.0", "10.244.1.0/24"));
        assertFalse(InterfaceDiscovery.inNet("10.244.2.0", "10.244.1.0/24"));
        assertNull(InterfaceDiscovery.overlayFilter(List.of(), List.of("10.244.1.0/32")));
        assertEquals("not ((src net 10.9.0.0/16) or (dst net 10.9.0.0/16))",
                InterfaceDiscovery.overlayFilter(List.of("10.9.0.0/16"), List.of("10.244.1.0/32")));
    }

    @Test
    void selectionParsing() {
        assertTrue(InterfaceDiscovery.Selection.parse(null, null).auto());
        assertTrue(InterfaceDiscovery.Selection.parse(" auto ", "").auto());
        InterfaceDiscovery.Selection s = InterfaceDiscovery.Selection.parse("cni0, flannel.1", "veth*,lo");
        assertFalse(s.auto());
        assertEquals(List.of("cni0", "flannel.1"), s.names());
        assertEquals(List.of("veth*", "lo"), s.excludes());
    }

    @Test
    void miniJson() {
        Object v = MiniJson.parse("{\"a\":[1,2.5,-3e2,true,false,null,\"x\\\"\\u0041\"],\"b\":{}}");
        Map<String, Object> m = MiniJson.obj(v);
        List<Object> a = MiniJson.arr(m.get("a"));
        assertEquals(1L, a.get(0));
        assertEquals(2.5, a.get(1));
        assertEquals(-300.0, a.get(2));
        assertEquals(Boolean.TRUE, a.get(3));
        assertNull(a.get(5));
        assertEquals("x\"A", a.get(6));
        assertTrue(MiniJson.obj(m.get("b")).isEmpty());
    }

    @Test
    void watcherReportsAddedRemovedChanged() throws IOException {
        Path net = fakeSys();
        String[] json = {FLANNEL_NODE_JSON};
        InterfaceDiscovery d = new InterfaceDiscovery(net, () -> json[0]);
        List<String> events = new ArrayList<>();
        InterfaceWatcher w = new InterfaceWatcher(d, InterfaceDiscovery.Selection.parse("auto", "docker0,kube-bridge,genev*,vxlan.*"),
                (added, removed, changed) -> {
                    added.forEach(t -> events.add("+" + t.name()));
                    removed.forEach(t -> events.add("-" + t.name()));
                    changed.forEach(t -> events.add("~" + t.name()));
                });
        w.rescan();
        assertEquals(List.of("+cni0", "+flannel.1"), events);
        events.clear();
        w.rescan();
        assertTrue(events.isEmpty());
        // a new bridge appears
        Path nb = iface(net, "br-feedbeef", 20, 20, 1, "0x1003", "up");
        Files.createDirectories(nb.resolve("bridge"));
        w.rescan();
        assertEquals(List.of("+br-feedbeef"), events);
        events.clear();
        // cni0's subnet changes: the overlay filter changes
        json[0] = FLANNEL_NODE_JSON.replace("\"local\":\"10.244.1.1\",\"prefixlen\":24", "\"local\":\"10.244.9.1\",\"prefixlen\":24");
        w.rescan();
        assertEquals(List.of("~flannel.1"), events);
        events.clear();
        deleteTree(nb);
        w.rescan();
        assertEquals(List.of("-br-feedbeef"), events);
        w.close();
    }

    private static void deleteTree(Path p) throws IOException {
        if (Files.isDirectory(p) && !Files.isSymbolicLink(p)) {
            try (var s = Files.list(p)) {
                for (Path c : s.toList()) {
                    deleteTree(c);
                }
            }
        }
        Files.delete(p);
    }
}
