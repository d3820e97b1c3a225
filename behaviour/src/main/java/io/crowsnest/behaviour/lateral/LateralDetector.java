package io.crowsnest.behaviour.lateral;

import io.crowsnest.behaviour.AlertSink;
import io.crowsnest.behaviour.BehaviourAlert;
import io.crowsnest.behaviour.BehaviourConfig;
import io.crowsnest.behaviour.BehaviourContext;
import io.crowsnest.behaviour.BoundedMap;
import io.crowsnest.behaviour.Detector;
import io.crowsnest.behaviour.FlowRecord;
import io.crowsnest.behaviour.profile.WorkloadProfile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lateral movement and drift, against a baseline (inert without one): a workload the baseline knows holds
 * a real conversation over an edge (PEER tcp/PORT) its profile does not list.
 * <ul>
 * <li>sid 9207001 new internal edge: the peer is a workload the baseline knows (a pod talking to a pod or
 *     port it never talked to: lateral movement);</li>
 * <li>sid 9207002 first-seen egress: the peer is not in the baseline at all (a destination outside the
 *     learned cluster).</li>
 * </ul>
 * Only conversations count (handshake plus data both ways, or a UDP answer); failed attempts are the
 * scan detector's. Workloads absent from the baseline are counted ({@code unprofiled_flows}) but not
 * judged. One alert per (workload, edge) until the stage restarts (bounded, {@code max_keys}). To accept an
 * edge, add it to the workload's {@code talks_to} in the profile.
 */
public final class LateralDetector implements Detector {
    static final long SID_NEW_EDGE = 9207001, SID_NEW_EGRESS = 9207002;

    private final BehaviourContext ctx;
    private final BoundedMap<String, Boolean> alerted;
    private long unprofiled;
    private long judged;

    public LateralDetector(BehaviourContext ctx) {
        this.ctx = ctx;
        BehaviourConfig c = ctx.config();
        this.alerted = new BoundedMap<>(c.maxKeys());
    }

    @Override
    public String name() {
        return "lateral";
    }

    @Override
    public void flow(FlowRecord f, AlertSink out) {
        if (!ctx.hasBaseline()) {
            return;
        }
        boolean conversation = f.exchangedData() || (f.proto == 17 && f.pktsToClient > 0);
        if (!conversation) {
            return;
        }
        String c = ctx.key(f.client, f.startNanos), s = ctx.key(f.server, f.startNanos);
        WorkloadProfile cp = ctx.profile().workload(c);
        if (cp == null) {
            unprofiled++;
            return;
        }
        judged++;
        String edge = WorkloadProfile.edge(s, f.transport(), f.serverPort);
        if (cp.talksTo.contains(edge)) {
            return;
        }
        String key = c + " " + edge;
        if (alerted.containsKey(key)) {
            return;
        }
        alerted.put(key, Boolean.TRUE);
        boolean known = ctx.profile().workload(s) != null;
        long sid = known ? SID_NEW_EDGE : SID_NEW_EGRESS;
        List<String> usual = cp.talksTo.stream().limit(8).toList();
        out.alert(BehaviourAlert.of(name(), sid, known
                        ? "CROWSNEST BEHAVIOUR lateral movement: workload uses an edge absent from its baseline"
                        : "CROWSNEST BEHAVIOUR drift: first-seen egress to a peer outside the baseline")
                .classtype(known ? "Potential Corporate Privacy Violation" : "Potentially Bad Traffic", known ? 1 : 2)
                .at(f.startNanos)
                .src(f.client, f.clientPort)
                .dst(f.server, f.serverPort)
                .proto(f.proto, f.appProto)
                .window((f.endNanos - f.startNanos) / 1e9)
                .fact("workload", c)
                .fact("edge", edge)
                .observed("new edge")
                .baseline(usual)
                .fact("baseline_edges", cp.talksTo.size())
                .threshold("any edge not in talks_to")
                .fact("bytes_to_server", f.bytesToServer)
                .fact("bytes_to_client", f.bytesToClient)
                .topFlows(List.of(f.describe()))
                .build());
    }

    @Override
    public Map<String, Long> stats() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("flows_judged", judged);
        m.put("unprofiled_flows", unprofiled);
        m.put("edges_alerted", (long) alerted.size());
        m.put("edges_evicted", alerted.evictions());
        return m;
    }
}
