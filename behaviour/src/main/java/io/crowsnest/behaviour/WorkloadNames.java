package io.crowsnest.behaviour;

/**
 * Names an address as the workload that held it at a time ("namespace/pod", a container name), so
 * profiles and alerts follow workloads rather than reused addresses. Null: unknown (the address is the key).
 */
@FunctionalInterface
public interface WorkloadNames {
    WorkloadNames NONE = (addr, t) -> null;

    String name(String addr, long tsNanos);
}
