package io.crowsnest.sensor.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.lmax.disruptor.BlockingWaitStrategy;
import io.crowsnest.sensor.SharedData;
import io.crowsnest.sensor.pipeline.DetectionPipeline;
import io.crowsnest.sensor.pipeline.DetectionWorker;
import io.crowsnest.sensor.rules.RuleCheck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Measures a reload of ET Open 5.0 under traffic: wall time, and heap (Runtime total − free,
 * sampled every 2 ms) at steady state and at its peak during the reload. Prints the numbers;
 * asserts only that the reload worked and no packet was lost (no timing asserts).
 */
class EtOpenReloadMeasureTest {
    private static long used() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static long settledHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return used();
    }

    @Test
    void reloadEtOpenUnderTraffic() throws Exception {
        Path dir = SharedData.shared().resolve("rulesets/et-open-suricata-5.0");
        List<Path> files = RuleCheck.expand(List.of(dir));
        RuleSetBuilder.Sources src = new RuleSetBuilder.Sources(false, files, Map.of());
        long t0 = System.nanoTime();
        RuleSet first = RuleSetBuilder.build(src, null);
        double firstSeconds = (System.nanoTime() - t0) / 1e9;
        DetectionPipeline.Settings s = new DetectionPipeline.Settings();
        s.workers = 1;
        s.ringSize = 1024;
        s.midstream = true;
        DetectionPipeline pipeline = new DetectionPipeline(first.engine(), List.of(new ReloadSwapTest.Collect()), s,
                new BlockingWaitStrategy(), System.err);
        RuleReloader reloader = new RuleReloader(pipeline, first, () -> src, new PrintStream(new ByteArrayOutputStream()));
        String firstHash = first.hash();
        first = null; // only the pipeline and the reloader hold the running set, as in live
        ReloadSwapTest.Feeder feeder = new ReloadSwapTest.Feeder(pipeline.ring());
        feeder.start();
        while (feeder.published.get() < 1000 && feeder.failure == null) {
            Thread.sleep(5);
        }
        long steady = settledHeap();

        AtomicLong peak = new AtomicLong(used());
        // live data: the heap right after each collection during the reload (garbage excluded) — what
        // the reload really needs, as opposed to the sampled peak, which depends on when the GC ran
        AtomicLong peakLive = new AtomicLong(steady);
        java.util.List<javax.management.NotificationEmitter> emitters = new java.util.ArrayList<>();
        javax.management.NotificationListener afterGc = (n, hb) -> {
            if (com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                com.sun.management.GarbageCollectionNotificationInfo info = com.sun.management.GarbageCollectionNotificationInfo
                        .from((javax.management.openmbean.CompositeData) n.getUserData());
                long live = 0;
                for (java.lang.management.MemoryUsage u : info.getGcInfo().getMemoryUsageAfterGc().values()) {
                    live += u.getUsed();
                }
                peakLive.accumulateAndGet(live, Math::max);
            }
        };
        for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof javax.management.NotificationEmitter) {
                ((javax.management.NotificationEmitter) gc).addNotificationListener(afterGc, null, null);
                emitters.add((javax.management.NotificationEmitter) gc);
            }
        }
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                peak.accumulateAndGet(used(), Math::max);
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.start();
        long packetsBefore = feeder.published.get();
        RuleReloader.Result r = reloader.reload();
        long packetsDuring = feeder.published.get() - packetsBefore;
        sampling.set(false);
        sampler.join();
        for (javax.management.NotificationEmitter e : emitters) {
            e.removeNotificationListener(afterGc);
        }
        r = new RuleReloader.Result(r.ok(), r.message(), r.ruleSet(), r.seconds());
        long after = settledHeap();

        feeder.stop.set(true);
        feeder.join(60_000);
        pipeline.drainAndClose();
        long handled = 0;
        for (DetectionWorker w : pipeline.workers()) {
            handled += w.packets();
        }
        System.out.printf("ET Open reload: %d rules loaded (%d refused), ruleset %s -> %s%n", r.ruleSet().loaded(),
                r.ruleSet().refusedCount(), firstHash, r.ruleSet().hash());
        System.out.printf("  first load %.2f s; reload %.2f s (parse %.2f s, %d unchanged rules reused; engine build %.2f s), "
                + "%d packets inspected meanwhile%n", firstSeconds, r.seconds(), r.ruleSet().parseNanos() / 1e9,
                r.ruleSet().reused(), r.ruleSet().buildNanos() / 1e9, packetsDuring);
        System.out.printf("  heap: steady %d MiB (after GC), peak during reload %d MiB (sampled, garbage included) = %.2f x steady, "
                        + "after reload %d MiB (after GC); max heap %d MiB%n",
                steady >> 20, peak.get() >> 20, (double) peak.get() / steady, after >> 20, Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf("  live heap after each GC during the reload: peak %d MiB = %.2f x steady%n",
                peakLive.get() >> 20, (double) peakLive.get() / steady);
        assertTrue(r.ok(), r.message());
        assertEquals(firstHash, r.ruleSet().hash());
        assertTrue(r.ruleSet().reused() > 24_000, "unchanged rules are reused: " + r.ruleSet().reused());
        assertEquals(feeder.ipPackets, handled);
        reloader.close();
    }
}
