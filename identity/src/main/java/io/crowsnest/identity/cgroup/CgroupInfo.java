package io.crowsnest.identity.cgroup;

/**
 * What a process's cgroup says about it.
 *
 * @param containerId 64-hex container id, or null when the process is in no recognisable container
 * @param runtime     the runtime the naming belongs to, null when {@code containerId} is null
 * @param podUid      Kubernetes pod UID in its canonical dashed form, or null
 * @param qosClass    {@code besteffort}, {@code burstable} or {@code guaranteed} for pods, else null
 * @param path        the cgroup path the facts came from
 */
public record CgroupInfo(String containerId, ContainerRuntime runtime, String podUid, String qosClass, String path) {

    public boolean inContainer() {
        return containerId != null;
    }

    public boolean inPod() {
        return podUid != null;
    }
}
