package io.crowsnest.identity.cgroup;

/** The container runtime a cgroup path names. */
public enum ContainerRuntime {
    DOCKER("docker"),
    CONTAINERD("containerd"),
    CRIO("cri-o"),
    PODMAN("podman"),
    /**
     * A Kubernetes cgroupfs-driver path ({@code /kubepods/<qos>/pod<uid>/<id>}): the kubelet names it the same
     * for every CRI runtime (containerd, cri-o, dockershim), so the runtime is not known from the path alone.
     */
    KUBERNETES_CGROUPFS("kubernetes");

    private final String label;

    ContainerRuntime(String label) {
        this.label = label;
    }

    /** Short lowercase name ({@code docker}, {@code containerd}, {@code cri-o}, {@code podman}, {@code kubernetes}). */
    public String label() {
        return label;
    }
}
