package io.crowsnest.detection.engine;

import io.crowsnest.applayer.AppLayer;
import io.crowsnest.applayer.AppLayerState;
import io.crowsnest.applayer.AppProto;
import io.crowsnest.applayer.Buf;
import io.crowsnest.applayer.Slice;
import io.crowsnest.applayer.Transaction;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.stream.TcpStream;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.decoders.flow.FlowFlags;
import io.crowsnest.detection.inspect.InspectionContext;
import io.crowsnest.detection.inspect.PacketCondition;
import io.crowsnest.detection.inspect.PayloadElement;
import io.crowsnest.detection.inspect.PayloadInspector;
import io.crowsnest.detection.inspect.PostMatch;
import io.crowsnest.detection.inspect.TxCondition;
import io.crowsnest.detection.prefilter.MatchSet;
import io.crowsnest.detection.rules.PortSet;
import io.crowsnest.detection.rules.Signature;

/**
 * Per-worker detection state (not thread-safe; one per thread). {@link #inspect} runs the prefilter once
 * over the payload, evaluates IP-only signatures on the first packet of each flow direction (those whose
 * addresses match, by the engine's {@link IpOnlyIndex}), then the
 * candidate signatures in order, applies flowbits, noalert, pass, threshold / detection_filter, and hands
 * the alerts to the sink in signature order. Allocation-free per packet except for threshold bookkeeping
 * of matched thresholded signatures.
 */
public final class DetectionContext {
    private final DetectionEngine engine;
    private final Signature[] sigs;
    private final MatchSet matchSet;
    private final int[] cand;
    private final int[] alertQueue;
    private final Transaction[] alertTx;
    private int alertCount;
    /** Stamp per signature: the packet number on which it matched (no second alert from the raw stream). */
    private final long[] matchedAt;
    /** Stamp per signature: the packet on which the transaction prefilter last made it a candidate. */
    private final long[] txSeen;
    /** The IP-only index's candidates of the current packet (null: index off). */
    private final long[] ipOnlyBits;
    private final Slice slice = new Slice();
    private AppLayerState app;
    private Transaction matchTx;
    /** Raw-stream window of the packet's direction (bytes [0, windowLen), of which the last windowNew are new). */
    private byte[] window;
    private int windowLen, windowNew;
    final InspectionContext ictx = new InspectionContext();
    private boolean passed;

    long packets, prefilterCandidates, prefilterMatches, evaluated, matched, alerts;
    /** Number of the current inspection (a packet, or a flow's end): the stamp of the per-inspection memos. */
    private long inspection;
    /** Stream chunks inspected when their flow ended (data its peer never acknowledged). */
    long flowEndInspections;
    /** The packet a flow-end inspection stands on (its flow's addresses, no bytes); reused. */
    private final Packet pseudo = new Packet(0);
    /** Transaction rules handed to evaluation (after the per-buffer prefilter, when on). */
    long txCandidates;

    DetectionContext(DetectionEngine engine) {
        this.engine = engine;
        this.sigs = engine.sigs;
        this.matchSet = new MatchSet(Math.max(1, engine.maxPatterns));
        this.cand = new int[Math.max(1, engine.maxGroupSize)];
        this.alertQueue = new int[engine.maxAlertsPerPacket];
        this.alertTx = new Transaction[engine.maxAlertsPerPacket];
        this.matchedAt = new long[Math.max(1, sigs.length)];
        this.txSeen = new long[Math.max(1, sigs.length)];
        this.ipOnlyBits = engine.ipOnlyIndex == null ? null : new long[engine.ipOnlyIndex.words];
    }

    /** Inspects one packet; {@code flow} may be null for packets without one; flowFlags are FlowFlags bits. */
    public void inspect(Packet p, Flow flow, int flowFlags, AlertSink sink) {
        packets++;
        inspection++;
        DetectionEngine.Group g = engine.group(p, flowFlags);
        passed = false;
        alertCount = 0;
        app = AppLayer.state(flow);
        window = null;
        if (flow != null && flow.tcp != null && p.ipProto == 6) {
            TcpStream ts = flow.tcp.stream((flowFlags & FlowFlags.TO_SERVER) != 0);
            if (ts.windowNew() > 0 && (ts.windowLength() > ts.windowNew() || ts.windowNew() > p.payloadLength)) {
                window = ts.window();
                windowLen = ts.windowLength();
                windowNew = ts.windowNew();
            }
        }
        if (g.ipOnly.length > 0 && (flow == null || (flowFlags & FlowFlags.FIRST_IN_DIRECTION) != 0)) {
            // the index holds IPv4 and IPv6 addresses; a non-IP packet (only rules of other protocols reach
            // it) takes the plain loop
            if (g.ipOnlyMask != null && (p.ipVersion == 4 || p.ipVersion == 6)) {
                evaluateIpOnly(g, p, flow, flowFlags);
            } else {
                for (int num : g.ipOnly) {
                    evaluate(sigs[num], p, flow, flowFlags, false);
                    if (passed) {
                        break;
                    }
                }
            }
        }
        if (!passed) {
            int n = g.always.length;
            System.arraycopy(g.always, 0, cand, 0, n);
            int firstPf = n;
            if (g.matcher != null && p.payloadLength > 0) {
                matchSet.clear();
                g.matcher.scan(p.data, p.payloadOffset, p.payloadLength, matchSet);
                for (int i = 0, m = matchSet.size(); i < m; i++) {
                    int[] list = g.patternSigs[matchSet.get(i)];
                    System.arraycopy(list, 0, cand, n, list.length);
                    n += list.length;
                }
                prefilterCandidates += n - firstPf;
            }
            if (g.txSigs.length > 0 && app != null && app.updatedCount() > 0) {
                boolean known = g.txByProto != null && app.proto >= 0 && app.proto < g.txByProto.length;
                if (known && g.txPrefilter != null) {
                    TransactionPrefilter tp = g.txPrefilter[app.proto];
                    if (tp != null) {
                        int before = n;
                        n = transactionCandidates(tp, flowFlags, n);
                        txCandidates += n - before;
                    }
                } else {
                    int[] tx = known ? g.txByProto[app.proto] : g.txSigs;
                    System.arraycopy(tx, 0, cand, n, tx.length);
                    n += tx.length;
                    txCandidates += tx.length;
                }
            }
            if (n > firstPf) {
                IntSort.sort(cand, 0, n);
            }
            for (int i = 0; i < n; i++) {
                int num = cand[i];
                evaluate(sigs[num], p, flow, flowFlags, true);
                if (passed) {
                    break;
                }
            }
        }
        if (!passed && window != null && g.matcher != null) {
            inspectStream(g, p, flow, flowFlags);
        }
        flushAlerts(p, flow, flowFlags, sink);
        app = null;
        window = null;
    }

    /**
     * The group's IP-only rules whose addresses match the packet (by the engine's {@link IpOnlyIndex}),
     * evaluated in signature order as the plain loop would; the others cannot pass the header check.
     */
    private void evaluateIpOnly(DetectionEngine.Group g, Packet p, Flow flow, int flowFlags) {
        IpOnlyIndex index = engine.ipOnlyIndex;
        long[] bits = ipOnlyBits;
        index.candidates(p, g.ipOnlyMask, bits);
        int[] nums = index.nums;
        for (int w = 0; w < index.words; w++) {
            long x = bits[w];
            while (x != 0) {
                int i = (w << 6) + Long.numberOfTrailingZeros(x);
                x &= x - 1;
                evaluate(sigs[nums[i]], p, flow, flowFlags, false);
                if (passed) {
                    return;
                }
            }
        }
    }

    /** Hands the queued alerts of this inspection to the sink, in signature order. */
    private void flushAlerts(Packet p, Flow flow, int flowFlags, AlertSink sink) {
        if (alertCount > 0) {
            if (alertCount > 1) {
                sortQueue();
            }
            int proto = app == null ? 0 : app.proto;
            Transaction cur = app == null ? null : app.currentTx();
            for (int i = 0; i < alertCount; i++) {
                alerts++;
                Transaction tx = alertTx[i] != null ? alertTx[i] : cur;
                sink.alert(p, flow, sigs[alertQueue[i]], flowFlags, proto == AppProto.FAILED ? 0 : proto, tx);
                alertTx[i] = null;
            }
            alertCount = 0;
        }
    }

    /**
     * A TCP flow ends (timeout, eviction, end of input): the bytes of each direction its peer never
     * acknowledged are inspected once more as a raw stream chunk, by the payload rules their fast patterns
     * select — as Suricata does with the pseudo packet it runs at a flow's end, which inspects the raw
     * stream that ACKs never released (so a lone mid-stream segment is seen as packet and as stream:
     * suricata-verify {@code detect-bytetest-02}). Data the peer acknowledged was inspected with the
     * packets that carried it and is not looked at again. Call on the worker's thread (or after it stopped),
     * before the flow's state is released.
     */
    public void inspectFlowEnd(Flow flow, AlertSink sink) {
        if (flow == null || flow.tcp == null || flow.proto != 6
                || (flow.tcpState != Flow.TCP_ESTABLISHED && flow.tcpState != Flow.TCP_CLOSING)) {
            return; // a session never established (data on a lone SYN) has no raw stream to flush
        }
        for (int d = 0; d < 2; d++) {
            boolean toServer = d == 0;
            TcpStream ts = flow.tcp.stream(toServer);
            int u = ts.unacknowledgedBytes();
            if (u <= 0) {
                continue;
            }
            inspection++;
            flowEndInspections++;
            Packet p = pseudoPacket(flow, toServer);
            int flowFlags = (toServer ? FlowFlags.TO_SERVER : FlowFlags.TO_CLIENT) | FlowFlags.ESTABLISHED;
            DetectionEngine.Group g = engine.group(p, flowFlags);
            if (g.matcher == null) {
                continue;
            }
            byte[] w = ts.window();
            int from = ts.windowLength() - u;
            passed = false;
            alertCount = 0;
            app = null;
            matchSet.clear();
            g.matcher.scan(w, from, u, matchSet);
            int n = 0;
            for (int i = 0, m = matchSet.size(); i < m; i++) {
                int[] list = g.patternSigs[matchSet.get(i)];
                System.arraycopy(list, 0, cand, n, list.length);
                n += list.length;
            }
            IntSort.sort(cand, 0, n);
            for (int i = 0; i < n && !passed; i++) {
                Signature s = sigs[cand[i]];
                if (engine.app[s.num()] != null || !headerOk(s, p)) {
                    continue;
                }
                boolean ok = true;
                for (PacketCondition c : s.conditionArray()) {
                    if (!c.match(p, flow, flowFlags)) {
                        ok = false;
                        break;
                    }
                }
                if (ok && PayloadInspector.inspect(s.payloadArray(), w, from, u, ictx)) {
                    accept(s, p, flow, null);
                }
            }
            flushAlerts(p, flow, flowFlags, sink);
        }
    }

    /** The flow-end pseudo packet of one direction: addresses and ports of the flow, its last time, no bytes. */
    private Packet pseudoPacket(Flow f, boolean toServer) {
        Packet p = pseudo;
        p.ipVersion = f.ipVersion;
        p.ipProto = 6;
        p.srcHi = toServer ? f.clientHi : f.serverHi;
        p.srcLo = toServer ? f.clientLo : f.serverLo;
        p.dstHi = toServer ? f.serverHi : f.clientHi;
        p.dstLo = toServer ? f.serverLo : f.clientLo;
        p.srcPort = toServer ? f.clientPort : f.serverPort;
        p.dstPort = toServer ? f.serverPort : f.clientPort;
        p.l4Offset = 0;
        p.payloadOffset = 0;
        p.payloadLength = 0;
        p.tsSeconds = f.lastSeenNanos / 1_000_000_000L;
        p.tsNanos = (int) (f.lastSeenNanos % 1_000_000_000L);
        p.pcapCount = 0;
        p.flowHash = f.hash;
        p.tunnelId = f.tunnelId;
        return p;
    }

    /**
     * Appends to {@link #cand} the transaction rules worth evaluating for the transactions this packet
     * updated in its direction: the prefilter's always-rules, then those whose buffer fast pattern occurs in
     * that buffer of one of those transactions (each buffer instance scanned once). Each rule at most once.
     */
    private int transactionCandidates(TransactionPrefilter tp, int flowFlags, int n) {
        final long stamp = inspection;
        final long[] seen = txSeen;
        for (int num : tp.always) {
            seen[num] = stamp;
            cand[n++] = num;
        }
        boolean toServer = (flowFlags & FlowFlags.TO_SERVER) != 0;
        for (int i = 0, u = app.updatedCount(); i < u; i++) {
            if (app.updatedToServer(i) != toServer) {
                continue;
            }
            Transaction tx = app.updatedTx(i);
            for (int b = 0; b < tp.bufIds.length; b++) {
                int id = tp.bufIds[b];
                int d = Buf.direction(id);
                boolean bdir = d == Buf.DIR_BOTH ? toServer : d == Buf.DIR_TO_SERVER;
                for (int idx = 0; idx < 64 && tx.buffer(id, bdir, idx, slice); idx++) {
                    if (slice.len == 0) {
                        continue;
                    }
                    int bodySlot = idx == 0 ? BodyScanState.slot(id, bdir) : -1;
                    if (bodySlot >= 0) {
                        n = bodyCandidates(tp, b, tx, bodySlot, n);
                        continue;
                    }
                    matchSet.clear();
                    tp.matchers[b].scan(slice.buf, slice.off, slice.len, matchSet);
                    int[][] bySig = tp.patternSigs[b];
                    for (int k = 0, m = matchSet.size(); k < m; k++) {
                        for (int num : bySig[matchSet.get(k)]) {
                            if (seen[num] != stamp) {
                                seen[num] = stamp;
                                cand[n++] = num;
                            }
                        }
                    }
                }
            }
        }
        return n;
    }

    /**
     * The candidates from a growing body buffer ({@link #slice}): the rules earlier scans of this body made
     * candidates, plus those whose fast pattern occurs in the bytes added since (see {@link BodyScanState}).
     */
    private int bodyCandidates(TransactionPrefilter tp, int b, Transaction tx, int bodySlot, int n) {
        final long stamp = inspection;
        final long[] seen = txSeen;
        BodyScanState st;
        if (tx.detectState instanceof BodyScanState s) {
            st = s;
        } else {
            st = new BodyScanState(); // once per transaction with a body
            tx.detectState = st;
        }
        int prev = st.scanned[bodySlot];
        int from = 0;
        if (prev > 0 && slice.len >= prev) {
            from = Math.max(0, prev - (tp.maxPatternLength[b] - 1));
            int[] p = st.pending[bodySlot];
            for (int i = 0, m = st.pendingCount[bodySlot]; i < m; i++) {
                int num = p[i];
                if (seen[num] != stamp) {
                    seen[num] = stamp;
                    cand[n++] = num;
                }
            }
        } else if (prev > 0) {
            st.pendingCount[bodySlot] = 0; // shorter than before: start over
        }
        boolean track = prev != -1;
        matchSet.clear();
        tp.matchers[b].scan(slice.buf, slice.off + from, slice.len - from, matchSet);
        int[][] bySig = tp.patternSigs[b];
        for (int k = 0, m = matchSet.size(); k < m; k++) {
            for (int num : bySig[matchSet.get(k)]) {
                if (track && !st.addPending(bodySlot, num)) {
                    st.overflow(bodySlot);
                    track = false;
                }
                if (seen[num] != stamp) {
                    seen[num] = stamp;
                    cand[n++] = num;
                }
            }
        }
        if (track) {
            st.scanned[bodySlot] = slice.len;
        }
        return n;
    }

    /**
     * Raw stream inspection: payload rules that did not match this packet are tried on the direction's
     * reassembled window (the bytes before this packet's new data plus that data), so a pattern split over
     * segments matches. A match counts only when it needs the new bytes (the window without them does not
     * match), so one match in the stream alerts once.
     *
     * <p>Only the tail of the window where a fast pattern ending in the new bytes can start is
     * scanned (new bytes plus the longest pattern less one before them): scanning the whole
     * window per packet multiplied the prefilter work by up to window/payload (8x measured).
     * A rule is retried when its fast pattern ends in new data; one whose fast pattern lies wholly
     * in older stream bytes and whose other contents straddle the new segment is not.
     */
    private void inspectStream(DetectionEngine.Group g, Packet p, Flow flow, int flowFlags) {
        matchSet.clear();
        int from = Math.max(0, windowLen - windowNew - (g.maxPatternLength - 1));
        g.matcher.scan(window, from, windowLen - from, matchSet);
        int n = 0;
        for (int i = 0, m = matchSet.size(); i < m; i++) {
            int[] list = g.patternSigs[matchSet.get(i)];
            System.arraycopy(list, 0, cand, n, list.length);
            n += list.length;
        }
        if (n == 0) {
            return;
        }
        IntSort.sort(cand, 0, n);
        int prev = -1;
        for (int i = 0; i < n; i++) {
            int num = cand[i];
            if (num == prev) {
                continue;
            }
            prev = num;
            Signature s = sigs[num];
            if (!engine.streamOk[num] || matchedAt[num] == inspection || engine.app[num] != null) {
                continue;
            }
            if (!headerOk(s, p)) {
                continue;
            }
            boolean ok = true;
            for (PacketCondition c : s.conditionArray()) {
                if (!c.match(p, flow, flowFlags)) {
                    ok = false;
                    break;
                }
            }
            if (!ok || !PayloadInspector.inspect(s.payloadArray(), window, 0, windowLen, ictx)
                    || PayloadInspector.inspect(s.payloadArray(), window, 0, windowLen - windowNew, ictx)) {
                continue;
            }
            accept(s, p, flow, null);
            if (passed) {
                return;
            }
        }
    }

    private void sortQueue() {
        // insertion sort of (num, tx) pairs by signature order
        for (int i = 1; i < alertCount; i++) {
            int num = alertQueue[i];
            Transaction tx = alertTx[i];
            int j = i - 1;
            while (j >= 0 && alertQueue[j] > num) {
                alertQueue[j + 1] = alertQueue[j];
                alertTx[j + 1] = alertTx[j];
                j--;
            }
            alertQueue[j + 1] = num;
            alertTx[j + 1] = tx;
        }
    }

    private void evaluate(Signature s, Packet p, Flow flow, int flowFlags, boolean countPrefilter) {
        evaluated++;
        if (!headerOk(s, p)) {
            return;
        }
        AppBinding ab = engine.app[s.num()];
        if (ab != null) {
            if (app == null || (ab.appProto >= 0 && app.proto != ab.appProto)) {
                return;
            }
            if (ab.appProto < 0 && (app.proto == AppProto.UNKNOWN || app.proto == AppProto.FAILED)) {
                return;
            }
        }
        for (PacketCondition c : s.conditionArray()) {
            if (!c.match(p, flow, flowFlags)) {
                return;
            }
        }
        PayloadElement[] pl = s.payloadArray();
        if (pl.length > 0) {
            boolean hit = p.payloadLength > 0
                    && PayloadInspector.inspect(pl, p.data, p.payloadOffset, p.payloadLength, ictx);
            if (!hit && ab != null && window != null) {
                hit = PayloadInspector.inspect(pl, window, 0, windowLen, ictx);
            }
            if (!hit) {
                return;
            }
        }
        matchTx = null;
        if (ab != null && ab.tx() && !matchTx(s, ab, flow, flowFlags)) {
            return;
        }
        if (countPrefilter && s.fastPattern() != null) {
            prefilterMatches++;
        }
        accept(s, p, flow, matchTx);
    }

    /** Finds a transaction updated by this packet (in its direction) whose buffers match; marks it alerted. */
    private boolean matchTx(Signature s, AppBinding ab, Flow flow, int flowFlags) {
        boolean pktToServer = (flowFlags & FlowFlags.TO_SERVER) != 0;
        for (int i = 0, n = app.updatedCount(); i < n; i++) {
            boolean dir = app.updatedToServer(i);
            if (dir != pktToServer) {
                continue;
            }
            if ((ab.txDir == 1 && !dir) || (ab.txDir == 2 && dir)) {
                continue;
            }
            Transaction tx = app.updatedTx(i);
            if (tx.alerted(s.num(), dir)) {
                continue;
            }
            if (buffersMatch(s, ab, tx, dir, flow)) {
                if (!s.noalert() || s.postMatchArray().length > 0) {
                    tx.markAlerted(s.num(), dir);
                }
                matchTx = tx;
                return true;
            }
        }
        return false;
    }

    private boolean buffersMatch(Signature s, AppBinding ab, Transaction tx, boolean dir, Flow flow) {
        for (TxCondition c : ab.conds) {
            if (!c.match(tx, dir, flow)) {
                return false;
            }
        }
        for (int b = 0; b < ab.bufIds.length; b++) {
            int id = ab.bufIds[b];
            int d = Buf.direction(id);
            boolean bdir = d == Buf.DIR_BOTH ? dir : d == Buf.DIR_TO_SERVER;
            boolean any = false;
            for (int idx = 0; idx < 64 && tx.buffer(id, bdir, idx, slice); idx++) {
                byte[] buf = slice.buf;
                int off = slice.off, len = slice.len;
                if (ab.transformed[b]) {
                    buf = s.transform(ab.bufNames[b], java.util.Arrays.copyOfRange(buf, off, off + len));
                    off = 0;
                    len = buf.length;
                }
                if (PayloadInspector.inspect(ab.elems[b], buf, off, len, ictx)) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                return false;
            }
        }
        return true;
    }

    /** A signature matched: flowbits and other post-match actions, pass, noalert, thresholds, then the queue. */
    private void accept(Signature s, Packet p, Flow flow, Transaction tx) {
        matched++;
        matchedAt[s.num()] = inspection;
        for (PostMatch m : s.postMatchArray()) {
            m.apply(p, flow);
        }
        if (s.actionType() == io.crowsnest.detection.rules.Action.PASS) {
            passed = true;
            alertCount = 0;
            return;
        }
        if (s.noalert() || !engine.thresholds.allow(s, p)) {
            return;
        }
        queue(s.num(), tx);
    }

    private void queue(int num, Transaction tx) {
        if (alertCount < alertQueue.length) {
            alertTx[alertCount] = tx;
            alertQueue[alertCount++] = num;
            return;
        }
        // full: keep the lowest-ordered signatures, as Suricata does
        int worst = 0;
        for (int i = 1; i < alertCount; i++) {
            if (alertQueue[i] > alertQueue[worst]) {
                worst = i;
            }
        }
        if (num < alertQueue[worst]) {
            alertQueue[worst] = num;
            alertTx[worst] = tx;
        }
    }

    /** Per header class: the packet (count) it was last checked for, and the outcome. */
    private long[] headerStamp;
    private boolean[] headerPass;

    /** Protocol and header of {@code s} for this packet, memoized per header class (see DetectionEngine.headerOf). */
    private boolean headerOk(Signature s, Packet p) {
        int h = engine.headerOf[s.num()];
        if (headerStamp == null) {
            headerStamp = new long[engine.headerCount];
            headerPass = new boolean[engine.headerCount];
            java.util.Arrays.fill(headerStamp, -1);
        }
        if (headerStamp[h] == inspection) {
            return headerPass[h];
        }
        boolean ok = s.proto().matches(p.ipVersion, p.ipProto) && header(s, p);
        headerStamp[h] = inspection;
        headerPass[h] = ok;
        return ok;
    }

    private static boolean header(Signature s, Packet p) {
        boolean v4 = p.ipVersion == 4;
        boolean hasPorts = p.l4Offset >= 0 && (p.ipProto == 6 || p.ipProto == 17 || p.ipProto == 132);
        if (s.src().matches(p.srcHi, p.srcLo, v4) && s.dst().matches(p.dstHi, p.dstLo, v4)
                && port(s.srcPorts(), p.srcPort, hasPorts) && port(s.dstPorts(), p.dstPort, hasPorts)) {
            return true;
        }
        return s.bidirectional()
                && s.src().matches(p.dstHi, p.dstLo, v4) && s.dst().matches(p.srcHi, p.srcLo, v4)
                && port(s.srcPorts(), p.dstPort, hasPorts) && port(s.dstPorts(), p.srcPort, hasPorts);
    }

    private static boolean port(PortSet ps, int port, boolean hasPorts) {
        return ps.isAny() || (hasPorts && ps.matches(port));
    }

    public DetectionEngine engine() {
        return engine;
    }
}
