package io.crowsnest.bench.hotpath;

import io.crowsnest.bench.replay.SyntheticCapture;
import io.crowsnest.capture.file.CaptureFileReader;
import io.crowsnest.decoders.DecoderConfig;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.PacketDecoder;
import io.crowsnest.detection.prefilter.MatchSet;
import io.crowsnest.detection.prefilter.MultiPatternMatcher;
import io.crowsnest.detection.prefilter.PatternSetBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-packet hot path of replay, minus the ring handoff: read one record from a mapped
 * capture into a reused {@link Packet}, decode it, and scan its payload with the prefilter.
 * Run with {@code -prof gc}: {@code gc.alloc.rate.norm} must be ≈ 0 B/op (the capture is long
 * enough that reopening it at the end is amortised to well under 1 B/op; that reopen is the only
 * allocation and happens once per 200k packets).
 *
 * <pre>java -jar bench/target/benchmarks.jar HotPathBenchmark -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HotPathBenchmark {
    private Path capture;
    private CaptureFileReader reader;
    private final Packet packet = new Packet(65_536 + 256);
    private final PacketDecoder decoder = new PacketDecoder(DecoderConfig.defaults());
    private MultiPatternMatcher prefilter;
    private final MatchSet matches = new MatchSet(64);

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        capture = Files.createTempFile("crowsnest-hotpath", ".pcap");
        new SyntheticCapture().write(capture, 200_000);
        reader = CaptureFileReader.open(capture);
        PatternSetBuilder b = new PatternSetBuilder();
        for (String s : new String[] {"/wp-admin", "${jndi:", "uid=0(root)", "dnscat", "/api/v1/orders"}) {
            b.add(s.getBytes(StandardCharsets.US_ASCII), true);
        }
        prefilter = b.build();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        reader.close();
        Files.deleteIfExists(capture);
    }

    @Benchmark
    public int readDecodePrefilter() throws IOException {
        if (!reader.next(packet)) {
            reader.close();
            reader = CaptureFileReader.open(capture);
            reader.next(packet);
        }
        decoder.decode(packet);
        matches.clear();
        return prefilter.scan(packet.data, packet.payloadOffset, packet.payloadLength, matches) + packet.flowHash;
    }
}
