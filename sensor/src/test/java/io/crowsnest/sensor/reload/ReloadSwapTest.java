package io.crowsnest.sensor.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.lmax.disruptor.BlockingWaitStrategy;
import io.crowsnest.capture.file.CaptureFileReader;
import io.crowsnest.capture.ring.PacketRing;
import io.crowsnest.decoders.DecoderConfig;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.PacketDecoder;
import io.crowsnest.detection.alert.Alert;
import io.crowsnest.detection.alert.AlertOutput;
import io.crowsnest.sensor.SharedData;
import io.crowsnest.sensor.pipeline.DetectionPipeline;
import io.crowsnest.sensor.pipeline.DetectionWorker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rule swap on a running {@link DetectionPipeline}, without LiveRunner: a thread publishes
 * the demo capture over and over (like the live feeder) while the rules are reloaded.
 */
class ReloadSwapTest {
    static final String OLD = "alert tcp any any -> any any (msg:\"OLD tcp\"; sid:1000001; rev:1;)\n";
    static final String NEW = OLD + "alert tcp any any -> any 8080 (msg:\"NEW healthz\"; content:\"GET /healthz\"; sid:1000002; rev:1;)\n";

    /** Records (sid, packet number) of every alert; called from the one writer thread. */
    static final class Collect implements AlertOutput {
        final List<long[]> alerts = java.util.Collections.synchronizedList(new ArrayList<>());
        /** The ruleset hash each alert carried, in the same order as {@link #alerts}. */
        final List<String> hashes = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public void write(Alert a) {
            if ("alert".equals(a.eventType) || a.eventType == null) {
                synchronized (alerts) {
                    alerts.add(new long[] {a.sid, a.pcapCount});
                    hashes.add(a.rulesetHash);
                }
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }

    /** Publishes the demo capture in a loop until stopped, numbering packets 1, 2, … */
    static final class Feeder extends Thread {
        final PacketRing ring;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong published = new AtomicLong();
        volatile long ipPackets;
        volatile Throwable failure;

        Feeder(PacketRing ring) {
            super("test-feeder");
            this.ring = ring;
        }

        @Override
        public void run() {
            Path pcap = SharedData.projectRoot().resolve("pcaps/demo-container-attacks.pcap");
            PacketDecoder decoder = new PacketDecoder(DecoderConfig.defaults().withChecksumMode(DecoderConfig.ChecksumMode.NONE));
            long n = 0, ip = 0;
            try {
                while (!stop.get()) {
                    try (CaptureFileReader reader = CaptureFileReader.open(pcap)) {
                        boolean more = true;
                        while (more) {
                            int batch = 16;
                            long hi = ring.claim(batch);
                            for (long seq = hi - batch + 1; seq <= hi; seq++) {
                                Packet p = ring.slot(seq);
                                if (more) {
                                    more = reader.next(p);
                                }
                                if (!more) {
                                    p.length = 0;
                                    p.resetDecoded();
                                    continue;
                                }
                                p.pcapCount = ++n;
                                decoder.decode(p);
                                if (p.ipVersion != 0) {
                                    ip++;
                                }
                            }
                            ring.publish(hi - batch + 1, hi);
                            ipPackets = ip;
                            published.set(n);
                        }
                    }
                }
            } catch (Throwable t) {
                failure = t;
            }
        }
    }

    private static final int RING_SIZE = 1024;

    private static DetectionPipeline pipeline(RuleSet rs, AlertOutput out) {
        DetectionPipeline.Settings s = new DetectionPipeline.Settings();
        s.workers = 2;
        s.ringSize = RING_SIZE;
        s.midstream = true;
        return new DetectionPipeline(rs.engine(), List.of(out), s, new BlockingWaitStrategy(), System.err);
    }

    private static void awaitPublished(Feeder f, long n) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (f.published.get() < n && f.failure == null && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(f.published.get() >= n, "feeder stalled: " + f.failure);
    }

    @Test
    void swapUnderTrafficLosesNoPacketAndNewRulesAlertAfterIt(@TempDir Path dir) throws Exception {
        Path rules = dir.resolve("local.rules");
        Files.writeString(rules, OLD);
        RuleSetBuilder.Sources src = new RuleSetBuilder.Sources(false, List.of(rules), Map.of());
        RuleSet first = RuleSetBuilder.build(src, null);
        Collect out = new Collect();
        DetectionPipeline pipeline = pipeline(first, out);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        RuleReloader reloader = new RuleReloader(pipeline, first, () -> src, new PrintStream(log, true, StandardCharsets.UTF_8));
        Feeder feeder = new Feeder(pipeline.ring());
        feeder.start();
        awaitPublished(feeder, 2_000);

        // a rule file that does not parse at all: the old set keeps running
        Files.writeString(rules, "this is not a rule\nalert nonsense (\n");
        RuleReloader.Result broken = reloader.reload();
        assertFalse(broken.ok());
        assertTrue(broken.message().startsWith("no rule loaded from " + rules + " (2 rules, none loaded); still running ruleset "
                + first.hash()), broken.message());
        assertSame(first, reloader.current());
        assertSame(first.engine(), pipeline.engine());

        // a file that is gone: same
        Files.delete(rules);
        RuleReloader.Result missing = reloader.reload();
        assertFalse(missing.ok());
        assertEquals(rules + ": no such rule file or directory; still running " + first.describe(), missing.message());

        Files.writeString(rules, NEW);
        long before = feeder.published.get();
        RuleReloader.Result r = reloader.reload();
        assertTrue(r.ok(), r.message());
        assertEquals(2, r.ruleSet().loaded());
        assertSame(r.ruleSet().engine(), pipeline.engine());
        long after = feeder.published.get();
        awaitPublished(feeder, after + 2_000);
        feeder.stop.set(true);
        feeder.join(60_000);
        pipeline.drainAndClose();
        assertEquals(null, feeder.failure);

        long handled = 0;
        for (DetectionWorker w : pipeline.workers()) {
            handled += w.packets();
            assertSame(r.ruleSet().engine(), w.engine(), "worker still on the old engine");
        }
        assertEquals(feeder.ipPackets, handled, "packets lost or doubled across the swap");
        assertEquals(0, pipeline.ring().workerFailures());

        long newAlerts = 0, oldAlerts = 0;
        java.util.Set<String> hashesSeen = new java.util.HashSet<>();
        synchronized (out.alerts) {
            for (int i = 0; i < out.alerts.size(); i++) {
                long[] a = out.alerts.get(i);
                String hash = out.hashes.get(i);
                hashesSeen.add(hash);
                if (a[0] == 1000002) {
                    // every alert names the ruleset that raised it: the new rule only exists in the new one
                    assertEquals(r.ruleSet().hash(), hash, "alert of the new rule carries another ruleset's hash");
                    newAlerts++;
                    // packets still queued in the ring when the swap happens (at most one ring's worth)
                    // are inspected by the new engine: that is the swap happening between packets
                    assertTrue(a[1] > before - RING_SIZE, "new rule alerted on packet " + a[1]
                            + ", more than a ring (" + RING_SIZE + ") before the reload began (" + before + ")");
                } else if (a[0] == 1000001) {
                    oldAlerts++;
                }
            }
        }
        System.out.println("alerts: old " + oldAlerts + ", new " + newAlerts + ", all " + out.alerts.size());
        assertTrue(newAlerts > 0, "the rule only in the new set never alerted");
        assertTrue(oldAlerts > 0);
        assertEquals(java.util.Set.of(first.hash(), r.ruleSet().hash()), hashesSeen,
                "alerts before the swap carry the old hash, after it the new one");
        System.out.printf("swap under traffic: %d packets published (%d IP), %d handled, reload at packet %d..%d, "
                + "%d alerts of the new rule%n", feeder.published.get(), feeder.ipPackets, handled, before, after, newAlerts);
        reloader.close();
    }

    @Test
    void refusedRulesAreReportedAndTheRestLoad(@TempDir Path dir) throws Exception {
        Path rules = dir.resolve("local.rules");
        Files.writeString(rules, OLD);
        RuleSetBuilder.Sources src = new RuleSetBuilder.Sources(false, List.of(rules), Map.of());
        RuleSet first = RuleSetBuilder.build(src, null);
        DetectionPipeline pipeline = pipeline(first, new Collect());
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        RuleReloader reloader = new RuleReloader(pipeline, first, () -> src, new PrintStream(log, true, StandardCharsets.UTF_8));
        Files.writeString(rules, NEW + "alert tcp any any -> any any (msg:\"bad\"; nosuchkeyword; sid:1000003;)\n");
        RuleReloader.Result r = reloader.reload();
        assertTrue(r.ok(), r.message());
        assertEquals(2, r.ruleSet().loaded());
        assertEquals(1, r.ruleSet().refusedCount());
        assertFalse(first.hash().equals(r.ruleSet().hash()));
        assertTrue(r.message().startsWith("reloaded ruleset " + r.ruleSet().hash() + ": 2 rules (1 refused) in "), r.message());
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("crowsnest: reload: warning: " + rules + ":3"), text);
        pipeline.drainAndClose();
        reloader.close();
    }

    /** Flowbit names keep their index across a reload, so per-flow bits stay meaningful. */
    @Test
    void flowbitIndexesAreStableAcrossReloads(@TempDir Path dir) throws Exception {
        Path rules = dir.resolve("local.rules");
        Files.writeString(rules, "alert tcp any any -> any any (msg:\"a\"; flowbits:set,alpha; sid:1;)\n"
                + "alert tcp any any -> any any (msg:\"b\"; flowbits:isset,beta; sid:2;)\n");
        RuleSetBuilder.Sources src = new RuleSetBuilder.Sources(false, List.of(rules), Map.of());
        RuleSet first = RuleSetBuilder.build(src, null);
        assertEquals(List.of("alpha", "beta"), first.flowbitNames());
        Files.writeString(rules, "alert tcp any any -> any any (msg:\"g\"; flowbits:set,gamma; sid:3;)\n"
                + "alert tcp any any -> any any (msg:\"b\"; flowbits:isset,beta; sid:2;)\n");
        RuleSet second = RuleSetBuilder.build(src, first);
        assertEquals(List.of("alpha", "beta", "gamma"), second.flowbitNames());
        // the same texts give the same hash; different texts a different one
        assertEquals(second.hash(), RuleSetBuilder.build(src, null).hash());
        assertFalse(first.hash().equals(second.hash()));
        assertEquals(12, first.hash().length());
    }

    @Test
    void aRuleSetNeedingMoreFlowbitsThanFlowsHoldIsRefused(@TempDir Path dir) throws Exception {
        Path rules = dir.resolve("local.rules");
        Files.writeString(rules, OLD);
        RuleSetBuilder.Sources src = new RuleSetBuilder.Sources(false, List.of(rules), Map.of());
        RuleSet first = RuleSetBuilder.build(src, null);
        DetectionPipeline pipeline = pipeline(first, new Collect());
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < pipeline.flowbitCapacity() + 1; i++) {
            many.append("alert tcp any any -> any any (msg:\"x\"; flowbits:set,b").append(i).append("; sid:").append(10 + i).append(";)\n");
        }
        Files.writeString(rules, many);
        RuleReloader reloader = new RuleReloader(pipeline, first, () -> src, new PrintStream(new ByteArrayOutputStream()));
        RuleReloader.Result r = reloader.reload();
        assertFalse(r.ok());
        assertTrue(r.message().contains("flows have room for " + pipeline.flowbitCapacity()), r.message());
        assertSame(first.engine(), pipeline.engine());
        pipeline.drainAndClose();
        reloader.close();
    }
}
