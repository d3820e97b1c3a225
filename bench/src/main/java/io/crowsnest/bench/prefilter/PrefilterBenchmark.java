package io.crowsnest.bench.prefilter;

import io.crowsnest.detection.prefilter.HyperscanMatcher;
import io.crowsnest.detection.prefilter.MatchSet;
import io.crowsnest.detection.prefilter.MultiPatternMatcher;
import io.crowsnest.detection.prefilter.PatternSetBuilder;
import java.nio.charset.StandardCharsets;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of the prefilter engines, Aho-Corasick ({@code engine=ac}) and Hyperscan ({@code engine=hs}), on
 * the same patterns and text: one op of {@code scan} = one pass over a 64 KiB buffer of pseudo-HTTP text, in
 * one call or in 512-byte slices ({@code slice}), each time clearing the match set, scanning, counting hits. {@link PrefilterBuildBenchmark} times the compile.
 * The numbers picked {@link PatternSetBuilder#DEFAULT_ALGO}; see README, Benchmarks.
 *
 * <p><b>MB/s</b> = ops/s x 65,536 / 1,000,000 (MiB/s = ops/s / 16). E.g. 10,000 ops/s = 655 MB/s.
 * {@code gc.alloc.rate.norm} (with {@code -prof gc}) should be ~0 B/op: scanning is allocation-free.
 *
 * <p>Patterns: {@code patterns} pseudo-realistic fast patterns of 4-20 bytes (HTTP words, paths, tokens, a few
 * binary bytes), a quarter nocase, fixed seed. About 1 in 20 text lines embeds one of them, so outputs and
 * case verification are exercised too.
 *
 * <pre>java -jar bench/target/benchmarks.jar PrefilterBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PrefilterBenchmark {
    public static final int BUFFER_BYTES = 64 * 1024;

    @Param({"1", "1000", "20000"})
    public int patterns;

    @Param({"ac", "hs"})
    public String engine;

    /**
     * {@code hits}: about 1 line in 20 embeds a pattern (outputs and case verification are exercised, and
     * Hyperscan can stop early once every pattern was reported); {@code clean}: none is embedded, so only
     * chance matches occur and every engine scans the whole buffer.
     */
    @Param({"hits", "clean"})
    public String text;

    /**
     * Bytes per scan call: {@code 65536} scans the buffer in one call; {@code 512} scans it as 128 slices of
     * 512 bytes, each into a cleared set - the size of a packet payload or an HTTP header buffer, where the fixed
     * cost per call and per reported id (for Hyperscan a JNI call and a JNI upcall) weigh more.
     */
    @Param({"65536", "512"})
    public int slice;

    private MultiPatternMatcher matcher;
    private MatchSet out;
    private byte[] buffer;

    @Setup
    public void setup() {
        SplittableRandom rnd = new SplittableRandom(20240601L);
        byte[][] ps = patterns(patterns, rnd);
        boolean[] nocase = new boolean[ps.length];
        for (int i = 0; i < ps.length; i++) {
            nocase[i] = rnd.nextInt(4) == 0;
        }
        matcher = build(engine, ps, nocase);
        out = new MatchSet(matcher.patternCount());
        buffer = httpText(BUFFER_BYTES, text.equals("clean") ? new byte[0][] : ps, rnd);
        System.out.println("distinct patterns in the buffer: " + matcher.scan(buffer, 0, buffer.length, out));
    }

    @TearDown
    public void close() {
        if (matcher instanceof HyperscanMatcher) {
            ((HyperscanMatcher) matcher).close();
        }
    }

    @Benchmark
    public int scan() {
        int hits = 0;
        for (int off = 0; off < buffer.length; off += slice) {
            out.clear();
            hits += matcher.scan(buffer, off, slice, out);
        }
        return hits;
    }

    /** The engine asked for; a Hyperscan that fell back to Aho-Corasick would measure the wrong thing, so it fails. */
    static MultiPatternMatcher build(String engine, byte[][] ps, boolean[] nocase) {
        PatternSetBuilder b = new PatternSetBuilder();
        for (int i = 0; i < ps.length; i++) {
            b.add(ps[i], nocase[i]);
        }
        switch (engine) {
            case "ac":
                return b.buildAhoCorasick();
            case "hs":
                MultiPatternMatcher m = b.buildHyperscan();
                if (!(m instanceof HyperscanMatcher)) {
                    throw new IllegalStateException("Hyperscan is not available here (see the warning above)");
                }
                return m;
            default:
                throw new IllegalArgumentException("engine must be ac or hs, got " + engine);
        }
    }

    static byte[][] patterns(int n, SplittableRandom rnd) {
        String[] words = {"GET ", "POST ", "HTTP/1.", "Host: ", "User-Agent: ", "/admin", "/cgi-bin/", ".php?",
            "cmd.exe", "/etc/passwd", "select ", "union ", "<script", "Content-Type: ", "../", "%2e%2e",
            "eval(", "base64", "wget ", "curl/", "passwd=", "/bin/sh", "login", "token=", "session"};
        String chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-=?&%:;()<>\"' ";
        byte[][] out = new byte[n][];
        for (int i = 0; i < n; i++) {
            int len = 4 + rnd.nextInt(17);
            StringBuilder sb = new StringBuilder();
            if (rnd.nextInt(3) == 0) {
                sb.append(words[rnd.nextInt(words.length)]);
            }
            while (sb.length() < len) {
                sb.append(chars.charAt(rnd.nextInt(chars.length())));
            }
            byte[] p = sb.substring(0, len).getBytes(StandardCharsets.ISO_8859_1);
            if (rnd.nextInt(50) == 0) {
                p[rnd.nextInt(p.length)] = (byte) rnd.nextInt(256);
            }
            out[i] = p;
        }
        return out;
    }

    static byte[] httpText(int size, byte[][] ps, SplittableRandom rnd) {
        String[] paths = {"/index.html", "/api/v1/users", "/static/app.js", "/login", "/search?q=weather",
            "/images/logo.png", "/cart/checkout", "/wp-admin/admin-ajax.php"};
        String[] agents = {"Mozilla/5.0 (X11; Linux x86_64)", "curl/8.5.0", "python-requests/2.31",
            "Go-http-client/1.1"};
        StringBuilder sb = new StringBuilder(size + 512);
        while (sb.length() < size) {
            sb.append(rnd.nextBoolean() ? "GET " : "POST ").append(paths[rnd.nextInt(paths.length)])
                .append(" HTTP/1.1\r\nHost: service-").append(rnd.nextInt(100)).append(".internal\r\n")
                .append("User-Agent: ").append(agents[rnd.nextInt(agents.length)]).append("\r\n")
                .append("Accept: */*\r\nCookie: session=").append(Long.toHexString(rnd.nextLong())).append("\r\n");
            if (rnd.nextInt(20) == 0 && ps.length > 0) {
                sb.append("X-Data: ").append(new String(ps[rnd.nextInt(ps.length)], StandardCharsets.ISO_8859_1))
                    .append("\r\n");
            }
            sb.append("\r\n");
        }
        byte[] b = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] r = new byte[size];
        System.arraycopy(b, 0, r, 0, size);
        return r;
    }
}
