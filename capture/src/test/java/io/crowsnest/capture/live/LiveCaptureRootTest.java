package io.crowsnest.capture.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.lmax.disruptor.EventHandler;
import io.crowsnest.capture.ring.PacketRing;
import io.crowsnest.decoders.DecoderConfig;
import io.crowsnest.decoders.Packet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Live capture on real Linux networking (root only; fails, never skips, when not root).
 *
 * <p>libpcap opens interfaces in the network namespace of the calling thread, and Java cannot
 * {@code setns}, so "node A" is the root namespace, restricted to interfaces named
 * {@code cn-t*}: bridge {@code cn-tbr0} (10.250.1.1/24) with two pods (namespaces
 * {@code cn-tpod1} 10.250.1.10 and {@code cn-tpod2} 10.250.1.11, root-side veths
 * {@code cn-tv1}/{@code cn-tv2}); "node B" is the namespace {@code cn-tnodeB} with bridge
 * {@code cn-tbr1} (10.250.2.1/24) and pod {@code cn-tpod3} 10.250.2.10. The nodes are joined by
 * an underlay veth ({@code cn-tul0} 10.250.255.1/30 ↔ {@code cn-tul1} .2) and a flannel-style
 * VXLAN {@code cn-tvx0} (VNI 250, UDP 8472, {@code /32} address 10.250.x.0, onlink routes,
 * static neighbour and FDB entries). Forwarding is enabled per interface on the test's own
 * interfaces only (the host's global {@code ip_forward} is left alone).
 */
@Tag("root")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveCaptureRootTest {
    static final String VX_MAC_A = "02:cn:00:00:0a:01".replace("cn", "c0");
    static final String VX_MAC_B = "02:cn:00:00:0b:01".replace("cn", "c0");
    static final long POD1 = ip(10, 250, 1, 10), POD2 = ip(10, 250, 1, 11), POD3 = ip(10, 250, 2, 10);
    static final long VXA = ip(10, 250, 1, 0);

    /** Received slots, recorded by a ring worker. */
    record Seen(long src, long dst, int proto, int icmpType, int icmpSeq, int ifaceId, int linkType,
                long tsSeconds, int wireLength, int length) {
    }

    final java.util.Queue<Seen> seen = new java.util.concurrent.ConcurrentLinkedQueue<>();
    final AtomicLong slots = new AtomicLong();
    volatile java.util.concurrent.CountDownLatch hold;
    final List<String> log = new CopyOnWriteArrayList<>();
    PacketRing ring;
    LiveCapture capture;
    InterfaceWatcher watcher;

    static long ip(int a, int b, int c, int d) {
        return Packet.V4_MAPPED_LO_PREFIX | ((long) a << 24) | ((long) b << 16) | ((long) c << 8) | d;
    }

    @BeforeAll
    void requireRootAndBuild() throws Exception {
        String status = Files.readString(Path.of("/proc/self/status"), StandardCharsets.UTF_8);
        String uid = status.lines().filter(l -> l.startsWith("Uid:")).findFirst().orElse("Uid: ?");
        if (!uid.split("\\s+")[1].equals("0")) {
            fail("LiveCaptureRootTest needs root (it creates network namespaces, a bridge, veths and a VXLAN and "
                    + "captures with libpcap); this JVM runs as " + uid.trim() + ". Run as root, e.g. "
                    + "'sudo mvn -pl capture install -Dgroups=root', or leave the 'root' group excluded.");
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))
                && !Files.isExecutable(Path.of("/usr/bin/ip")) && !Files.isExecutable(Path.of("/bin/ip"))) {
            fail("LiveCaptureRootTest needs iproute2 ('apt-get install -y iproute2')");
        }
        teardown();
        sh("ip netns add cn-tpod1", "ip netns add cn-tpod2", "ip netns add cn-tpod3", "ip netns add cn-tnodeB",
                // node A = root namespace (cn-t* only)
                "ip link add cn-tbr0 type bridge",
                "sysctl -qw net.ipv6.conf.cn-tbr0.disable_ipv6=1",
                "ip addr add 10.250.1.1/24 dev cn-tbr0",
                "ip link set cn-tbr0 up",
                "ip link add cn-tv1 type veth peer name eth0 netns cn-tpod1",
                "ip link add cn-tv2 type veth peer name eth0 netns cn-tpod2",
                "sysctl -qw net.ipv6.conf.cn-tv1.disable_ipv6=1",
                "sysctl -qw net.ipv6.conf.cn-tv2.disable_ipv6=1",
                "ip link set cn-tv1 master cn-tbr0 up",
                "ip link set cn-tv2 master cn-tbr0 up",
                pod("cn-tpod1", "10.250.1.10/24", "10.250.1.1"),
                pod("cn-tpod2", "10.250.1.11/24", "10.250.1.1"),
                // node B
                "ip netns exec cn-tnodeB sysctl -qw net.ipv4.ip_forward=1",
                "ip -n cn-tnodeB link set lo up",
                "ip -n cn-tnodeB link add cn-tbr1 type bridge",
                "ip -n cn-tnodeB addr add 10.250.2.1/24 dev cn-tbr1",
                "ip -n cn-tnodeB link set cn-tbr1 up",
                "ip -n cn-tnodeB link add cn-tv3 type veth peer name eth0 netns cn-tpod3",
                "ip -n cn-tnodeB link set cn-tv3 master cn-tbr1 up",
                pod("cn-tpod3", "10.250.2.10/24", "10.250.2.1"),
                // underlay
                "ip link add cn-tul0 type veth peer name cn-tul1 netns cn-tnodeB",
                "sysctl -qw net.ipv6.conf.cn-tul0.disable_ipv6=1",
                "ip addr add 10.250.255.1/30 dev cn-tul0",
                "ip link set cn-tul0 up",
                "ip -n cn-tnodeB addr add 10.250.255.2/30 dev cn-tul1",
                "ip -n cn-tnodeB link set cn-tul1 up",
                // flannel-style VXLAN, VNI 250 on UDP 8472
                "ip link add cn-tvx0 address " + VX_MAC_A + " type vxlan id 250 dstport 8472 local 10.250.255.1 dev cn-tul0 nolearning",
                "sysctl -qw net.ipv6.conf.cn-tvx0.disable_ipv6=1",
                "ip addr add 10.250.1.0/32 dev cn-tvx0",
                "ip link set cn-tvx0 up",
                "ip neigh replace 10.250.2.0 lladdr " + VX_MAC_B + " dev cn-tvx0 nud permanent",
                "bridge fdb append " + VX_MAC_B + " dev cn-tvx0 dst 10.250.255.2",
                "ip route replace 10.250.2.0/24 via 10.250.2.0 dev cn-tvx0 onlink",
                "ip -n cn-tnodeB link add cn-tvx0 address " + VX_MAC_B + " type vxlan id 250 dstport 8472 local 10.250.255.2 dev cn-tul1 nolearning",
                "ip -n cn-tnodeB addr add 10.250.2.0/32 dev cn-tvx0",
                "ip -n cn-tnodeB link set cn-tvx0 up",
                "ip -n cn-tnodeB neigh replace 10.250.1.0 lladdr " + VX_MAC_A + " dev cn-tvx0 nud permanent",
                "bridge -n cn-tnodeB fdb append " + VX_MAC_A + " dev cn-tvx0 dst 10.250.255.1",
                "ip -n cn-tnodeB route replace 10.250.1.0/24 via 10.250.1.0 dev cn-tvx0 onlink",
                // routing on node A, only on our own interfaces
                "sysctl -qw net.ipv4.conf.cn-tbr0.forwarding=1",
                "sysctl -qw net.ipv4.conf.cn-tvx0.forwarding=1");
        // warm up ARP so counted pings are clean
        sh("ip netns exec cn-tpod1 ping -q -c 1 -W 2 10.250.1.11",
                "ip netns exec cn-tpod1 ping -q -c 1 -W 2 10.250.2.10");
    }

    private static String pod(String ns, String cidr, String gw) {
        return "ip -n " + ns + " link set lo up && ip -n " + ns + " addr add " + cidr + " dev eth0"
                + " && ip netns exec " + ns + " sysctl -qw net.ipv6.conf.all.disable_ipv6=1"
                + " && ip -n " + ns + " link set eth0 up && ip -n " + ns + " route add default via " + gw;
    }

    @AfterAll
    void teardown() {
        // only our own cn-t* names; deleting the namespaces removes their veth ends too
        for (String c : new String[] {"ip route del 10.250.2.0/24", "ip link del cn-tvx0", "ip link del cn-tul0",
                "ip link del cn-tv1", "ip link del cn-tv2", "ip link del cn-tbr0", "ip link del cn-tbr9",
                "ip netns del cn-tpod1", "ip netns del cn-tpod2", "ip netns del cn-tpod3", "ip netns del cn-tnodeB"}) {
            run(c, false);
        }
    }

    @BeforeEach
    void startRing() {
        slots.set(0);
        seen.clear();
        hold = null;
        EventHandler<Packet> worker = (p, seq, end) -> {
            java.util.concurrent.CountDownLatch h = hold;
            if (h != null) {
                h.await(30, TimeUnit.SECONDS); // a stalled worker (see fullRingPushesBackIntoTheKernelBuffer)
            }
            slots.incrementAndGet();
            if (p.length > 0 && p.ipVersion == 4) {
                seen.add(new Seen(p.srcLo, p.dstLo, p.ipProto, p.icmpType, p.icmpSeq, p.interfaceId, p.linkType,
                        p.tsSeconds, p.wireLength, p.length));
            }
        };
        ring = new PacketRing(4096, Packet.MAX_LENGTH, List.of(worker), r -> {
            Thread t = new Thread(r, "test-ring-worker");
            t.setDaemon(true);
            return t;
        }, new com.lmax.disruptor.BlockingWaitStrategy(), System.err, true);
    }

    @AfterEach
    void stopAll() {
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
        if (capture != null) {
            capture.stop();
            capture = null;
        }
        ring.drainAndStop();
        seen.clear();
        log.clear();
    }

    private InterfaceDiscovery discovery() {
        return new InterfaceDiscovery(Path.of("/sys/class/net"), InterfaceDiscovery::runIp, n -> n.startsWith("cn-t"));
    }

    private void startAuto(java.time.Duration period) {
        capture = new LiveCapture(ring, DecoderConfig.defaults(), LiveCapture.Options.defaults(), log::add);
        watcher = new InterfaceWatcher(discovery(), InterfaceDiscovery.Selection.automatic(), capture.watcherListener(), period);
        watcher.start();
    }

    private List<Seen> settle(long minSlots) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        long last = -1;
        while (System.nanoTime() < deadline) {
            Thread.sleep(300);
            long now = slots.get();
            if (now >= minSlots && now == last) {
                break;
            }
            last = now;
        }
        return new ArrayList<>(seen);
    }

    private static long count(List<Seen> s, long src, long dst, int icmpType) {
        return s.stream().filter(x -> x.src == src && x.dst == dst && x.proto == 1 && x.icmpType == icmpType).count();
    }

    @Test
    void autoPicksBridgeAndOverlayWithDuplicateFilter() {
        List<CaptureTarget> t = discovery().targets(InterfaceDiscovery.Selection.automatic());
        assertEquals(List.of("cn-tbr0", "cn-tvx0"), t.stream().map(CaptureTarget::name).toList(), t.toString());
        assertTrue(t.get(0).promiscuous());
        assertEquals("not ((src net 10.250.1.0/24 and not src host 10.250.1.0) or (dst net 10.250.1.0/24"
                + " and not dst host 10.250.1.0))", t.get(1).filter());
    }

    @Test
    void sameNodeAndCrossNodePacketsAreSeenOnceDecoded() throws Exception {
        startAuto(java.time.Duration.ofSeconds(2));
        assertEquals(List.of("cn-tbr0", "cn-tvx0"), capture.interfaces(), "log: " + log);
        long vxTx0 = counter("cn-tvx0", "tx_packets");
        long start = System.currentTimeMillis() / 1000;
        sh("ip netns exec cn-tpod1 ping -q -c 20 -i 0.01 -W 2 10.250.1.11",   // same node, bridged
                "ip netns exec cn-tpod1 ping -q -c 20 -i 0.01 -W 2 10.250.2.10",   // cross node: bridge + overlay
                "ip netns exec cn-tpod3 ping -q -c 20 -i 0.01 -W 2 10.250.1.11",   // cross node, inbound
                "ping -q -c 10 -i 0.01 -W 2 10.250.2.10");                         // node itself: overlay only
        long vxTx = counter("cn-tvx0", "tx_packets") - vxTx0;
        assertTrue(vxTx >= 50, "the cross-node pings must really cross cn-tvx0 (tx " + vxTx + ")");
        List<Seen> s = settle(140);
        int br = capture.interfaceId("cn-tbr0"), vx = capture.interfaceId("cn-tvx0");
        report("seen-once");
        System.out.println("[live] log " + log + "; seen " + summary(s));
        assertEquals(20, count(s, POD1, POD2, 8), "same-node echo requests, each once");
        assertEquals(20, count(s, POD2, POD1, 0), "same-node echo replies, each once");
        assertEquals(20, count(s, POD1, POD3, 8), "pod1 -> remote pod3 requests, once (bridge), not twice");
        assertEquals(20, count(s, POD3, POD1, 0), "remote pod3 -> pod1 replies, once");
        assertEquals(20, count(s, POD3, POD2, 8), "remote pod3 -> pod2 requests, once");
        assertEquals(20, count(s, POD2, POD3, 0), "pod2 -> remote pod3 replies, once");
        assertEquals(10, count(s, VXA, POD3, 8), "node -> remote pod (overlay only), once; seen " + summary(s));
        assertEquals(10, count(s, POD3, VXA, 0), "remote pod -> node (overlay only), once");
        for (Seen x : s) {
            if (x.proto == 1 && (x.src == POD1 || x.src == POD2 || x.dst == POD1 || x.dst == POD2)) {
                assertEquals(br, x.ifaceId, "local pod traffic comes from the bridge: " + x);
            }
            if (x.src == VXA || x.dst == VXA) {
                assertEquals(vx, x.ifaceId, "node traffic comes from the overlay: " + x);
            }
            assertEquals(1, x.linkType, "Ethernet");
            assertTrue(x.tsSeconds >= start - 1 && x.tsSeconds <= start + 60, "timestamp " + x.tsSeconds);
            assertEquals(x.wireLength, x.length);
        }
        for (InterfaceStats st : capture.stats()) {
            assertEquals(0, st.ringDrops(), st.toString());
            assertEquals(0, st.kernelDrops(), st.toString());
        }
    }

    @Test
    void bridgeCreatedAfterStartIsCapturedWithinFiveSecondsAndReleased() throws Exception {
        startAuto(java.time.Duration.ofSeconds(2));
        assertFalse(capture.interfaces().contains("cn-tbr9"));
        long t0 = System.nanoTime();
        sh("ip link add cn-tbr9 type bridge", "sysctl -qw net.ipv6.conf.cn-tbr9.disable_ipv6=1", "ip link set cn-tbr9 up");
        while (!capture.interfaces().contains("cn-tbr9")) {
            if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(5)) {
                fail("cn-tbr9 not captured within 5 s; log: " + log);
            }
            Thread.sleep(50);
        }
        long pickedMs = (System.nanoTime() - t0) / 1_000_000;
        sh("ip link del cn-tbr9");
        long t1 = System.nanoTime();
        while (capture.stats().stream().anyMatch(st -> st.name().equals("cn-tbr9") && st.active())) {
            if (System.nanoTime() - t1 > TimeUnit.SECONDS.toNanos(5)) {
                fail("cn-tbr9 not released within 5 s; log: " + log);
            }
            Thread.sleep(50);
        }
        long releasedMs = (System.nanoTime() - t1) / 1_000_000;
        System.out.println("[live] new bridge captured after " + pickedMs + " ms, released " + releasedMs
                + " ms after deletion; log: " + log);
        assertTrue(capture.interfaces().contains("cn-tbr0"), "the other captures keep running");
    }

    @Test
    void stopReturnsWithinTwoSecondsOnIdleLinks() throws Exception {
        capture = new LiveCapture(ring, DecoderConfig.defaults(), LiveCapture.Options.defaults()
                .withBufferBytes(8 << 20), log::add);
        // long read timeout: only breakLoop() can end the wait in time
        LiveCapture slow = new LiveCapture(ring, DecoderConfig.defaults(),
                LiveCapture.Options.defaults().withBufferBytes(8 << 20).withTimeoutMillis(10_000), log::add);
        capture.add(new CaptureTarget("cn-tul0", CaptureTarget.Role.OTHER, false, null, "idle underlay"));
        slow.add(new CaptureTarget("cn-tvx0", CaptureTarget.Role.OVERLAY, false, "udp port 9", "idle, 10 s timeout"));
        Thread.sleep(500);
        long t0 = System.nanoTime();
        boolean a = slow.stop();
        boolean b = capture.stop();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("[live] stop() on idle links took " + ms + " ms");
        assertTrue(a && b, "threads ended");
        assertTrue(ms < 2000, "stop took " + ms + " ms");
        assertTrue(capture.interfaces().isEmpty());
    }

    @Test
    void clearErrorsForBadInterfaceAndFilter() {
        capture = new LiveCapture(ring, DecoderConfig.defaults(), LiveCapture.Options.defaults(), log::add);
        LiveCaptureException e = org.junit.jupiter.api.Assertions.assertThrows(LiveCaptureException.class,
                () -> capture.add(new CaptureTarget("cn-tnone0", CaptureTarget.Role.OTHER, false, null, "")));
        System.out.println("[live] " + e.getMessage());
        assertTrue(e.getMessage().contains("cn-tnone0"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        e = org.junit.jupiter.api.Assertions.assertThrows(LiveCaptureException.class,
                () -> capture.add(new CaptureTarget("cn-tbr0", CaptureTarget.Role.BRIDGE, true, "tcp port banana", "")));
        System.out.println("[live] " + e.getMessage());
        assertTrue(e.getMessage().startsWith("bad BPF filter for cn-tbr0"), e.getMessage());
    }

    @Test
    void floodCountsDropsAndDelivers() throws Exception {
        capture = new LiveCapture(ring, DecoderConfig.defaults(), LiveCapture.Options.defaults(), log::add);
        capture.add(new CaptureTarget("cn-tbr0", CaptureTarget.Role.BRIDGE, true, null, "flood"));
        Thread.sleep(300);
        // flood ping (root): as fast as replies come back, 20000 requests
        long t0 = System.nanoTime();
        sh("ip netns exec cn-tpod1 ping -q -f -c 20000 -W 1 10.250.1.11 >/dev/null");
        double secs = (System.nanoTime() - t0) / 1e9;
        settle(40000);
        capture.stop();
        InterfaceStats st = capture.stats().get(0);
        System.out.printf("[live] flood: %d packets in %.2f s (%.0f pps); %s%n", st.received(), secs,
                st.received() / secs, st);
        assertEquals(st.received(), st.published() + st.ringDrops());
        assertTrue(st.received() + st.kernelDrops() >= 40000, st.toString());
        assertEquals(st.published(), slots.get(), "every published slot reached the worker");
    }

    @Test
    void fullRingPushesBackIntoTheKernelBuffer() throws Exception {
        capture = new LiveCapture(ring, DecoderConfig.defaults(), LiveCapture.Options.defaults(), log::add);
        // icmp only: an ARP refresh must not change the counts
        capture.add(new CaptureTarget("cn-tbr0", CaptureTarget.Role.BRIDGE, true, "icmp", "stalled worker"));
        Thread.sleep(300);
        // the worker stalls while 12000 packets arrive: three times the ring's 4096 slots
        java.util.concurrent.CountDownLatch stall = new java.util.concurrent.CountDownLatch(1);
        hold = stall;
        sh("ip netns exec cn-tpod1 ping -q -f -c 6000 -W 1 10.250.1.11 >/dev/null");
        InterfaceStats during = capture.stats().get(0);
        stall.countDown();
        hold = null;
        settle(12000);
        assertTrue(capture.stop());
        InterfaceStats st = capture.stats().get(0);
        System.out.println("[live] stalled worker: during " + during + "; after " + st);
        assertTrue(during.ringFullWaits() > 0, "the capture thread waited on the full ring: " + during);
        assertTrue(during.received() < 12000, "and stopped reading meanwhile: " + during);
        assertEquals(12000, st.received(), "the kernel buffer held the rest: " + st);
        assertEquals(0, st.kernelDrops(), st.toString());
        assertEquals(0, st.ringDrops(), st.toString());
        assertEquals(12000, slots.get(), "every packet reached the worker");
    }

    @Test
    void captureThreadAllocatesNothingPerPacket() throws Exception {
        capture = new LiveCapture(ring, DecoderConfig.defaults(), LiveCapture.Options.defaults(), log::add);
        capture.add(new CaptureTarget("cn-tbr0", CaptureTarget.Role.BRIDGE, true, null, "allocation"));
        Thread.sleep(300);
        sh("ip netns exec cn-tpod1 ping -q -c 200 -i 0.002 -W 1 10.250.1.11 >/dev/null"); // JIT-compiles the loop
        Thread t = Thread.getAllStackTraces().keySet().stream()
                .filter(x -> x.getName().equals("crowsnest-capture-cn-tbr0")).findFirst().orElseThrow();
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = mx.getThreadAllocatedBytes(t.getId());
        long rx0 = capture.stats().get(0).received();
        sh("ip netns exec cn-tpod1 ping -q -f -c 20000 -W 1 10.250.1.11 >/dev/null");
        settle(40000);
        long allocated = mx.getThreadAllocatedBytes(t.getId()) - before;
        long packets = capture.stats().get(0).received() - rx0;
        System.out.printf("[live] capture thread allocated %d bytes for %d packets%n", allocated, packets);
        assertTrue(packets >= 39000, "the flood was captured: " + packets);
        // libpcap's counters are polled (allocating a little) once a second; anything per packet
        // (a byte[], a Timestamp, a boxed Integer, a JNA callback) would be megabytes here
        assertTrue(allocated < 128 * 1024, "capture thread allocated " + allocated + " bytes for " + packets + " packets");
    }

    @Test
    void packetsJustBeforeStopAreStillRead() throws Exception {
        // the kernel hands a TPACKET_V3 block over only when it is full or its timeout expired:
        // stop() must wait for the last, partly filled block instead of breaking the loop at once
        capture = new LiveCapture(ring, DecoderConfig.defaults(), LiveCapture.Options.defaults().withTimeoutMillis(200),
                log::add);
        capture.add(new CaptureTarget("cn-tbr0", CaptureTarget.Role.BRIDGE, true, "icmp", "stop"));
        Thread.sleep(300);
        sh("ip netns exec cn-tpod1 ping -q -c 3 -i 0.002 -W 1 10.250.1.11 >/dev/null");
        long t0 = System.nanoTime();
        assertTrue(capture.stop());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        InterfaceStats st = capture.stats().get(0);
        System.out.println("[live] stop right after traffic took " + ms + " ms: " + st);
        assertEquals(6, st.received(), "3 echo requests and 3 replies: " + st);
        assertEquals(6, st.published(), st.toString());
        assertEquals(0, st.kernelDrops(), st.toString());
        assertTrue(ms < 2000, "stop took " + ms + " ms");
    }

    @Test
    void singleProducerRingIsRefused() {
        PacketRing single = new PacketRing(8, 2048, List.of((p, seq, end) -> { }), r -> {
            Thread t = new Thread(r, "test-single-ring");
            t.setDaemon(true);
            return t;
        });
        try {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> new LiveCapture(single, DecoderConfig.defaults(), LiveCapture.Options.defaults(), log::add));
            assertTrue(e.getMessage().contains("multi-producer"), e.getMessage());
        } finally {
            single.drainAndStop();
        }
    }

    private static String summary(List<Seen> s) {
        Map<String, Long> m = new java.util.TreeMap<>();
        for (Seen x : s) {
            m.merge(addr(x.src) + ">" + addr(x.dst) + " p" + x.proto + " t" + x.icmpType + " if" + x.ifaceId, 1L, Long::sum);
        }
        return m.toString();
    }

    private static String addr(long lo) {
        return ((lo >> 24) & 255) + "." + ((lo >> 16) & 255) + "." + ((lo >> 8) & 255) + "." + (lo & 255);
    }

    private void report(String what) {
        for (InterfaceStats st : capture.stats()) {
            System.out.println("[live] " + what + ": " + st);
        }
    }

    private static long counter(String iface, String name) throws IOException {
        return Long.parseLong(Files.readString(Path.of("/sys/class/net", iface, "statistics", name)).trim());
    }

    private static void sh(String... commands) {
        for (String c : commands) {
            run(c, true);
        }
    }

    private static String run(String command, boolean check) {
        try {
            Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            if (check && p.exitValue() != 0) {
                throw new AssertionError("'" + command + "' failed (" + p.exitValue() + "): " + out.trim());
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError("cannot run '" + command + "': " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }
}
