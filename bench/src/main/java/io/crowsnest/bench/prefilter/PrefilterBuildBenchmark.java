package io.crowsnest.bench.prefilter;

import io.crowsnest.detection.prefilter.HyperscanMatcher;
import io.crowsnest.detection.prefilter.MultiPatternMatcher;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Compile time of {@link PrefilterBenchmark}'s pattern sets per engine: one op = build the matcher (and, for
 * Hyperscan, free its database), single shot.
 *
 * <pre>java -jar bench/target/benchmarks.jar PrefilterBuildBenchmark -f 1 -wi 3 -i 5</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(1)
public class PrefilterBuildBenchmark {
    @Param({"1", "1000", "20000"})
    public int patterns;

    @Param({"ac", "hs"})
    public String engine;

    private byte[][] patternBytes;
    private boolean[] nocase;

    @Setup
    public void setup() {
        SplittableRandom rnd = new SplittableRandom(20240601L); // the same sets as PrefilterBenchmark
        patternBytes = PrefilterBenchmark.patterns(patterns, rnd);
        nocase = new boolean[patternBytes.length];
        for (int i = 0; i < nocase.length; i++) {
            nocase[i] = rnd.nextInt(4) == 0;
        }
    }

    @Benchmark
    public int build() {
        MultiPatternMatcher m = PrefilterBenchmark.build(engine, patternBytes, nocase);
        int n = m.patternCount();
        if (m instanceof HyperscanMatcher) {
            ((HyperscanMatcher) m).close();
        }
        return n;
    }
}
