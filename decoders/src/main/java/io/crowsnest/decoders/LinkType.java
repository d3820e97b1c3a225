package io.crowsnest.decoders;

/** pcap/pcapng link-layer types (LINKTYPE_* and the DLT_* aliases seen in files). */
public final class LinkType {
    private LinkType() {}

    public static final int NULL = 0;          // BSD loopback, host byte order family
    public static final int ETHERNET = 1;
    public static final int RAW_OLD_12 = 12;   // DLT_RAW on most BSDs/Linux libpcap files
    public static final int RAW_OLD_14 = 14;   // DLT_RAW on OpenBSD
    public static final int RAW = 101;         // LINKTYPE_RAW
    public static final int LOOP = 108;        // OpenBSD loopback, network byte order family
    public static final int LINUX_SLL = 113;
    public static final int IPV4 = 228;
    public static final int IPV6 = 229;
    public static final int LINUX_SLL2 = 276;

    public static String name(int linkType) {
        switch (linkType) {
            case NULL: return "null";
            case ETHERNET: return "ether";
            case RAW_OLD_12: case RAW_OLD_14: case RAW: return "raw";
            case LOOP: return "loop";
            case LINUX_SLL: return "linux-sll";
            case LINUX_SLL2: return "linux-sll2";
            case IPV4: return "ipv4";
            case IPV6: return "ipv6";
            default: return "linktype-" + linkType;
        }
    }
}
