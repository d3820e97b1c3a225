package io.crowsnest.bench.prefilter;

import io.crowsnest.detection.prefilter.HyperscanMatcher;
import io.crowsnest.detection.prefilter.MatchSet;
import io.crowsnest.detection.prefilter.MultiPatternMatcher;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@link PrefilterBenchmark}'s workloads measured in thread CPU time instead of wall time, the two engines
 * alternating in batches on the same data: MB per CPU-second is "MB/s per core" even on a loaded machine,
 * where JMH's wall-clock scores swing by tens of percent. Not a JMH benchmark; prints one line per workload.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.crowsnest.bench.prefilter.PrefilterCpuTime [ROUNDS]</pre>
 */
public final class PrefilterCpuTime {
    private PrefilterCpuTime() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        System.out.println("patterns slice text    ac MB/cpu-s   hs MB/cpu-s   hs/ac");
        for (int n : new int[] {1, 1000, 20000}) {
            for (int slice : new int[] {65536, 512}) {
                for (String text : new String[] {"hits", "clean"}) {
                    SplittableRandom rnd = new SplittableRandom(20240601L); // PrefilterBenchmark's data
                    byte[][] ps = PrefilterBenchmark.patterns(n, rnd);
                    boolean[] nocase = new boolean[ps.length];
                    for (int i = 0; i < nocase.length; i++) {
                        nocase[i] = rnd.nextInt(4) == 0;
                    }
                    MultiPatternMatcher[] engines = {PrefilterBenchmark.build("ac", ps, nocase),
                        PrefilterBenchmark.build("hs", ps, nocase)};
                    byte[] buf = PrefilterBenchmark.httpText(PrefilterBenchmark.BUFFER_BYTES,
                            text.equals("clean") ? new byte[0][] : ps, rnd);
                    MatchSet out = new MatchSet(n);
                    long[] cpu = new long[2];
                    long[] bytes = new long[2];
                    int batch = Math.max(1, (n == 1 ? 2000 : n == 1000 ? 100 : 20) * (slice == 512 ? 1 : 2) / 2);
                    for (int round = 0; round < rounds; round++) {
                        for (int e = 0; e < 2; e++) {
                            long t0 = mx.getCurrentThreadCpuTime();
                            for (int i = 0; i < batch; i++) {
                                for (int off = 0; off < buf.length; off += slice) {
                                    out.clear();
                                    engines[e].scan(buf, off, slice, out);
                                }
                            }
                            long t = mx.getCurrentThreadCpuTime() - t0;
                            if (round >= rounds / 4) { // the first quarter warms up
                                cpu[e] += t;
                                bytes[e] += (long) batch * buf.length;
                            }
                        }
                    }
                    double ac = bytes[0] / (cpu[0] / 1e9) / 1e6;
                    double hs = bytes[1] / (cpu[1] / 1e9) / 1e6;
                    System.out.printf(Locale.ROOT, "%8d %5d %-5s %12.0f %13.0f %7.2f%n", n, slice, text, ac, hs, hs / ac);
                    ((HyperscanMatcher) engines[1]).close();
                }
            }
        }
    }
}
