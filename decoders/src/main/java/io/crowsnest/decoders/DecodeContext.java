package io.crowsnest.decoders;

import io.crowsnest.decoders.arp.ArpDecoder;
import io.crowsnest.decoders.checksum.ChecksumPolicy;
import io.crowsnest.decoders.ethernet.EthernetDecoder;
import io.crowsnest.decoders.geneve.GeneveDecoder;
import io.crowsnest.decoders.gre.GreDecoder;
import io.crowsnest.decoders.icmp.Icmpv4Decoder;
import io.crowsnest.decoders.icmp.Icmpv6Decoder;
import io.crowsnest.decoders.ipip.IpInIpDecoder;
import io.crowsnest.decoders.ipv4.Ipv4Decoder;
import io.crowsnest.decoders.ipv6.Ipv6Decoder;
import io.crowsnest.decoders.loopback.NullDecoder;
import io.crowsnest.decoders.pppoe.PppoeDecoder;
import io.crowsnest.decoders.raw.RawIpDecoder;
import io.crowsnest.decoders.sll.SllDecoder;
import io.crowsnest.decoders.tcp.TcpDecoder;
import io.crowsnest.decoders.udp.UdpDecoder;
import io.crowsnest.decoders.vlan.VlanDecoder;
import io.crowsnest.decoders.vxlan.VxlanDecoder;

/**
 * Shared state of one decoding thread, and the dispatch between the per-protocol decoders
 * (link type → decoder, EtherType → decoder, IP protocol → decoder, tunnel entry).
 *
 * <p>Every decoder method has the shape {@code decode(Packet p, int off, int end)}: the layer
 * starts at {@code off} of {@code p.data} and may use bytes up to (excluding) {@code end}, which
 * never exceeds the captured length. Layer-4 decoders also get {@code claimedEnd}, where the IP
 * header says the datagram ends ({@code end < claimedEnd} means the capture was truncated).
 */
public final class DecodeContext {
    /** Tunnels removed at most (a deeper one raises {@link DecoderEvent#TUNNEL_TOO_DEEP}). */
    public static final int MAX_TUNNEL_DEPTH = 3;

    public final DecoderConfig config;
    public final ChecksumPolicy checksums;
    private final long[] eventCounts;

    public final EthernetDecoder ethernet;
    public final VlanDecoder vlan;
    public final SllDecoder sll;
    public final NullDecoder loopback;
    public final RawIpDecoder raw;
    public final ArpDecoder arp;
    public final PppoeDecoder pppoe;
    public final Ipv4Decoder ipv4;
    public final Ipv6Decoder ipv6;
    public final TcpDecoder tcp;
    public final UdpDecoder udp;
    public final Icmpv4Decoder icmpv4;
    public final Icmpv6Decoder icmpv6;
    public final VxlanDecoder vxlan;
    public final GeneveDecoder geneve;
    public final GreDecoder gre;
    public final IpInIpDecoder ipip;

    private final int[] vxlanPorts;
    private final int[] genevePorts;

    public DecodeContext(DecoderConfig config, long[] eventCounts) {
        this.config = config;
        this.eventCounts = eventCounts;
        this.checksums = new ChecksumPolicy(config.checksumMode);
        this.vxlanPorts = config.vxlanPorts.clone();
        this.genevePorts = config.genevePorts.clone();
        this.ethernet = new EthernetDecoder(this);
        this.vlan = new VlanDecoder(this);
        this.sll = new SllDecoder(this);
        this.loopback = new NullDecoder(this);
        this.raw = new RawIpDecoder(this);
        this.arp = new ArpDecoder(this);
        this.pppoe = new PppoeDecoder(this);
        this.ipv4 = new Ipv4Decoder(this);
        this.ipv6 = new Ipv6Decoder(this);
        this.tcp = new TcpDecoder(this);
        this.udp = new UdpDecoder(this);
        this.icmpv4 = new Icmpv4Decoder(this);
        this.icmpv6 = new Icmpv6Decoder(this);
        this.vxlan = new VxlanDecoder(this);
        this.geneve = new GeneveDecoder(this);
        this.gre = new GreDecoder(this);
        this.ipip = new IpInIpDecoder(this);
    }

    /** Raises {@code e} on the packet and counts it. */
    public void event(Packet p, DecoderEvent e) {
        p.addEvent(e);
        eventCounts[e.ordinal()]++;
    }

    /** Counts {@code e} without a packet to carry it (a counter, or a tracker that timed out). */
    public void count(DecoderEvent e) {
        eventCounts[e.ordinal()]++;
    }

    /**
     * Decodes again from the IP header at {@code l3} (IP version {@code version}) up to {@code end},
     * after the defragmenter rewrote the slot with a whole datagram. The link layer, VLAN tags,
     * tunnel and outer fields and the events already raised stay; the layer fields are decoded
     * afresh. Checksums are not validated (as in Suricata, a rebuilt packet is not re-checked: the
     * fragments were, and the transport checksum of a datagram we put together proves nothing).
     */
    public void redecodeIp(Packet p, int version, int l3, int end) {
        clearLayers(p);
        p.ipChecksum = ChecksumState.UNCHECKED;
        p.l4Checksum = ChecksumState.UNCHECKED;
        checksums.suspend(true);
        try {
            if (version == 4) {
                ipv4.decode(p, l3, end);
            } else {
                ipv6.decode(p, l3, end);
            }
        } finally {
            checksums.suspend(false);
        }
    }

    /** Decodes from the link layer, per {@link Packet#linkType}; {@code end} is the captured length. */
    public void decodeLink(Packet p, int end) {
        switch (p.linkType) {
            case LinkType.ETHERNET:
                ethernet.decode(p, 0, end);
                break;
            case LinkType.LINUX_SLL:
                sll.decodeSll(p, 0, end);
                break;
            case LinkType.LINUX_SLL2:
                sll.decodeSll2(p, 0, end);
                break;
            case LinkType.NULL:
                loopback.decodeNull(p, 0, end);
                break;
            case LinkType.LOOP:
                loopback.decodeLoop(p, 0, end);
                break;
            case LinkType.RAW:
            case LinkType.RAW_OLD_12:
            case LinkType.RAW_OLD_14:
                raw.decode(p, 0, end);
                break;
            case LinkType.IPV4:
                ipv4.decode(p, 0, end);
                break;
            case LinkType.IPV6:
                ipv6.decode(p, 0, end);
                break;
            default:
                event(p, DecoderEvent.UNKNOWN_LINKTYPE);
                break;
        }
    }

    /** Decodes the layer after an EtherType (Ethernet, SLL, VLAN tag, inner Ethernet). */
    public void decodeEtherType(Packet p, int etherType, int off, int end) {
        switch (etherType) {
            case EtherTypes.IPV4:
                p.etherType = etherType;
                ipv4.decode(p, off, end);
                break;
            case EtherTypes.IPV6:
                p.etherType = etherType;
                ipv6.decode(p, off, end);
                break;
            case EtherTypes.VLAN:
            case EtherTypes.QINQ:
            case EtherTypes.VLAN_9100:
                vlan.decode(p, etherType, off, end);
                break;
            case EtherTypes.ARP:
                p.etherType = etherType;
                arp.decode(p, off, end);
                break;
            case EtherTypes.PPPOE_SESSION:
                p.etherType = etherType;
                pppoe.decodeSession(p, off, end);
                break;
            case EtherTypes.PPPOE_DISCOVERY:
                p.etherType = etherType;
                break;
            default:
                p.etherType = etherType;
                event(p, p.vlanCount > 0 ? DecoderEvent.VLAN_UNKNOWN_TYPE : DecoderEvent.UNKNOWN_ETHERTYPE);
                break;
        }
    }

    /**
     * Decodes the IP payload for protocol {@code proto} at {@code off}. The IP decoder has set
     * the network-layer fields; the payload defaults to the whole IP payload. Fragments are not
     * decoded further (as in Suricata, the transport header waits for reassembly).
     */
    public void decodeIpPayload(Packet p, int proto, int off, int end, int claimedEnd) {
        p.ipProto = proto;
        p.payloadOffset = off;
        p.payloadLength = end > off ? end - off : 0;
        if (p.fragment) {
            return;
        }
        switch (proto) {
            case 6:
                tcp.decode(p, off, end, claimedEnd);
                break;
            case 17:
                udp.decode(p, off, end, claimedEnd);
                break;
            case 1:
                if (p.ipVersion == 4) {
                    icmpv4.decode(p, off, end, claimedEnd);
                }
                break;
            case 58:
                if (p.ipVersion == 6) {
                    icmpv6.decode(p, off, end, claimedEnd);
                }
                break;
            case 4:
                ipip.decodeIpv4InIp(p, off, end);
                break;
            case 41:
                ipip.decodeIpv6InIp(p, off, end);
                break;
            case 47:
                gre.decode(p, off, end);
                break;
            default:
                break;
        }
    }

    public boolean isVxlanPort(int port) {
        for (int vp : vxlanPorts) {
            if (vp == port) {
                return true;
            }
        }
        return false;
    }

    public boolean isGenevePort(int port) {
        for (int gp : genevePorts) {
            if (gp == port) {
                return true;
            }
        }
        return false;
    }

    /**
     * Enters a tunnel: for the outermost one records the outer addresses, protocol and ports,
     * the tunnel type and id; then clears the layer fields so that the inner packet's decoders
     * fill them. Checksum marks are kept (an inner layer can only make them worse). Returns
     * false (and raises {@link DecoderEvent#TUNNEL_TOO_DEEP}) when the nesting limit is reached;
     * the packet then stays described by the current (outer) layers. After entering, {@link
     * Packet#decoded} reflects the inner packet (false for e.g. inner ARP or a broken inner header,
     * while the tunnel and outer fields stay set).
     */
    public boolean enterTunnel(Packet p, int tunnelType, int tunnelId) {
        if (p.tunnelDepth >= MAX_TUNNEL_DEPTH) {
            event(p, DecoderEvent.TUNNEL_TOO_DEEP);
            return false;
        }
        if (p.tunnelDepth == 0) {
            p.tunnelType = tunnelType;
            p.tunnelId = tunnelId;
            p.outerIpVersion = p.ipVersion;
            p.outerSrcHi = p.srcHi;
            p.outerSrcLo = p.srcLo;
            p.outerDstHi = p.dstHi;
            p.outerDstLo = p.dstLo;
            p.outerProto = p.ipProto;
            p.outerSrcPort = p.srcPort;
            p.outerDstPort = p.dstPort;
        }
        p.tunnelDepth++;
        clearLayers(p);
        return true;
    }

    private static void clearLayers(Packet p) {
        p.decoded = false;
        p.ipVersion = 0;
        p.l3Offset = 0;
        p.ipHeaderLength = 0;
        p.ipTotalLength = 0;
        p.srcHi = p.srcLo = p.dstHi = p.dstLo = 0;
        p.ipProto = 0;
        p.ttl = 0;
        p.ipId = 0;
        p.tos = 0;
        p.fragOffset = 0;
        p.ipFlags = 0;
        p.fragment = false;
        p.fragHeaderOffset = 0;
        p.ipOptions = 0;
        p.l4Offset = -1;
        p.l4HeaderLength = 0;
        p.srcPort = p.dstPort = 0;
        p.tcpFlags = 0;
        p.tcpSeq = p.tcpAck = 0;
        p.tcpWindow = 0;
        p.tcpOptionKinds = 0;
        p.tcpMss = -1;
        p.tcpWindowScale = -1;
        p.tcpTsVal = p.tcpTsEcr = 0;
        p.icmpType = p.icmpCode = -1;
        p.icmpId = p.icmpSeq = -1;
        p.payloadOffset = 0;
        p.payloadLength = 0;
    }

    /** Records a checksum result on the network layer (keeps the worse of old and new). */
    public void ipChecksum(Packet p, boolean ok) {
        int state = ok ? ChecksumState.OK : ChecksumState.BAD;
        if (state > p.ipChecksum) {
            p.ipChecksum = state;
        }
        if (!ok) {
            event(p, DecoderEvent.IPV4_CHECKSUM_INVALID);
        }
    }

    /** Records a checksum result on the transport layer (keeps the worse of old and new). */
    public void l4Checksum(Packet p, boolean ok, DecoderEvent invalidEvent) {
        int state = ok ? ChecksumState.OK : ChecksumState.BAD;
        if (state > p.l4Checksum) {
            p.l4Checksum = state;
        }
        if (!ok) {
            event(p, invalidEvent);
        }
    }
}
