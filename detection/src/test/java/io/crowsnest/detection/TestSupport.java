package io.crowsnest.detection;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.detection.engine.DetectionContext;
import io.crowsnest.detection.engine.DetectionEngine;
import io.crowsnest.detection.rules.RuleLoadResult;
import io.crowsnest.detection.rules.RuleLoader;
import io.crowsnest.detection.rules.RuleVariables;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Hand-built packets and a small engine harness for tests. */
public final class TestSupport {
    private TestSupport() {}

    public static long[] addr(String dotted) {
        String[] p = dotted.split("\\.");
        long a = 0;
        for (String q : p) {
            a = (a << 8) | Integer.parseInt(q);
        }
        return new long[] {Packet.V4_MAPPED_HI, Packet.V4_MAPPED_LO_PREFIX | a};
    }

    /** An IPv4 packet of protocol {@code proto} with the payload placed at offset 54. */
    public static Packet ip4(int proto, String src, int sport, String dst, int dport, byte[] payload) {
        Packet p = new Packet(2048);
        p.decoded = true;
        p.ipVersion = 4;
        p.ipProto = proto;
        p.ttl = 64;
        long[] s = addr(src), d = addr(dst);
        p.srcHi = s[0];
        p.srcLo = s[1];
        p.dstHi = d[0];
        p.dstLo = d[1];
        p.l3Offset = 14;
        p.ipHeaderLength = 20;
        p.l4Offset = 34;
        p.srcPort = sport;
        p.dstPort = dport;
        p.payloadOffset = 54;
        p.payloadLength = payload.length;
        System.arraycopy(payload, 0, p.data, 54, payload.length);
        p.length = 54 + payload.length;
        p.tsSeconds = 1_700_000_000L;
        return p;
    }

    public static Packet tcp(String src, int sport, String dst, int dport, String payload) {
        Packet p = ip4(6, src, sport, dst, dport, payload.getBytes(StandardCharsets.ISO_8859_1));
        p.tcpFlags = 0x18;
        return p;
    }

    public static Packet tcp(String payload) {
        return tcp("10.0.0.1", 1234, "10.0.0.2", 80, payload);
    }

    public static Packet udp(String src, int sport, String dst, int dport, String payload) {
        return ip4(17, src, sport, dst, dport, payload.getBytes(StandardCharsets.ISO_8859_1));
    }

    public static Packet icmp(int type, int code) {
        Packet p = ip4(1, "10.0.0.1", 0, "10.0.0.2", 0, new byte[0]);
        p.icmpType = type;
        p.icmpCode = code;
        return p;
    }

    public static Flow flow() {
        return new Flow(4, 0);
    }

    /** Loads rules (failing on any error) and builds an engine. */
    public static Harness harness(String rules) {
        return harness(rules, DetectionEngine::build);
    }

    /** A harness whose engine is built by {@code build} (e.g. a variant with a feature switched off). */
    public static Harness harness(String rules,
            java.util.function.Function<List<io.crowsnest.detection.rules.Signature>, DetectionEngine> build) {
        RuleLoadResult r = new RuleLoader().load(rules, "test.rules", RuleVariables.suricataDefaults());
        if (!r.errors().isEmpty()) {
            throw new AssertionError("rule errors: " + r.errors());
        }
        return new Harness(build.apply(r.signatures()));
    }

    public static final class Harness {
        public final DetectionEngine engine;
        public final DetectionContext ctx;
        public final List<Long> alerts = new ArrayList<>();

        Harness(DetectionEngine engine) {
            this.engine = engine;
            this.ctx = engine.newContext();
        }

        /** Runs one packet; returns the sids alerted for it. */
        public List<Long> run(Packet p, Flow f, int flowFlags) {
            List<Long> out = new ArrayList<>();
            ctx.inspect(p, f, flowFlags, (pk, fl, s, ff) -> out.add(s.sid()));
            alerts.addAll(out);
            return out;
        }

        public long count(long sid) {
            return alerts.stream().filter(x -> x == sid).count();
        }

        /**
         * Bytes this thread allocates inspecting {@code packets} 100 times over, after 200 rounds of warm-up
         * (JIT, per-context state grown on first use): the per-packet allocation checks of the engine tests.
         */
        public long inspectionAllocation(Packet[] packets, Flow[] flows, int[] flowFlags,
                io.crowsnest.detection.engine.AlertSink sink) {
            if (!(java.lang.management.ManagementFactory.getThreadMXBean()
                    instanceof com.sun.management.ThreadMXBean tb)) {
                throw new AssertionError("measuring allocation needs HotSpot's com.sun.management.ThreadMXBean");
            }
            for (int r = 0; r < 200; r++) {
                for (int i = 0; i < packets.length; i++) {
                    ctx.inspect(packets[i], flows[i], flowFlags[i], sink);
                }
            }
            long before = tb.getThreadAllocatedBytes(Thread.currentThread().getId());
            for (int r = 0; r < 100; r++) {
                for (int i = 0; i < packets.length; i++) {
                    ctx.inspect(packets[i], flows[i], flowFlags[i], sink);
                }
            }
            return tb.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        }
    }
}
