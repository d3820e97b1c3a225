package io.crowsnest.behaviour.scan;

import io.crowsnest.behaviour.AlertSink;
import io.crowsnest.behaviour.BehaviourAlert;
import io.crowsnest.behaviour.BehaviourConfig;
import io.crowsnest.behaviour.BehaviourContext;
import io.crowsnest.behaviour.BoundedMap;
import io.crowsnest.behaviour.Cooldowns;
import io.crowsnest.behaviour.Detector;
import io.crowsnest.behaviour.FlowRecord;
import io.crowsnest.behaviour.TopFlows;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Port scans between pods and towards node/control-plane services, from flow records: a <em>probe</em> is
 * a TCP flow whose SYN got a refusal, no answer, or a SYN/ACK but no conversation (SYN scans reset it,
 * connect scans close it), or a UDP flow nobody answered.
 * <ul>
 * <li>sid 9203001 vertical: one source probes ≥ {@code scan.vertical_ports} = 20 distinct ports of one host;</li>
 * <li>sid 9203002 horizontal: one source probes one port on ≥ {@code scan.horizontal_hosts} = 5 hosts;</li>
 * <li>sid 9203003 control plane: one source probes ≥ {@code scan.control_plane_targets} = 3 distinct
 *     host:port pairs among kubelet 10250/10255, etcd 2379/2380, Docker 2375/2376, the API server 6443,
 *     kube-proxy/controller/scheduler 10256/10257/10259 and the metadata address 169.254.169.254.</li>
 * </ul>
 * All within {@code scan.window_s} = 60 s; one alert per (source, target) and sid per {@code scan.cooldown_s}
 * = 600 s. At most {@code scan.max_probes_per_source} = 4096 probes are remembered per source.
 */
public final class ScanDetector implements Detector {
    static final long SID_VERTICAL = 9203001, SID_HORIZONTAL = 9203002, SID_CONTROL_PLANE = 9203003;
    static final Set<Integer> CONTROL_PLANE_PORTS = Set.of(10250, 10255, 2379, 2380, 2375, 2376, 6443, 10256, 10257, 10259);
    static final String METADATA = "169.254.169.254";

    /** Recent probes of one source: target → time, by host and by port. */
    private static final class Source {
        final Map<String, Map<Integer, Long>> portsByHost = new HashMap<>();
        final Map<Integer, Map<String, Long>> hostsByPort = new HashMap<>();
        final Map<String, Long> controlPlane = new HashMap<>();
        /** Evidence per alert target: host (vertical), port (horizontal), and the control plane. */
        final Map<String, TopFlows> byHost = new HashMap<>();
        final Map<Integer, TopFlows> byPort = new HashMap<>();
        final TopFlows controlPlaneFlows = new TopFlows(5);
        int probes;
        long last;
    }

    private final BehaviourContext ctx;
    private final int verticalPorts, horizontalHosts, controlPlaneTargets, maxProbes;
    private final long windowNanos;
    private final Cooldowns cooldowns;
    private final BoundedMap<String, Source> sources;
    private long probes;

    public ScanDetector(BehaviourContext ctx) {
        this.ctx = ctx;
        BehaviourConfig c = ctx.config();
        this.verticalPorts = c.integer("scan.vertical_ports", 20);
        this.horizontalHosts = c.integer("scan.horizontal_hosts", 5);
        this.controlPlaneTargets = c.integer("scan.control_plane_targets", 3);
        this.maxProbes = c.integer("scan.max_probes_per_source", 4096);
        this.windowNanos = (long) (c.num("scan.window_s", 60) * 1e9);
        this.cooldowns = new Cooldowns(c, "scan");
        this.sources = new BoundedMap<>(c.maxKeys());
    }

    @Override
    public String name() {
        return "scan";
    }

    static boolean probe(FlowRecord f) {
        if (f.proto == 6) {
            return (f.tcpFlagsToServer & FlowRecord.SYN) != 0 && !f.exchangedData();
        }
        return f.proto == 17 && f.pktsToClient == 0 && f.serverPort != 0;
    }

    @Override
    public void flow(FlowRecord f, AlertSink out) {
        if (!probe(f)) {
            return;
        }
        probes++;
        long t = f.startNanos;
        Source s = sources.computeIfAbsent(f.client, k -> new Source());
        if (s.probes >= maxProbes) {
            prune(s, t);
            if (s.probes >= maxProbes) {
                return;
            }
        }
        s.last = Math.max(s.last, t);
        String d = f.describe() + (f.tcpAccepted() ? " (open)" : "");
        s.byHost.computeIfAbsent(f.server, k -> new TopFlows(5)).add(d);
        s.byPort.computeIfAbsent(f.serverPort, k -> new TopFlows(5)).add(d);
        Map<Integer, Long> ports = s.portsByHost.computeIfAbsent(f.server, k -> new HashMap<>());
        if (ports.put(f.serverPort, t) == null) {
            s.probes++;
        }
        s.hostsByPort.computeIfAbsent(f.serverPort, k -> new HashMap<>()).put(f.server, t);
        if (CONTROL_PLANE_PORTS.contains(f.serverPort) || METADATA.equals(f.server)) {
            s.controlPlane.put(f.server + ":" + f.serverPort, t);
            s.controlPlaneFlows.add(d);
        }
        long since = t - windowNanos;
        int vertical = count(ports, since);
        if (vertical >= verticalPorts) {
            raise(out, SID_VERTICAL, "vertical port scan", f, f.server, vertical, verticalPorts,
                    "distinct ports on " + f.server, s.byHost.get(f.server));
        }
        int horizontal = count(s.hostsByPort.get(f.serverPort), since);
        if (horizontal >= horizontalHosts) {
            // one alert per scanning source (not per port): a sweep of 8 ports over 5 pods is one event
            raise(out, SID_HORIZONTAL, "horizontal scan (same port on many hosts)", f, "horizontal",
                    horizontal, horizontalHosts, "distinct hosts probed on port " + f.serverPort, s.byPort.get(f.serverPort));
        }
        int cp = count(s.controlPlane, since);
        if (cp >= controlPlaneTargets) {
            raise(out, SID_CONTROL_PLANE, "probes of node/control-plane services", f, "control-plane", cp,
                    controlPlaneTargets, "distinct control-plane host:port probed", s.controlPlaneFlows);
        }
    }

    private static <K> int count(Map<K, Long> m, long since) {
        if (m == null) {
            return 0;
        }
        int n = 0;
        for (long v : m.values()) {
            if (v >= since) {
                n++;
            }
        }
        return n;
    }

    private void raise(AlertSink out, long sid, String what, FlowRecord f, String target, int observed,
                       int threshold, String measure, TopFlows evidence) {
        String key = sid + " " + f.client + " " + target;
        if (!cooldowns.tryAlert(key, f.startNanos)) {
            return;
        }
        out.alert(BehaviourAlert.of(name(), sid, "CROWSNEST BEHAVIOUR " + what)
                .classtype(sid == SID_CONTROL_PLANE ? "Attempted Information Leak" : "Detection of a Network Scan",
                        sid == SID_CONTROL_PLANE ? 1 : 2)
                .at(f.startNanos)
                .src(f.client, 0)
                .dst(f.server, sid == SID_VERTICAL ? 0 : f.serverPort)
                .proto(f.proto, null)
                .window(windowNanos / 1e9)
                .fact("measure", measure)
                .observed(observed)
                .baseline(0)
                .fact("baseline_source", "default (no probes are normal)")
                .threshold(threshold)
                .topFlows(evidence.list())
                .build());
    }

    /** Forgets probes older than the window (on tick and when a source's probe cap is reached). */
    private void prune(Source s, long now) {
        long since = now - windowNanos;
        int n = 0;
        for (Iterator<Map<Integer, Long>> it = s.portsByHost.values().iterator(); it.hasNext(); ) {
            Map<Integer, Long> m = it.next();
            m.values().removeIf(v -> v < since);
            if (m.isEmpty()) {
                it.remove();
            }
            n += m.size();
        }
        for (Iterator<Map<String, Long>> it = s.hostsByPort.values().iterator(); it.hasNext(); ) {
            Map<String, Long> m = it.next();
            m.values().removeIf(v -> v < since);
            if (m.isEmpty()) {
                it.remove();
            }
        }
        s.controlPlane.values().removeIf(v -> v < since);
        s.probes = n;
        s.byHost.keySet().retainAll(s.portsByHost.keySet());
        s.byPort.keySet().retainAll(s.hostsByPort.keySet());
        if (s.controlPlane.isEmpty()) {
            s.controlPlaneFlows.clear();
        }
    }

    @Override
    public void tick(long now, AlertSink out) {
        cooldowns.sweep(now);
        for (Iterator<Source> it = sources.values().iterator(); it.hasNext(); ) {
            Source s = it.next();
            if (now - s.last > windowNanos) {
                it.remove();
            }
        }
    }

    @Override
    public Map<String, Long> stats() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("probes", probes);
        m.put("sources_tracked", (long) sources.size());
        m.put("sources_evicted", sources.evictions());
        cooldowns.stats(m);
        return m;
    }

    /** For tests: distinct hosts tracked for a source. */
    Set<String> hosts(String source) {
        Source s = sources.get(source);
        return s == null ? Set.of() : new HashSet<>(s.portsByHost.keySet());
    }
}
