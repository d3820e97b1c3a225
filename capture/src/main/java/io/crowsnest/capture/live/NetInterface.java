package io.crowsnest.capture.live;

import java.util.List;

/**
 * One network interface as {@link InterfaceDiscovery} found it in {@code /sys/class/net} and
 * {@code ip -d -j addr}.
 *
 * @param name       interface name
 * @param ifindex    {@code ifindex}
 * @param iflink     {@code iflink} (the peer's index for a veth, own index otherwise)
 * @param arpType    ARPHRD_* from {@code type} (1 Ethernet, 772 loopback, 65534 none …)
 * @param kind       {@code linkinfo.info_kind} ("bridge", "vxlan", "geneve", "veth", …), else
 *                   from sysfs: "bridge" ({@code bridge/}), the uevent DEVTYPE, "loopback",
 *                   "device" (a physical NIC: has {@code device/}), or "" when unknown
 * @param driver     {@code device/driver} name of a physical NIC, else null
 * @param master     the bridge (or other master) this interface is enslaved to, else null
 * @param up         administratively up (IFF_UP in {@code flags})
 * @param operstate  {@code operstate} ("up", "down", "unknown" …)
 * @param members    for a bridge, its ports ({@code brif/})
 * @param vni        VXLAN/Geneve VNI ({@code info_data.id}), -1 when not an overlay or unknown
 * @param udpPort    VXLAN/Geneve UDP port ({@code info_data.port}), -1 when unknown
 * @param addresses  addresses with prefix length, e.g. {@code 10.244.1.1/24}, {@code fd00::1/64}
 */
public record NetInterface(String name, int ifindex, int iflink, int arpType, String kind, String driver,
                           String master, boolean up, String operstate, List<String> members,
                           long vni, int udpPort, List<String> addresses) {

    public boolean isBridge() {
        return "bridge".equals(kind);
    }

    /** VXLAN or Geneve device (flannel.1, vxlan.calico, cilium_vxlan, genev_sys_6081 …). */
    public boolean isOverlay() {
        return "vxlan".equals(kind) || "geneve".equals(kind);
    }

    public boolean isLoopback() {
        return "loopback".equals(kind) || arpType == 772;
    }
}
