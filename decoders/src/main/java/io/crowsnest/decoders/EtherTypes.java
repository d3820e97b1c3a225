package io.crowsnest.decoders;

/** EtherType values the decoders understand. */
public final class EtherTypes {
    private EtherTypes() {}

    public static final int IPV4 = 0x0800;
    public static final int ARP = 0x0806;
    public static final int IPV6 = 0x86DD;
    public static final int VLAN = 0x8100;
    public static final int QINQ = 0x88A8;
    public static final int VLAN_9100 = 0x9100;
    public static final int PPPOE_DISCOVERY = 0x8863;
    public static final int PPPOE_SESSION = 0x8864;
    public static final int TEB = 0x6558; // transparent Ethernet bridging (GRE, Geneve)
}
