package io.crowsnest.detection.engine;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.decoders.flow.FlowFlags;
import io.crowsnest.detection.inspect.InspectionContext;
import io.crowsnest.detection.inspect.PacketCondition;
import io.crowsnest.detection.inspect.PayloadElement;
import io.crowsnest.detection.inspect.PayloadInspector;
import io.crowsnest.detection.inspect.PostMatch;
import io.crowsnest.detection.prefilter.MatchSet;
import io.crowsnest.detection.rules.PortSet;
import io.crowsnest.detection.rules.Signature;
import java.util.Arrays;

/**
 * Per-worker detection state (not thread-safe; one per thread). {@link #inspect} runs the prefilter once
 * over the payload, evaluates IP-only signatures on the first packet of each flow direction, then the
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
    private int alertCount;
    final InspectionContext ictx = new InspectionContext();
    private boolean passed;

    long packets, prefilterCandidates, prefilterMatches, evaluated, matched, alerts;

    DetectionContext(DetectionEngine engine) {
        this.engine = engine;
        this.sigs = engine.sigs;
        this.matchSet = new MatchSet(Math.max(1, engine.maxPatterns));
        this.cand = new int[Math.max(1, engine.maxGroupSize)];
        this.alertQueue = new int[engine.maxAlertsPerPacket];
    }

    /** Inspects one packet; {@code flow} may be null for packets without one; flowFlags are FlowFlags bits. */
    public void inspect(Packet p, Flow flow, int flowFlags, AlertSink sink) {
        packets++;
        DetectionEngine.Group g = engine.group(p, flowFlags);
        passed = false;
        alertCount = 0;
        if (g.ipOnly.length > 0 && (flow == null || (flowFlags & FlowFlags.FIRST_IN_DIRECTION) != 0)) {
            for (int num : g.ipOnly) {
                evaluate(sigs[num], p, flow, flowFlags, false);
                if (passed) {
                    break;
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
            if (n > firstPf) {
                Arrays.sort(cand, 0, n);
            }
            for (int i = 0; i < n; i++) {
                int num = cand[i];
                evaluate(sigs[num], p, flow, flowFlags, true);
                if (passed) {
                    break;
                }
            }
        }
        if (alertCount > 0) {
            if (alertCount > 1) {
                Arrays.sort(alertQueue, 0, alertCount);
            }
            for (int i = 0; i < alertCount; i++) {
                alerts++;
                sink.alert(p, flow, sigs[alertQueue[i]], flowFlags);
            }
        }
    }

    private void evaluate(Signature s, Packet p, Flow flow, int flowFlags, boolean countPrefilter) {
        evaluated++;
        if (!s.proto().matches(p.ipVersion, p.ipProto) || !header(s, p)) {
            return;
        }
        for (PacketCondition c : s.conditionArray()) {
            if (!c.match(p, flow, flowFlags)) {
                return;
            }
        }
        PayloadElement[] pl = s.payloadArray();
        if (pl.length > 0) {
            if (p.payloadLength <= 0
                    || !PayloadInspector.inspect(pl, p.data, p.payloadOffset, p.payloadLength, ictx)) {
                return;
            }
        }
        matched++;
        if (countPrefilter && s.fastPattern() != null) {
            prefilterMatches++;
        }
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
        queue(s.num());
    }

    private void queue(int num) {
        if (alertCount < alertQueue.length) {
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
        }
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
