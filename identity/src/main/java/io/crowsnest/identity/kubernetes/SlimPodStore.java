package io.crowsnest.identity.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The informer's cache of pods, holding only what {@link KubePod} reads. An informer keeps every object it lists to
 * tell updates and deletes apart after a re-list; a full pod is often 10-30 KB of JSON (managed fields, annotations
 * such as last-applied-configuration, container specs, env, volumes), the slim copy a few hundred bytes - which is
 * what makes watching every pod of a large cluster affordable.
 */
final class SlimPodStore implements ItemStore<Pod> {

    private final ConcurrentHashMap<String, Pod> pods = new ConcurrentHashMap<>();
    private final boolean keepContainers;

    /** @param keepContainers keep container statuses (name, id, image): this node's pods only */
    SlimPodStore(boolean keepContainers) {
        this.keepContainers = keepContainers;
    }

    static Pod slim(Pod p, boolean keepContainers) {
        ObjectMeta m = p.getMetadata();
        ObjectMeta sm = new ObjectMeta();
        sm.setName(m.getName());
        sm.setNamespace(m.getNamespace());
        sm.setUid(m.getUid());
        sm.setResourceVersion(m.getResourceVersion()); // the informer compares versions on re-list
        sm.setLabels(m.getLabels());
        sm.setOwnerReferences(m.getOwnerReferences());
        Pod s = new Pod();
        s.setMetadata(sm);
        PodSpec spec = p.getSpec();
        if (spec != null) {
            PodSpec ss = new PodSpec();
            ss.setNodeName(spec.getNodeName());
            ss.setHostNetwork(spec.getHostNetwork());
            ss.setServiceAccountName(spec.getServiceAccountName());
            s.setSpec(ss);
        }
        PodStatus st = p.getStatus();
        if (st != null) {
            PodStatus ss = new PodStatus();
            ss.setPhase(st.getPhase());
            ss.setPodIP(st.getPodIP());
            ss.setPodIPs(st.getPodIPs());
            ss.setStartTime(st.getStartTime());
            if (keepContainers && st.getContainerStatuses() != null) {
                List<ContainerStatus> cs = new ArrayList<>();
                for (ContainerStatus c : st.getContainerStatuses()) {
                    ContainerStatus x = new ContainerStatus();
                    x.setName(c.getName());
                    x.setContainerID(c.getContainerID());
                    x.setImage(c.getImage());
                    cs.add(x);
                }
                ss.setContainerStatuses(cs);
            }
            s.setStatus(ss);
        }
        return s;
    }

    @Override
    public String getKey(Pod obj) {
        return Cache.metaNamespaceKeyFunc(obj);
    }

    @Override
    public Pod put(String key, Pod obj) {
        return pods.put(key, slim(obj, keepContainers));
    }

    @Override
    public Pod remove(String key) {
        return pods.remove(key);
    }

    @Override
    public Stream<String> keySet() {
        return pods.keySet().stream();
    }

    @Override
    public Stream<Pod> values() {
        return pods.values().stream();
    }

    @Override
    public int size() {
        return pods.size();
    }

    @Override
    public Pod get(String key) {
        return pods.get(key);
    }
}
