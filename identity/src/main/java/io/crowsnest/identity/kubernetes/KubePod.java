package io.crowsnest.identity.kubernetes;

import io.crowsnest.identity.IpKey;
import io.crowsnest.identity.Workload;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What identity keeps of a pod: the few facts that name it, its addresses and when it got them. Built from the
 * API's {@link Pod} (everything else - spec, annotations, managed fields - is dropped at once).
 *
 * @param controller the controller ownerReference ("ReplicaSet", "shop-5d8f") or null
 * @param startNanos status.startTime (the kubelet accepted the pod; its sandbox and address follow), 0 when unknown
 * @param containers the app containers' statuses (name, runtime id without its "containerd://" prefix, image)
 */
public record KubePod(String uid, String namespace, String name, String node, boolean hostNetwork, String phase,
        List<IpKey> ips, Map<String, String> labels, String serviceAccount, OwnerRef controller, long startNanos,
        List<Container> containers) {

    public record OwnerRef(String kind, String name, String uid) {
    }

    public record Container(String name, String id, String image) {
    }

    public KubePod {
        ips = List.copyOf(ips);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        containers = List.copyOf(containers);
    }

    public static KubePod from(Pod p) {
        var m = p.getMetadata();
        var spec = p.getSpec();
        var st = p.getStatus();
        List<IpKey> ips = new ArrayList<>();
        long start = 0;
        String phase = null;
        List<Container> containers = new ArrayList<>();
        if (st != null) {
            phase = st.getPhase();
            if (st.getPodIPs() != null) {
                for (PodIP ip : st.getPodIPs()) {
                    addIp(ips, ip.getIp());
                }
            }
            addIp(ips, st.getPodIP()); // older API servers fill only podIP
            start = nanos(st.getStartTime());
            if (st.getContainerStatuses() != null) {
                for (ContainerStatus c : st.getContainerStatuses()) {
                    containers.add(new Container(c.getName(), stripRuntime(c.getContainerID()), c.getImage()));
                }
            }
        }
        return new KubePod(m.getUid(), m.getNamespace(), m.getName(), spec == null ? null : spec.getNodeName(),
                spec != null && Boolean.TRUE.equals(spec.getHostNetwork()), phase, ips, m.getLabels(),
                spec == null ? null : spec.getServiceAccountName(), controllerOf(m.getOwnerReferences()), start,
                containers);
    }

    /** The controller reference (controller: true), else the only reference; null when none. */
    static OwnerRef controllerOf(List<OwnerReference> refs) {
        if (refs == null || refs.isEmpty()) {
            return null;
        }
        for (OwnerReference r : refs) {
            if (Boolean.TRUE.equals(r.getController())) {
                return new OwnerRef(r.getKind(), r.getName(), r.getUid());
            }
        }
        OwnerReference r = refs.get(0);
        return refs.size() == 1 ? new OwnerRef(r.getKind(), r.getName(), r.getUid()) : null;
    }

    /** The pod holds its addresses: it has some and has not finished (Succeeded/Failed pods released them). */
    public boolean holdsAddresses() {
        return !ips.isEmpty() && !"Succeeded".equals(phase) && !"Failed".equals(phase);
    }

    public String key() {
        return namespace + "/" + name;
    }

    /**
     * The pod as a workload. Container facts are given only for a one-container pod: an address belongs to the pod's
     * network namespace, shared by all its containers, so with several none of them is "the" container.
     */
    public Workload toWorkload(String owner) {
        Container c = containers.size() == 1 ? containers.get(0) : null;
        return new Workload(Workload.Kind.POD, namespace, name, c == null ? null : c.name(), c == null ? null : c.id(),
                c == null ? null : c.image(), labels, node, owner, serviceAccount);
    }

    private static void addIp(List<IpKey> ips, String s) {
        if (s == null || !s.matches("[0-9A-Fa-f:.]{2,45}")) {
            return; // only address literals: IpKey.parse would resolve a name
        }
        try {
            IpKey k = IpKey.parse(s);
            if (!ips.contains(k)) {
                ips.add(k);
            }
        } catch (IllegalArgumentException e) {
            // not an address literal: nothing to name
        }
    }

    static String stripRuntime(String id) {
        if (id == null || id.isEmpty()) {
            return null;
        }
        int i = id.indexOf("://");
        return i < 0 ? id : id.substring(i + 3);
    }

    static long nanos(String rfc3339) {
        if (rfc3339 == null || rfc3339.isEmpty()) {
            return 0;
        }
        try {
            Instant t = Instant.parse(rfc3339);
            return t.getEpochSecond() * 1_000_000_000L + t.getNano();
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
