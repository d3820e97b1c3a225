package io.crowsnest.identity.docker;

import io.crowsnest.identity.IpKey;
import io.crowsnest.identity.Workload;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code GET /containers/<id>/json} says about a container.
 *
 * @param name        without docker's leading {@code /}
 * @param image       the image reference it was started from ({@code Config.Image})
 * @param pid         the init process on the host, 0 when not running
 * @param networkMode {@code HostConfig.NetworkMode}: {@code bridge}, {@code host}, {@code none}, a network name, or
 *                    {@code container:<id>} when it shares another container's network namespace (a pod's pause)
 * @param addresses   every {@code IPAddress}/{@code GlobalIPv6Address} in {@code NetworkSettings} and its networks
 * @param startedNanos  {@code State.StartedAt} as epoch nanoseconds, 0 when unknown
 * @param finishedNanos {@code State.FinishedAt} as epoch nanoseconds, 0 when unknown or still running
 */
public record ContainerDetails(String id, String name, String image, String imageId, Map<String, String> labels,
        int pid, boolean running, String networkMode, List<IpKey> addresses, long startedNanos, long finishedNanos) {

    public static final String K8S_POD_NAME = "io.kubernetes.pod.name";
    public static final String K8S_POD_NAMESPACE = "io.kubernetes.pod.namespace";
    public static final String K8S_POD_UID = "io.kubernetes.pod.uid";
    public static final String K8S_CONTAINER_NAME = "io.kubernetes.container.name";

    public String podName() {
        return labels.get(K8S_POD_NAME);
    }

    public String podNamespace() {
        return labels.get(K8S_POD_NAMESPACE);
    }

    public String podUid() {
        return labels.get(K8S_POD_UID);
    }

    /** The container name Kubernetes gave it ({@code POD} for the sandbox/pause container), or null. */
    public String kubernetesContainerName() {
        return labels.get(K8S_CONTAINER_NAME);
    }

    /** A pod's sandbox (pause) container, by its dockershim label. */
    public boolean isPodSandbox() {
        return "POD".equals(kubernetesContainerName());
    }

    /** The id of the container whose network namespace this one joined ({@code --network container:<id>}), or null. */
    public String sharedNetnsWith() {
        return networkMode != null && networkMode.startsWith("container:") ? networkMode.substring(10) : null;
    }

    /**
     * As a workload: a pod when the {@code io.kubernetes.pod.*} labels are present (container = the Kubernetes
     * container name unless this is the pause container), else a container. Labels exclude the
     * {@code io.kubernetes.*} bookkeeping ones, which become fields.
     */
    public Workload toWorkload(String node) {
        Map<String, String> user = new LinkedHashMap<>();
        labels.forEach((k, v) -> {
            if (!k.startsWith("io.kubernetes.") && !k.startsWith("annotation.io.kubernetes.")) {
                user.put(k, v);
            }
        });
        if (podName() != null) {
            return new Workload(Workload.Kind.POD, podNamespace(), podName(),
                    isPodSandbox() ? null : kubernetesContainerName(), id, image, user, node, null);
        }
        return new Workload(Workload.Kind.CONTAINER, null, null, name, id, image, user, node, null);
    }
}
