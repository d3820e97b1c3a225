package io.crowsnest.decoders;

/**
 * Named decoder events. A malformed packet never throws: it raises one of these, which is
 * counted and reported in the summary. Names follow Suricata's {@code decoder.*} event names
 * where Suricata has one.
 */
public enum DecoderEvent {
    PKT_TOO_LARGE("decoder.pkt_too_large"),
    UNKNOWN_LINKTYPE("decoder.unknown_linktype"),
    ETHERNET_PKT_TOO_SMALL("decoder.ethernet.pkt_too_small"),
    SLL_PKT_TOO_SMALL("decoder.sll.pkt_too_small"),
    SLL2_PKT_TOO_SMALL("decoder.sll2.pkt_too_small"),
    NULL_PKT_TOO_SMALL("decoder.null.pkt_too_small"),
    NULL_UNSUPPORTED_TYPE("decoder.null.unsupported_type"),
    VLAN_HEADER_TOO_SMALL("decoder.vlan.header_too_small"),
    VLAN_TOO_MANY_LAYERS("decoder.vlan.too_many_layers"),
    VLAN_UNKNOWN_TYPE("decoder.vlan.unknown_type"),
    ARP("decoder.arp"),
    UNKNOWN_ETHERTYPE("decoder.unknown_ethertype"),
    IPV4_PKT_TOO_SMALL("decoder.ipv4.pkt_too_small"),
    IPV4_HLEN_TOO_SMALL("decoder.ipv4.hlen_too_small"),
    IPV4_IPLEN_SMALLER_THAN_HLEN("decoder.ipv4.iplen_smaller_than_hlen"),
    IPV4_TRUNC_PKT("decoder.ipv4.trunc_pkt"),
    IPV4_WRONG_IP_VER("decoder.ipv4.wrong_ip_version"),
    IPV4_OPT_INVALID("decoder.ipv4.opt_invalid"),
    IPV4_OPT_INVALID_LEN("decoder.ipv4.opt_invalid_len"),
    IPV4_OPT_MALFORMED("decoder.ipv4.opt_malformed"),
    IPV4_OPT_DUPLICATE("decoder.ipv4.opt_duplicate"),
    IPV4_OPT_UNKNOWN("decoder.ipv4.opt_unknown"),
    IPV4_CHECKSUM_INVALID("decoder.ipv4.checksum_invalid"),
    IPV6_PKT_TOO_SMALL("decoder.ipv6.pkt_too_small"),
    IPV6_TRUNC_PKT("decoder.ipv6.trunc_pkt"),
    IPV6_TRUNC_EXTHDR("decoder.ipv6.trunc_exthdr"),
    IPV6_WRONG_IP_VER("decoder.ipv6.wrong_ip_version"),
    IPV6_EXTHDR_DUPL_FH("decoder.ipv6.exthdr_dupl_fh"),
    IPV6_EXTHDR_INVALID_OPTLEN("decoder.ipv6.exthdr_invalid_optlen"),
    IPV6_UNKNOWN_NEXT_HEADER("decoder.ipv6.unknown_next_header"),
    TCP_PKT_TOO_SMALL("decoder.tcp.pkt_too_small"),
    TCP_HLEN_TOO_SMALL("decoder.tcp.hlen_too_small"),
    TCP_INVALID_OPTLEN("decoder.tcp.invalid_optlen"),
    TCP_OPT_INVALID_LEN("decoder.tcp.opt_invalid_len"),
    TCP_OPT_DUPLICATE("decoder.tcp.opt_duplicate"),
    TCP_CHECKSUM_INVALID("decoder.tcp.checksum_invalid"),
    UDP_PKT_TOO_SMALL("decoder.udp.pkt_too_small"),
    UDP_HLEN_TOO_SMALL("decoder.udp.hlen_too_small"),
    UDP_HLEN_INVALID("decoder.udp.hlen_invalid"),
    UDP_LEN_INVALID("decoder.udp.len_invalid"),
    UDP_CHECKSUM_INVALID("decoder.udp.checksum_invalid"),
    ICMPV4_PKT_TOO_SMALL("decoder.icmpv4.pkt_too_small"),
    ICMPV4_UNKNOWN_TYPE("decoder.icmpv4.unknown_type"),
    ICMPV4_UNKNOWN_CODE("decoder.icmpv4.unknown_code"),
    ICMPV4_CHECKSUM_INVALID("decoder.icmpv4.checksum_invalid"),
    ICMPV6_PKT_TOO_SMALL("decoder.icmpv6.pkt_too_small"),
    ICMPV6_UNKNOWN_TYPE("decoder.icmpv6.unknown_type"),
    ICMPV6_UNKNOWN_CODE("decoder.icmpv6.unknown_code"),
    ICMPV6_CHECKSUM_INVALID("decoder.icmpv6.checksum_invalid"),
    VXLAN_UNKNOWN_FLAGS("decoder.vxlan.unknown_flags"),
    VXLAN_PKT_TOO_SMALL("decoder.vxlan.pkt_too_small"),
    GENEVE_PKT_TOO_SMALL("decoder.geneve.pkt_too_small"),
    GENEVE_UNKNOWN_PAYLOAD_TYPE("decoder.geneve.unknown_payload_type"),
    GENEVE_INVALID_OPTLEN("decoder.geneve.invalid_optlen"),
    GRE_PKT_TOO_SMALL("decoder.gre.pkt_too_small"),
    GRE_WRONG_VERSION("decoder.gre.wrong_version"),
    GRE_UNKNOWN_PAYLOAD_TYPE("decoder.gre.unknown_payload_type"),
    IPIP_PKT_TOO_SMALL("decoder.ipip.pkt_too_small"),
    TUNNEL_TOO_DEEP("decoder.tunnel.too_deep"),
    // ---- added with the protocol decoders (appended: existing ordinals are unchanged) ----
    IPRAW_INVALID_IP_VERSION("decoder.ipraw.invalid_ip_version"),
    IPV6_EXTHDR_DUPL_HH("decoder.ipv6.exthdr_dupl_hh"),
    IPV6_EXTHDR_DUPL_RH("decoder.ipv6.exthdr_dupl_rh"),
    IPV6_EXTHDR_DUPL_DH("decoder.ipv6.exthdr_dupl_dh"),
    IPV6_EXTHDR_DUPL_AH("decoder.ipv6.exthdr_dupl_ah"),
    IPV6_EXTHDR_USELESS_FH("decoder.ipv6.exthdr_useless_fh"),
    IPV6_RH_TYPE_0("decoder.ipv6.rh_type_0"),
    PPPOE_PKT_TOO_SMALL("decoder.pppoe.pkt_too_small"),
    PPPOE_WRONG_CODE("decoder.pppoe.wrong_code"),
    PPP_PKT_TOO_SMALL("decoder.ppp.pkt_too_small"),
    PPP_UNSUP_PROTO("decoder.ppp.unsup_proto"),
    GRE_VERSION0_RECUR("decoder.gre.version0_recur"),
    GRE_VERSION0_FLAGS("decoder.gre.version0_flags"),
    GRE_VERSION0_MALFORMED_SRE_HDR("decoder.gre.version0_malformed_sre_hdr"),
    // ---- IP defragmentation (io.crowsnest.decoders.defrag); Suricata's names where it has one ----
    /** A fragment overlaps one already held (exact duplicates included, as in Suricata). */
    IPV4_FRAG_OVERLAP("decoder.ipv4.frag_overlap"),
    IPV6_FRAG_OVERLAP("decoder.ipv6.frag_overlap"),
    /** The fragment would end past 65,535 bytes: ignored. */
    IPV4_FRAG_PKT_TOO_LARGE("decoder.ipv4.frag_pkt_too_large"),
    IPV6_FRAG_PKT_TOO_LARGE("decoder.ipv6.frag_pkt_too_large"),
    /** An IPv6 fragment other than the last whose length is not a multiple of 8 (RFC 8200): ignored. */
    IPV6_FRAG_INVALID_LENGTH("decoder.ipv6.frag_invalid_length"),
    /** The fragment could not be stored (its datagram holds too many bytes, or no memory was left): dropped. */
    IPV4_FRAG_IGNORED("decoder.ipv4.frag_ignored", true),
    IPV6_FRAG_IGNORED("decoder.ipv6.frag_ignored", true),
    /**
     * The first fragment does not hold the whole transport header (RFC 1858 / RFC 7112 "tiny
     * fragment"): not a Suricata event; the datagram is still reassembled.
     */
    IPV4_TINY_FRAGMENT("defrag.ipv4.tiny_fragment"),
    IPV6_TINY_FRAGMENT("defrag.ipv6.tiny_fragment"),
    /** A datagram came in more fragments than {@code DefragConfig.maxFragments}: the whole datagram is dropped. */
    DEFRAG_TOO_MANY_FRAGMENTS("defrag.too_many_fragments", true),
    /** Counters (Suricata's stats names): fragments seen and datagrams reassembled. */
    DEFRAG_IPV4_FRAGMENTS("defrag.ipv4.fragments"),
    DEFRAG_IPV4_REASSEMBLED("defrag.ipv4.reassembled"),
    DEFRAG_IPV6_FRAGMENTS("defrag.ipv6.fragments"),
    DEFRAG_IPV6_REASSEMBLED("defrag.ipv6.reassembled"),
    /** Incomplete datagrams dropped after the timeout (packet time). */
    DEFRAG_IPV4_TIMEOUTS("defrag.ipv4.timeouts", true),
    DEFRAG_IPV6_TIMEOUTS("defrag.ipv6.timeouts", true),
    /** The tracker cap was reached: the least recently used incomplete datagram was dropped for a new one. */
    DEFRAG_MAX_TRACKERS_REACHED("defrag.max_trackers_reached", true),
    /** The memcap was reached: the least recently used incomplete datagram was dropped to make room. */
    DEFRAG_MEMCAP_REACHED("defrag.memcap_reached", true);

    private final String eventName;
    private final boolean loss;

    DecoderEvent(String eventName) {
        this(eventName, false);
    }

    DecoderEvent(String eventName, boolean loss) {
        this.eventName = eventName;
        this.loss = loss;
    }

    /**
     * True when the event means traffic was lost to inspection (a cap hit, a datagram dropped):
     * summaries list these under {@code drops:} rather than {@code events:}.
     */
    public boolean loss() {
        return loss;
    }

    /** The event's name as it appears in summaries, stats and (later) EVE anomaly records. */
    public String eventName() {
        return eventName;
    }

    private static final DecoderEvent[] VALUES = values();

    public static DecoderEvent of(int ordinal) {
        return VALUES[ordinal];
    }

    public static int count() {
        return VALUES.length;
    }
}
