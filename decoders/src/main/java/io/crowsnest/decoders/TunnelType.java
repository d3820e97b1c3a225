package io.crowsnest.decoders;

/** Encapsulations the decoders remove; names are the ones EVE's {@code tunnel.type} uses. */
public final class TunnelType {
    private TunnelType() {}

    public static final int NONE = 0;
    public static final int VXLAN = 1;
    public static final int GENEVE = 2;
    public static final int GRE = 3;
    public static final int IPIP = 4;
    public static final int IPV6_IN_IP = 5;

    public static String name(int type) {
        switch (type) {
            case VXLAN: return "VXLAN";
            case GENEVE: return "Geneve";
            case GRE: return "GRE";
            case IPIP: return "IPIP";
            case IPV6_IN_IP: return "IPv6-in-IP";
            default: return "none";
        }
    }
}
