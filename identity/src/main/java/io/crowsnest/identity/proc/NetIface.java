package io.crowsnest.identity.proc;

/**
 * One interface of a network namespace.
 *
 * @param name      name inside the namespace ({@code eth0})
 * @param ifindex   its index in that namespace, -1 when unknown
 * @param iflink    the index of its peer/lower device ({@code /sys/class/net/<name>/iflink}); for a veth the peer's
 *                  ifindex in the peer's namespace; equals {@code ifindex} for non-paired devices; -1 when unknown
 * @param peerNetns inode of the namespace holding the veth peer, or 0 when unknown
 * @param peerName  the veth peer's name there (the host-side {@code vethXXXX} for a container's eth0), or null
 */
public record NetIface(String name, int ifindex, int iflink, long peerNetns, String peerName) {

    public boolean paired() {
        return ifindex > 0 && iflink > 0 && ifindex != iflink;
    }

    NetIface withPeer(long netns, String peer) {
        return new NetIface(name, ifindex, iflink, netns, peer);
    }
}
