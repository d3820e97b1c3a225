package io.crowsnest.identity.kubernetes;

import io.crowsnest.identity.IpKey;
import io.crowsnest.identity.Workload;
import io.crowsnest.identity.history.IdentityHistory;
import io.crowsnest.identity.history.Interval;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Turns Kubernetes pod facts into {@link IdentityHistory} intervals, merged with what the node's own sources (/proc,
 * Docker, CRI) already hold. Single-threaded: the resolver's thread calls it.
 *
 * <p>Intervals: a pod opens each of its addresses when it holds them ({@link KubePod#holdsAddresses()}) and closes
 * them when it is deleted, finishes (Succeeded/Failed), loses an address, or changes facts (labels...: a new interval
 * from then on, so an alert is named as the pod was at the packet's time). An address opens at the pod's
 * {@code status.startTime} when nobody else holds it (the pod existed before we saw it: the sensor started, or a watch
 * reconnected), otherwise now - an address is handed on only after its previous holder is gone.
 *
 * <p>Precedence, for an address of a pod on this node that /proc, Docker or containerd also name (same pod uid, or a
 * container id of the pod): Kubernetes gives kind, namespace, pod, owner, labels, service account and node; the node's
 * runtime sources give container, container_id and image when they know them (the id a runtime reports is the one
 * its cgroups and events carry); otherwise the pod's own container status when it has one container.
 *
 * <p>Host-network pods share their node's address: on this node nothing is claimed (/proc names the host), on other
 * nodes the address is named {@code host} on that node - never after one of its pods.
 *
 * <p>Memory: per pod its uid, addresses and workload; per address the pod uid.
 */
public final class PodIntervals {

    private record Held(List<IpKey> ips, Workload workload, boolean host) {
    }

    private final IdentityHistory history;
    private final String localNode;
    private final Consumer<IpKey> claimed;
    private final Map<String, Held> pods = new HashMap<>(); // uid -> what it holds
    private final Map<IpKey, String> byAddress = new HashMap<>(); // address -> pod uid (non-host pods)
    private final Map<IpKey, Set<String>> hostPods = new HashMap<>(); // remote node address -> host-network pods
    private final Map<IpKey, Workload> runtime = new HashMap<>(); // what /proc or Docker said of a pod's address

    /** @param claimed told of every address Kubernetes now names, so another source stops closing it */
    public PodIntervals(IdentityHistory history, String localNode, Consumer<IpKey> claimed) {
        this.history = history;
        this.localNode = localNode;
        this.claimed = claimed;
    }

    /** The uid of the pod Kubernetes says holds the address now, or null. */
    public String podUid(IpKey a) {
        return byAddress.get(a);
    }

    public int pods() {
        return pods.size();
    }

    public int addresses() {
        return byAddress.size() + hostPods.size();
    }

    public void upsert(KubePod p, String owner, long now) {
        if (p.hostNetwork()) {
            upsertHost(p, now);
            return;
        }
        Held old = pods.get(p.uid());
        List<IpKey> ips = p.holdsAddresses() ? p.ips() : List.of();
        Workload base = p.toWorkload(owner);
        if (old != null) {
            for (IpKey a : old.ips()) {
                if (!ips.contains(a) && byAddress.remove(a, p.uid())) {
                    history.close(a, null, now);
                    runtime.remove(a);
                }
            }
        }
        Workload last = null;
        for (IpKey a : ips) {
            Interval cur = history.current(a);
            if (cur != null && !p.uid().equals(byAddress.get(a)) && sameHolder(p, cur.workload())) {
                runtime.put(a, cur.workload()); // /proc, Docker or containerd named it first (not Kubernetes itself)
            } else if (cur != null && !p.uid().equals(byAddress.get(a))) {
                runtime.remove(a); // someone else's address until now
            }
            Workload w = merge(base, runtime.get(a));
            last = w;
            if (cur != null && cur.workload().equals(w)) {
                byAddress.put(a, p.uid());
                continue;
            }
            boolean samePod = cur != null && sameHolder(p, cur.workload());
            boolean mine = old != null && old.ips().contains(a);
            long from = mine || (cur != null && !samePod) || p.startNanos() <= 0 ? now : Math.min(p.startNanos(), now);
            from = Math.max(from, lastClosed(a)); // never before the previous holder let go
            if (samePod && !mine) {
                history.upgrade(a, w, from); // /proc or Docker saw it first: richer facts, same interval
            } else {
                history.open(a, w, from);
            }
            byAddress.put(a, p.uid());
            claimed.accept(a);
        }
        if (ips.isEmpty()) {
            pods.remove(p.uid());
        } else {
            pods.put(p.uid(), new Held(ips, last, false));
        }
    }

    public void delete(KubePod p, long now) {
        Held old = pods.remove(p.uid());
        if (old == null) {
            return;
        }
        if (old.host()) {
            for (IpKey a : old.ips()) {
                Set<String> s = hostPods.get(a);
                if (s != null && s.remove(p.uid()) && s.isEmpty()) {
                    hostPods.remove(a);
                    history.close(a, Workload.host(p.node()), now);
                }
            }
            return;
        }
        for (IpKey a : old.ips()) {
            if (byAddress.remove(a, p.uid())) {
                runtime.remove(a);
                Interval cur = history.current(a);
                if (cur != null && sameHolder(p, cur.workload())) {
                    history.close(a, cur.workload(), now);
                }
            }
        }
    }

    private void upsertHost(KubePod p, long now) {
        if (localNode != null && localNode.equals(p.node())) {
            return; // this node's own address: /proc names the host
        }
        if (!p.holdsAddresses() || p.node() == null) {
            delete(p, now);
            return;
        }
        Workload host = Workload.host(p.node());
        for (IpKey a : p.ips()) {
            Set<String> s = hostPods.computeIfAbsent(a, k -> new HashSet<>());
            if (s.isEmpty()) {
                history.open(a, host, Math.min(p.startNanos() > 0 ? p.startNanos() : now, now));
            }
            s.add(p.uid());
        }
        pods.put(p.uid(), new Held(p.ips(), host, true));
    }

    /**
     * Docker (or another runtime source) learnt the container behind an address Kubernetes names: keep the pod
     * facts, take its container id and image. Returns false when Kubernetes does not hold the address.
     */
    public boolean runtimeFacts(IpKey a, Workload runtime, long from) {
        Interval cur = history.current(a);
        if (byAddress.get(a) == null || cur == null || cur.workload().kind() != Workload.Kind.POD) {
            return false;
        }
        this.runtime.put(a, runtime);
        Workload k = cur.workload();
        Workload w = merge(k, runtime);
        if (!w.equals(k)) {
            history.open(a, w, Math.max(from, cur.fromNanos()));
        }
        return true;
    }

    /** Kubernetes facts, with the runtime's container facts (/proc, Docker) when it gave some. */
    private static Workload merge(Workload k, Workload r) {
        if (r == null) {
            return k;
        }
        return new Workload(Workload.Kind.POD, k.namespace(), k.pod(), or(r.container(), k.container()),
                or(r.containerId(), k.containerId()), or(r.image(), k.image()), k.labels(), k.node(), k.owner(),
                k.serviceAccount());
    }

    /** {@code w} names this pod: its uid label (/proc, Docker on Kubernetes), a container id of it, or its name. */
    private static boolean sameHolder(KubePod p, Workload w) {
        if (w.labels() != null && p.uid() != null && p.uid().equals(w.labels().get("io.kubernetes.pod.uid"))) {
            return true;
        }
        if (w.containerId() != null) {
            for (KubePod.Container c : p.containers()) {
                if (c.id() != null && (c.id().startsWith(w.containerId()) || w.containerId().startsWith(c.id()))) {
                    return true;
                }
            }
        }
        return p.name().equals(w.pod()) && p.namespace().equals(w.namespace());
    }

    private long lastClosed(IpKey a) {
        long t = 0;
        for (Interval iv : history.intervals(a)) {
            if (!iv.isOpen()) {
                t = Math.max(t, iv.untilNanos());
            }
        }
        return t;
    }

    private static String or(String a, String b) {
        return a != null ? a : b;
    }
}
