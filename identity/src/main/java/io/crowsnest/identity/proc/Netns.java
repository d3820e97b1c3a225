package io.crowsnest.identity.proc;

import io.crowsnest.identity.IpKey;
import io.crowsnest.identity.cgroup.CgroupInfo;
import java.util.List;

/**
 * A network namespace found under {@code /proc}.
 *
 * @param inode      the namespace inode ({@code readlink /proc/<pid>/ns/net} = {@code net:[inode]})
 * @param pids       processes in it, ascending
 * @param addresses  its local unicast addresses (IPv4 from {@code fib_trie} {@code /32 host LOCAL}, loopback
 *                   excluded; IPv6 global-scope from {@code if_inet6})
 * @param interfaces its interfaces, with veth peers resolved across the scanned namespaces
 * @param containers distinct container facts from its processes' cgroups (a pod's pause and app containers share
 *                   one namespace), in pid order; empty for the host and for bare namespaces
 * @param host       true for the scanner's own namespace
 */
public record Netns(long inode, List<Integer> pids, List<IpKey> addresses, List<NetIface> interfaces,
        List<CgroupInfo> containers, boolean host) {

    /** The pod UID any of its containers carries, or null. */
    public String podUid() {
        for (CgroupInfo c : containers) {
            if (c.podUid() != null) {
                return c.podUid();
            }
        }
        return null;
    }

    public NetIface iface(String name) {
        for (NetIface i : interfaces) {
            if (i.name().equals(name)) {
                return i;
            }
        }
        return null;
    }
}
