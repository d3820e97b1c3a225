package io.crowsnest.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.crowsnest.applayer.AppLayer;
import io.crowsnest.applayer.AppLayerState;
import io.crowsnest.applayer.Transaction;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.decoders.flow.FlowFlags;
import io.crowsnest.decoders.flow.FlowTable;
import io.crowsnest.decoders.flow.FlowTableConfig;
import io.crowsnest.decoders.stream.StreamConfig;
import io.crowsnest.decoders.stream.StreamConsumer;
import io.crowsnest.decoders.stream.TcpReassembler;
import io.crowsnest.decoders.stream.TcpStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * TCP segments with fuzzed flags, sequence and acknowledgement numbers, lengths and payloads, both
 * directions, through the flow table, the reassembler and the app layer, under fuzzed limits.
 *
 * <p>Two identical pipelines see the same packets: the sensor's own (flow table → {@link AppLayer}, which
 * reassembles and runs detection of the protocol and its parser), and one whose reassembler delivers to a
 * checking consumer. Asserted: each direction's bytes arrive in sequence order, contiguous except for
 * reported gaps, each byte one that was sent at that sequence number, nothing after the direction closed
 * and no direction closed twice; no stream delivers more than the depth or than was sent, holds more
 * out-of-order bytes than its cap or a raw window beyond its size; the reassembler never holds more than
 * the memory cap and holds nothing once every flow ended; both pipelines count alike; app-layer anomalies
 * are named events.
 *
 * <p>Input: a 15-byte header, then segments (see {@link #header} and {@link #next}); make_seeds.py writes
 * seeds in this form from real captures.
 */
class TcpReassemblerFuzzTest {
    static final int HEADER = 15, SEGMENT = 12, MAX_PAYLOAD = 8192, PAYLOAD_OFFSET = 40;
    static final int[] PORTS = {80, 443, 22, 6379, 5432, 3306, 21, 53, 8080, 9001, 25, 11211, 2379, 10250, 5000, 1};
    static final long CLIENT = Packet.V4_MAPPED_LO_PREFIX | 0x0A000001L, SERVER = Packet.V4_MAPPED_LO_PREFIX | 0x0A000002L;
    private static final Pattern EVENT = Pattern.compile("[a-z0-9]+\\.[a-z0-9_]+");

    private final StreamConfig cfg = new StreamConfig();
    private int serverPort;
    private final int[] isn = new int[2];

    @FuzzTest(maxDuration = "5m")
    void segments(byte[] in) {
        new TcpReassemblerFuzzTest().run(in);
    }

    /** Runs one input (a fresh instance each: the limits come from the input); returns the sensor's app layer. */
    AppLayer run(byte[] in) {
        header(in);
        FlowTableConfig ftc = new FlowTableConfig(8, 30, 300, 10, cfg.midstream, 1, 0);
        FlowTable flowsA = new FlowTable(ftc, 0), flowsB = new FlowTable(ftc, 0);
        AppLayer app = new AppLayer(cfg);
        Checker checker = new Checker();
        TcpReassembler checked = new TcpReassembler(cfg, checker);
        // the highest sequence number sent so far per direction (0: to server): segments are placed relative to it
        int[] high = {isn[0], isn[1]};
        long[] clock = {1_700_000_000L * 1_000_000_000L};
        Packet prev = null;
        int i = HEADER;
        while (i + SEGMENT <= in.length) {
            if (prev != null) {
                java.util.Arrays.fill(prev.data, (byte) 0xEE); // nobody may still read the last packet's bytes
            }
            int ctl = in[i] & 0xFF, flags = in[i + 1] & 0xFF;
            boolean toServer = (ctl & 0x80) != 0;
            int d = toServer ? 0 : 1;
            int seq = high[d] + be32(in, i + 2);
            int ack = high[1 - d] + be32(in, i + 6);
            int len = Math.min(Math.min(be16(in, i + 10), MAX_PAYLOAD), in.length - i - SEGMENT);
            clock[0] += (ctl & 0x40) != 0 ? 12_000_000_000L : 1_000_000L;
            Packet p = packet(toServer, (ctl & 0x20) != 0 ? 40001 : 40000, flags, seq, ack, in, i + SEGMENT, len,
                    clock[0]);
            i += SEGMENT + len;
            int end = seq + ((flags & 0x02) != 0 ? 1 : 0) + len;
            if (end - high[d] > 0) {
                high[d] = end;
            }

            int ffA = flowsA.process(p);
            Flow fa = flowsA.current();
            AppLayerState st = app.process(p, fa, ffA);
            if (st != null) {
                for (Transaction tx : st.toLog()) {
                    tx.eve();
                }
                st.toLog().clear();
            }

            int ffB = flowsB.process(p);
            Flow fb = flowsB.current();
            boolean ts = (ffB & FlowFlags.TO_SERVER) != 0;
            if (len > 0) {
                checker.track(fb).sent(ts, (flags & 0x02) != 0 ? seq + 1 : seq, p.data, PAYLOAD_OFFSET, len);
            }
            checked.process(p, fb, ts);

            bounded(fb, checker.track(fb));
            same(app.reassembler(), checked);
            prev = p;
        }
        flowsA.flushAll();
        flowsB.flushAll();
        if (app.reassembler().memoryInUse() != 0 || checked.memoryInUse() != 0) {
            throw new AssertionError("buffers held after every flow ended: " + app.reassembler().memoryInUse()
                    + " / " + checked.memoryInUse() + " bytes");
        }
        for (String event : app.anomalyCounts().keySet()) {
            if (!EVENT.matcher(event).matches()) {
                throw new AssertionError("app-layer anomaly not a named event: " + event);
            }
        }
        return app;
    }

    /** Limits and endpoints from the header: zeros give the defaults. */
    private void header(byte[] in) {
        byte[] h = java.util.Arrays.copyOf(in, HEADER);
        int depth = be16(h, 0), ooo = be16(h, 2), segs = h[4] & 0xFF, memcap = h[5] & 0xFF, misc = h[6] & 0xFF;
        if (depth != 0) {
            cfg.depth = depth;
        }
        if (ooo != 0) {
            cfg.maxOutOfOrderBytes = ooo;
        }
        if (segs != 0) {
            cfg.maxSegments = segs;
        }
        if (memcap != 0) {
            cfg.memcap = memcap * 4096L;
        }
        cfg.midstream = (misc & 1) != 0;
        cfg.rawWindow = new int[] {4096, 0, 256, 64}[(misc >> 1) & 3];
        serverPort = PORTS[(misc >> 3) & 15];
        isn[0] = be32(h, 7);
        isn[1] = be32(h, 11);
    }

    private Packet packet(boolean toServer, int clientPort, int flags, int seq, int ack, byte[] in, int off, int len,
                          long nanos) {
        Packet p = new Packet(PAYLOAD_OFFSET + len); // exactly as long as the segment: reading past it throws
        p.ipVersion = 4;
        p.ipProto = 6;
        p.srcHi = p.dstHi = 0;
        p.srcLo = toServer ? CLIENT : SERVER;
        p.dstLo = toServer ? SERVER : CLIENT;
        p.srcPort = toServer ? clientPort : serverPort;
        p.dstPort = toServer ? serverPort : clientPort;
        p.flowHash = clientPort * 31 + serverPort;
        p.l4Offset = 20;
        p.tcpFlags = flags;
        p.tcpSeq = seq & 0xFFFFFFFFL;
        p.tcpAck = ack & 0xFFFFFFFFL;
        p.payloadOffset = PAYLOAD_OFFSET;
        p.payloadLength = len;
        p.length = p.wireLength = PAYLOAD_OFFSET + len;
        p.tsSeconds = nanos / 1_000_000_000L;
        p.tsNanos = (int) (nanos % 1_000_000_000L);
        System.arraycopy(in, off, p.data, PAYLOAD_OFFSET, len);
        return p;
    }

    /** The bounds every stream of the packet's flow keeps. */
    private void bounded(Flow f, Track t) {
        if (f == null || f.tcp == null) {
            return;
        }
        for (int d = 0; d < 2; d++) {
            TcpStream s = f.tcp.stream(d == 0);
            String what = (d == 0 ? "to-server" : "to-client") + " stream: ";
            if (s.delivered() > cfg.depth) {
                throw new AssertionError(what + s.delivered() + " bytes delivered, depth " + cfg.depth);
            }
            if (s.delivered() > t.sentBytes[d]) {
                throw new AssertionError(what + s.delivered() + " bytes delivered, " + t.sentBytes[d] + " sent");
            }
            if (s.outOfOrderBytes() < 0 || s.outOfOrderBytes() > cfg.maxOutOfOrderBytes) {
                throw new AssertionError(what + s.outOfOrderBytes() + " out-of-order bytes held, cap "
                        + cfg.maxOutOfOrderBytes);
            }
            if (s.windowLength() > cfg.rawWindow || s.windowNew() > s.windowLength()) {
                throw new AssertionError(what + "raw window " + s.windowLength() + " (" + s.windowNew()
                        + " new), size " + cfg.rawWindow);
            }
        }
    }

    private void same(TcpReassembler a, TcpReassembler b) {
        if (a.memoryInUse() > cfg.memcap || b.memoryInUse() > cfg.memcap) {
            throw new AssertionError("reassembler holds " + a.memoryInUse() + " / " + b.memoryInUse()
                    + " bytes, memcap " + cfg.memcap);
        }
        if (a.memoryInUse() != b.memoryInUse() || !a.stats().toString().equals(b.stats().toString())) {
            throw new AssertionError("pipelines differ: " + a.stats() + " / " + b.stats());
        }
    }

    /** What one session (one flow id) sent and was delivered, per direction (0: to server). */
    static final class Track {
        final List<int[]> seqs = new ArrayList<>();
        final List<byte[]> payloads = new ArrayList<>();
        final List<Boolean> dirs = new ArrayList<>();
        final long[] sentBytes = new long[2];
        final boolean[] nextKnown = new boolean[2], closed = new boolean[2];
        final int[] next = new int[2];

        void sent(boolean toServer, int seq, byte[] b, int off, int len) {
            seqs.add(new int[] {seq});
            payloads.add(java.util.Arrays.copyOfRange(b, off, off + len));
            dirs.add(toServer);
            sentBytes[toServer ? 0 : 1] += len;
        }

        /** Was byte {@code v} sent at sequence number {@code seq} in that direction? */
        boolean wasSent(boolean toServer, int seq, byte v) {
            for (int k = 0; k < payloads.size(); k++) {
                int rel = seq - seqs.get(k)[0];
                byte[] pl = payloads.get(k);
                if (dirs.get(k) == toServer && rel >= 0 && rel < pl.length && pl[rel] == v) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Checks what the reassembler delivers against what was sent on each session. */
    static final class Checker implements StreamConsumer {
        private final Map<Long, Track> tracks = new HashMap<>();

        Track track(Flow f) {
            return f == null ? new Track() : tracks.computeIfAbsent(f.flowId, id -> new Track());
        }

        @Override
        public void data(Flow flow, boolean toServer, byte[] b, int off, int len) {
            Track t = track(flow);
            int d = toServer ? 0 : 1;
            if (len <= 0) {
                throw new AssertionError("empty delivery");
            }
            if (t.closed[d]) {
                throw new AssertionError(len + " bytes delivered after the direction closed");
            }
            int start = flow.tcp.stream(toServer).nextSeq() - len;
            if (t.nextKnown[d] && start != t.next[d]) {
                throw new AssertionError("delivery at seq " + Integer.toUnsignedString(start) + ", expected "
                        + Integer.toUnsignedString(t.next[d]));
            }
            for (int k = 0; k < len; k++) {
                if (!t.wasSent(toServer, start + k, b[off + k])) {
                    throw new AssertionError("byte " + (b[off + k] & 0xFF) + " at seq "
                            + Integer.toUnsignedString(start + k) + " was never sent there");
                }
            }
            t.nextKnown[d] = true;
            t.next[d] = start + len;
        }

        @Override
        public void gap(Flow flow, boolean toServer, long len) {
            Track t = track(flow);
            int d = toServer ? 0 : 1;
            int to = flow.tcp.stream(toServer).nextSeq();
            if (len <= 0 || (t.nextKnown[d] && to - (int) len != t.next[d])) {
                throw new AssertionError("gap of " + len + " to seq " + Integer.toUnsignedString(to)
                        + " not after the last delivery");
            }
            if (t.closed[d]) {
                throw new AssertionError("gap after the direction closed");
            }
            t.nextKnown[d] = true;
            t.next[d] = to;
        }

        @Override
        public void closed(Flow flow, boolean toServer) {
            Track t = track(flow);
            int d = toServer ? 0 : 1;
            if (t.closed[d]) {
                throw new AssertionError("direction closed twice");
            }
            t.closed[d] = true;
        }
    }

    static int be32(byte[] b, int i) {
        return (b[i] & 0xFF) << 24 | (b[i + 1] & 0xFF) << 16 | (b[i + 2] & 0xFF) << 8 | (b[i + 3] & 0xFF);
    }

    static int be16(byte[] b, int i) {
        return (b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF);
    }
}
