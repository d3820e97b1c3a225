package io.crowsnest.identity.containerd;

import io.crowsnest.identity.Workload;
import io.crowsnest.identity.cgroup.CgroupInfo;
import io.crowsnest.identity.cgroup.CgroupParser;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who holds each network namespace that containerd tasks run in: tasks are grouped by their init process's
 * namespace, since an address belongs to a namespace, not to a container. A pod's sandbox and its containers share
 * one namespace, and so do {@code ctr run --with-ns network:...} sidecars.
 *
 * <ul>
 *   <li>A namespace with CRI tasks is the pod's: kind {@code pod}, the CRI's namespace and pod name, the pod uid as
 *       the label {@code io.kubernetes.pod.uid} (the key the /proc scan and the Kubernetes source use; from the
 *       sandbox-uid annotation, else from the kubelet's cgroup path). When the pod
 *       runs exactly one container besides its sandbox, that container's name, id and image are given; with
 *       several (sidecars), an address cannot say which of them sent a packet, so container and image are left
 *       out and the id is the sandbox's.</li>
 *   <li>Otherwise (ctr, nerdctl, any other client) the namespace belongs to the task that has run in it longest:
 *       kind {@code container}, named by nerdctl's {@code nerdctl/name} or else its containerd id, with the
 *       containerd namespace as the label {@code containerd.namespace}; later tasks that joined the namespace lend
 *       it nothing (as Docker's {@code --network container:} sharers).</li>
 * </ul>
 * The host's own namespace is left out (host-network pods and containers: the /proc scan names the host).
 */
public final class NetnsHolders {

    /** The containerd namespace of a non-CRI container, as a workload label. */
    public static final String NAMESPACE_LABEL = "containerd.namespace";
    public static final String POD_UID_LABEL = "io.kubernetes.pod.uid";

    /**
     * @param key          stable while the same sandbox (pods) or task (containers) holds the namespace
     * @param pid          a process in the namespace (to read its addresses)
     * @param startedNanos the earliest task start in the namespace
     */
    public record Holder(String key, long netnsInode, int pid, Workload workload, long startedNanos) {
    }

    private NetnsHolders() {
    }

    public static List<Holder> of(List<ContainerdTask> tasks, long hostNetnsInode, String node) {
        Map<Long, List<ContainerdTask>> byNetns = new LinkedHashMap<>();
        for (ContainerdTask t : tasks) {
            if (t.netnsInode() != hostNetnsInode) {
                byNetns.computeIfAbsent(t.netnsInode(), k -> new ArrayList<>()).add(t);
            }
        }
        List<Holder> out = new ArrayList<>(byNetns.size());
        for (var e : byNetns.entrySet()) {
            List<ContainerdTask> group = e.getValue();
            group.sort(Comparator.comparingLong(ContainerdTask::startedNanos).thenComparing(ContainerdTask::id));
            long started = group.get(0).startedNanos();
            Holder h = pod(e.getKey(), group, started, node);
            out.add(h != null ? h : container(e.getKey(), group.get(0), started, node));
        }
        return out;
    }

    private static Holder pod(long inode, List<ContainerdTask> group, long started, String node) {
        ContainerdTask facts = null;
        for (ContainerdTask t : group) {
            if (t.bundle().isCri() && (facts == null || (t.bundle().isSandbox() && !facts.bundle().isSandbox()))) {
                facts = t;
            }
        }
        if (facts == null) {
            return null;
        }
        OciBundle f = facts.bundle();
        String sandbox = f.sandboxId();
        List<OciBundle> containers = new ArrayList<>();
        for (ContainerdTask t : group) {
            OciBundle b = t.bundle();
            if (b.isCri() && !b.isSandbox() && (sandbox == null || sandbox.equals(b.sandboxId()))) {
                containers.add(b);
            }
        }
        String uid = f.annotation(OciBundle.SANDBOX_UID);
        if (uid == null) { // containerd before 1.7 writes no sandbox-uid; the kubelet's cgroup path has it
            uid = CgroupParser.parsePath(f.cgroupsPath()).map(CgroupInfo::podUid).orElse(null);
        }
        Map<String, String> labels = uid == null ? null : Map.of(POD_UID_LABEL, uid);
        OciBundle only = containers.size() == 1 ? containers.get(0) : null;
        String id = only != null ? only.id() : sandbox != null ? sandbox : facts.id();
        Workload w = new Workload(Workload.Kind.POD, f.annotation(OciBundle.SANDBOX_NAMESPACE),
                f.annotation(OciBundle.SANDBOX_NAME), only == null ? null : only.annotation(OciBundle.CONTAINER_NAME), id,
                only == null ? null : only.annotation(OciBundle.IMAGE_NAME), labels, node, null);
        return new Holder("cri/" + (sandbox != null ? sandbox : facts.id()), inode, facts.pid(), w, started);
    }

    private static Holder container(long inode, ContainerdTask owner, long started, String node) {
        OciBundle b = owner.bundle();
        String name = b.annotation(OciBundle.NERDCTL_NAME);
        Workload w = new Workload(Workload.Kind.CONTAINER, null, null, name != null ? name : b.id(), b.id(),
                b.annotation(OciBundle.IMAGE_NAME), Map.of(NAMESPACE_LABEL, b.namespace()), node, null);
        return new Holder(b.namespace() + "/" + b.id(), inode, owner.pid(), w, started);
    }
}
