package io.crowsnest.bench.identity;

import io.crowsnest.detection.workload.WorkloadFacts;
import io.crowsnest.identity.IpKey;
import io.crowsnest.identity.Workload;
import io.crowsnest.identity.WorkloadResolver;
import io.crowsnest.identity.history.IdentityHistory;
import io.crowsnest.sensor.rules.WorkloadFactsAdapter;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of naming an address on the packet path: {@link WorkloadResolver#resolve} (what the EVE writer and the
 * {@code workload} rule keyword call, with the packet's time) over a history of {@code addresses} pod addresses,
 * each held first by a pod that was deleted, then, after a gap, by the pod holding it now (3 intervals per address,
 * like churning pods). One op = one lookup, addresses taken in a pseudo-random order from a 4096-entry table so
 * the CPU caches see a realistic spread.
 *
 * <ul>
 *   <li>{@code now}: the current holder (the common case);</li>
 *   <li>{@code deletedPod}: a packet from before the first pod's deletion (the older interval);</li>
 *   <li>{@code unknown}: an address no source knows (an external peer): the map miss;</li>
 *   <li>{@code workloadKeyword}: the rule keyword's path, lookup + the field it compares
 *       ({@link WorkloadFactsAdapter}).</li>
 * </ul>
 * Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is the allocation per lookup.
 *
 * <pre>java -jar bench/target/benchmarks.jar ResolverBenchmark -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ResolverBenchmark {
    private static final long S = 1_000_000_000L;
    private static final long T0 = 1_795_000_000L * S;
    private static final int PICKS = 4096;

    @Param({"1000", "100000"})
    public int addresses;

    private WorkloadResolver resolver;
    private WorkloadFacts facts;
    private final long[] known = new long[PICKS];
    private final long[] unknown = new long[PICKS];
    private int i;

    @Setup(Level.Trial)
    public void setUp() {
        IdentityHistory h = new IdentityHistory(TimeUnit.DAYS.toNanos(1), 4 * addresses);
        for (int a = 0; a < addresses; a++) {
            IpKey k = IpKey.of(0, 0x0A00_0000L + a); // 10.x.y.z
            Workload old = pod("old-" + a, a);
            h.open(k, old, T0);
            h.close(k, old, T0 + 10 * S);
            h.open(k, pod("web-" + a, a), T0 + 20 * S);
            h.open(k, pod("web-" + a + "-v2", a), T0 + 30 * S); // a relabel: a third interval
        }
        resolver = WorkloadResolver.builder().history(h).build(); // not started: lookups only read the history
        facts = WorkloadFactsAdapter.of(resolver::resolve);
        SplittableRandom rnd = new SplittableRandom(8);
        for (int p = 0; p < PICKS; p++) {
            known[p] = 0xFFFF_0A00_0000L + rnd.nextInt(addresses); // the decoders' v4-mapped form
            unknown[p] = 0xFFFF_C633_6400L + rnd.nextInt(256); // 198.51.100.x
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        resolver.close();
    }

    private static Workload pod(String name, int a) {
        return new Workload(Workload.Kind.POD, "shop", name, "web", Integer.toHexString(a), "docker.io/shop/web:2.1",
                Map.of("app", "web", "io.kubernetes.pod.uid", "uid-" + a), "node-a", "Deployment/web");
    }

    private int next() {
        return i = (i + 1) & (PICKS - 1);
    }

    @Benchmark
    public Workload now() {
        return resolver.resolve(0, known[next()], T0 + 40 * S);
    }

    @Benchmark
    public Workload deletedPod() {
        return resolver.resolve(0, known[next()], T0 + 5 * S);
    }

    @Benchmark
    public Workload unknown() {
        return resolver.resolve(0, unknown[next()], T0 + 40 * S);
    }

    @Benchmark
    public String workloadKeyword() {
        WorkloadFacts.Facts f = facts.lookup(0, known[next()], T0 + 40 * S);
        return f == null ? null : f.field("namespace");
    }
}
