package io.crowsnest.bench.behaviour;

import io.crowsnest.behaviour.BehaviourConfig;
import io.crowsnest.behaviour.BehaviourContext;
import io.crowsnest.behaviour.BehaviourEngine;
import io.crowsnest.behaviour.Detectors;
import io.crowsnest.behaviour.FlowRecord;
import io.crowsnest.behaviour.Observer;
import io.crowsnest.behaviour.TxRecord;
import io.crowsnest.behaviour.profile.Profile;
import io.crowsnest.behaviour.profile.ProfileLearner;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Memory of the behaviour stage (not part of CI; {@code bench/run-behaviour} runs it): retained heap of all
 * detectors plus the profile learner after 100,000 flows and as many transactions across 10,000 workloads,
 * then after 1,000,000 flows from 1,000,000 distinct (spoofed) sources, which must stay bounded by the caps.
 *
 * <p>Usage: {@code java -Xmx1g -cp benchmarks.jar io.crowsnest.bench.behaviour.BehaviourMemory}
 */
public final class BehaviourMemory {
    private BehaviourMemory() {
    }

    static String addr(int i) {
        return "10." + ((i >>> 16) & 0xff) + "." + ((i >>> 8) & 0xff) + "." + (i & 0xff);
    }

    static long used() {
        return io.crowsnest.bench.memory.RetainedHeap.bytes();
    }

    static FlowRecord flow(long t, String c, String s, int port, SplittableRandom rnd) {
        FlowRecord f = new FlowRecord();
        f.startNanos = t;
        f.endNanos = t + 50_000_000L;
        f.client = c;
        f.server = s;
        f.clientPort = 30000 + rnd.nextInt(30000);
        f.serverPort = port;
        f.proto = 6;
        f.tcpFlagsToServer = 0x1b;
        f.tcpFlagsToClient = 0x1b;
        f.pktsToServer = 6;
        f.pktsToClient = 5;
        f.bytesToServer = 400 + rnd.nextInt(600);
        f.bytesToClient = 600 + rnd.nextInt(6000);
        f.appProto = "http";
        return f;
    }

    public static void main(String[] args) {
        BehaviourConfig cfg = BehaviourConfig.defaults();
        measure("detectors (live/replay)", new ArrayList<>(Detectors.all(new BehaviourContext(new Profile(), cfg, null))), args);
        ProfileLearner learner = new ProfileLearner(new BehaviourContext(null, cfg, null));
        measure("profile learner (baseline learn)", List.of(learner), args);
        Profile p = learner.profile();
        System.out.printf("learned profile: %d workloads, truncated %s%n", p.workloads.size(), p.truncated);
    }

    static void measure(String what, List<Observer> obs, String[] args) {
        int workloads = 10_000, flows = 100_000;
        long before = used();
        long[] alerts = new long[1];
        BehaviourEngine e = new BehaviourEngine(obs, a -> alerts[0]++);
        SplittableRandom rnd = new SplittableRandom(7);
        long t = 1_795_000_000L * 1_000_000_000L;
        for (int i = 0; i < flows; i++) {
            t += 1_000_000L; // 1000 flows/s of record time
            String c = addr(rnd.nextInt(workloads)), s = addr(rnd.nextInt(workloads));
            e.flow(flow(t, c, s, 8080, rnd));
            TxRecord x = new TxRecord();
            x.proto = "http";
            x.client = c;
            x.server = s;
            x.clientPort = 40000;
            x.serverPort = 8080;
            x.method = "GET";
            x.uri = "/items/" + rnd.nextInt(1000);
            x.status = 200;
            x.startNanos = t;
            x.endNanos = t + 2_000_000L;
            e.tx(x);
        }
        long afterLoad = used();
        System.out.printf("%s: 100k flows + 100k HTTP transactions over 10k workloads: state %.1f MiB (%d alerts)%n",
                what, (afterLoad - before) / 1048576.0, alerts[0]);
        if (args.length > 0 && args[0].equals("--pause")) {
            System.out.println("paused for a heap histogram (jmap -histo:live PID)");
            try {
                Thread.sleep(20_000);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
        for (int i = 0; i < 1_000_000; i++) {
            t += 100_000L;
            FlowRecord f = flow(t, addr(0x100000 + i), addr(rnd.nextInt(workloads)), 1 + rnd.nextInt(1024), rnd);
            f.tcpFlagsToServer = 0x02; // SYN probes from spoofed sources
            f.tcpFlagsToClient = 0x14;
            f.pktsToServer = 1;
            f.pktsToClient = 1;
            f.appProto = null;
            e.flow(f);
        }
        long afterFlood = used();
        System.out.printf("%s: + 1M SYN probes from 1M distinct sources: state %.1f MiB (%d alerts)%n",
                what, (afterFlood - before) / 1048576.0, alerts[0]);
        System.out.println("  caps: " + e.stats().entrySet().stream().filter(x -> x.getKey().endsWith("evicted") && x.getValue() > 0).toList());
        e.finish();
    }
}
