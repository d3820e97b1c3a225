package io.crowsnest.capture.live;

/**
 * An interface chosen for capture and how to open it.
 *
 * @param name        interface name
 * @param role        why it is captured
 * @param promiscuous open in promiscuous mode (needed on a Linux bridge to see frames bridged
 *                    between two ports: without it the bridge device only sees frames to and
 *                    from the host)
 * @param filter      BPF expression, or null for everything
 * @param reason      one line for logs: why this interface, and what the filter excludes
 */
public record CaptureTarget(String name, Role role, boolean promiscuous, String filter, String reason) {

    public enum Role {
        /** A Linux bridge: sees every frame between the pods on it. */
        BRIDGE,
        /** A VXLAN/Geneve device: decapsulated cross-node traffic. */
        OVERLAY,
        /** Named explicitly and neither of the above. */
        OTHER
    }

    /** Same interface, same way of opening it (promiscuity and filter). */
    public boolean sameSettings(CaptureTarget o) {
        return o != null && name.equals(o.name) && promiscuous == o.promiscuous
                && java.util.Objects.equals(filter, o.filter);
    }
}
