package io.crowsnest.decoders;

/**
 * One packet as it travels the pipeline: the captured bytes plus everything the decoders
 * learned about them, as offsets and scalars (never an object graph).
 *
 * <p>Instances are pre-allocated ring slots and reused for every packet: nothing here may be
 * allocated per packet. The capture side fills the "capture" fields and calls
 * {@link PacketDecoder#decode(Packet)}, which first calls {@link #resetDecoded()} and then fills
 * the "decoded" fields. For a tunnelled packet (VXLAN, Geneve, GRE, IP-in-IP) the layer fields
 * describe the innermost packet and the {@code tunnel*} / {@code outer*} fields the outer one.
 *
 * <p>Addresses are held as two longs each (IPv6 order; IPv4 as an IPv4-mapped address
 * {@code ::ffff:a.b.c.d}), so matching, hashing and comparing never allocate.
 */
public final class Packet {
    /** Largest packet we keep; longer captured records are truncated (and counted). */
    public static final int MAX_LENGTH = 262_144;

    public static final long V4_MAPPED_HI = 0L;
    public static final long V4_MAPPED_LO_PREFIX = 0x0000_FFFF_0000_0000L;

    // ---- capture fields (set by the packet source) -------------------------------------------
    public final byte[] data;
    /** Captured bytes present in {@link #data}. */
    public int length;
    /** Length of the packet on the wire (may exceed {@link #length}). */
    public int wireLength;
    /** Capture time, seconds since the epoch. */
    public long tsSeconds;
    /** Sub-second part of the capture time, nanoseconds. */
    public int tsNanos;
    /** Link-layer type of the record (pcap LINKTYPE_* value, see {@link LinkType}). */
    public int linkType;
    /** 1-based index of the record in its source (Suricata's {@code pcap_cnt}). */
    public long pcapCount;
    /** Interface index within the source (pcapng IDB), 0 for classic pcap. */
    public int interfaceId;
    /** Which source file / interface produced the packet (index into the run's source list). */
    public int sourceId;

    // ---- decoded fields (set by PacketDecoder) -------------------------------------------------
    /** Decoding succeeded down to at least the network layer. */
    public boolean decoded;
    /** Number of 802.1Q/802.1ad tags seen (outermost first in {@link #vlanIds}). */
    public int vlanCount;
    public final int[] vlanIds = new int[MAX_VLANS];
    public static final int MAX_VLANS = 4;
    /** EtherType of the L3 payload after VLAN tags (0 for link types without one). */
    public int etherType;

    /** 4 or 6; 0 when the packet carries no IP (ARP, truncated …). */
    public int ipVersion;
    public int l3Offset;
    /** IP header length including IPv6 extension headers. */
    public int ipHeaderLength;
    /** Total length announced by the IP header (IPv4 total length, IPv6 40 + payload length). */
    public int ipTotalLength;
    public long srcHi, srcLo, dstHi, dstLo;
    /** Transport protocol number after IPv6 extension headers (6, 17, 1, 58 …). */
    public int ipProto;
    /** IPv4 TTL or IPv6 hop limit. */
    public int ttl;
    /** IPv4 identification, or the IPv6 fragment header identification (0 when absent). */
    public int ipId;
    /** IPv4 TOS / IPv6 traffic class. */
    public int tos;
    /** Fragment offset in bytes. */
    public int fragOffset;
    /** IPv4 flags bits (0x4 reserved, 0x2 DF, 0x1 MF) as in Suricata's fragbits. */
    public int ipFlags;
    /** True when the packet is a fragment (MF set or offset non-zero). */
    public boolean fragment;
    /** IPv6: offset of the (first) fragment header in {@link #data}, 0 when there is none. */
    public int fragHeaderOffset;
    /**
     * The fragment was taken into a reassembly tracker ({@code decoders.defrag}): its bytes live on in
     * the datagram another slot will carry once complete. Flow and app-layer processing skip it.
     */
    public boolean fragmentHeld;
    /**
     * This slot was rewritten with a reassembled datagram (Suricata's {@code PKT_REBUILT_FRAGMENT}):
     * the bytes from the IP header on are the whole datagram, decoded down to L4.
     */
    public boolean reassembled;
    /** Bitmask of IPv4 options present (see {@link IpOptions}). */
    public int ipOptions;

    /** Offset of the transport header, -1 when none was decoded. */
    public int l4Offset = -1;
    public int l4HeaderLength;
    public int srcPort, dstPort;
    /** TCP flags byte (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, URG 0x20, ECE 0x40, CWR 0x80). */
    public int tcpFlags;
    public long tcpSeq, tcpAck;
    public int tcpWindow;
    /** TCP options present: bit {@code k} set for option kind {@code k} (kinds >= 63 share bit 63). */
    public long tcpOptionKinds;
    /** TCP MSS option value, -1 when absent or invalid. */
    public int tcpMss = -1;
    /** TCP window scale option shift, -1 when absent or invalid. */
    public int tcpWindowScale = -1;
    /** TCP timestamp option values (valid when bit 8 of {@link #tcpOptionKinds} is set). */
    public long tcpTsVal, tcpTsEcr;
    /** ICMP/ICMPv6 type and code, -1 when not ICMP. */
    public int icmpType = -1, icmpCode = -1;
    /** ICMP echo identifier / sequence, -1 when the message has none. */
    public int icmpId = -1, icmpSeq = -1;

    /** Offset and length of the application payload (after the transport header). */
    public int payloadOffset;
    public int payloadLength;

    /** Checksum state: see {@link ChecksumState}. Set only when validation ran. */
    public int ipChecksum;
    public int l4Checksum;

    // ---- tunnel (outermost encapsulation that was removed) ------------------------------------
    /** {@link TunnelType} constant, {@link TunnelType#NONE} when not tunnelled. */
    public int tunnelType;
    /** VXLAN VNI / Geneve VNI / GRE key, -1 when absent. */
    public int tunnelId = -1;
    public int outerIpVersion;
    public long outerSrcHi, outerSrcLo, outerDstHi, outerDstLo;
    public int outerProto;
    public int outerSrcPort, outerDstPort;
    public int tunnelDepth;

    // ---- decoder events ------------------------------------------------------------------------
    /** Events raised while decoding this packet, as {@link DecoderEvent} ordinals. */
    public final short[] events = new short[MAX_EVENTS];
    public int eventCount;
    public static final int MAX_EVENTS = 8;

    /** Symmetric hash of the (inner) 5-tuple: equal for both directions of a flow. */
    public int flowHash;

    public Packet() {
        this(MAX_LENGTH);
    }

    /**
     * A clock tick, not a packet (live capture, once a second): every worker lets its idle flows time
     * out at {@link #tsSeconds}, so an idle link still ends flows. Cleared by {@link #resetDecoded()}.
     */
    public boolean tick;

    public Packet(int capacity) {
        this.data = new byte[capacity];
    }

    /** Clears every decoded field; called by the decoder before it starts. */
    public void resetDecoded() {
        tick = false;
        decoded = false;
        vlanCount = 0;
        etherType = 0;
        ipVersion = 0;
        l3Offset = 0;
        ipHeaderLength = 0;
        ipTotalLength = 0;
        srcHi = srcLo = dstHi = dstLo = 0;
        ipProto = 0;
        ttl = 0;
        ipId = 0;
        tos = 0;
        fragOffset = 0;
        ipFlags = 0;
        fragment = false;
        fragHeaderOffset = 0;
        fragmentHeld = false;
        reassembled = false;
        ipOptions = 0;
        l4Offset = -1;
        l4HeaderLength = 0;
        srcPort = dstPort = 0;
        tcpFlags = 0;
        tcpSeq = tcpAck = 0;
        tcpWindow = 0;
        tcpOptionKinds = 0;
        tcpMss = -1;
        tcpWindowScale = -1;
        tcpTsVal = tcpTsEcr = 0;
        icmpType = icmpCode = -1;
        icmpId = icmpSeq = -1;
        payloadOffset = 0;
        payloadLength = 0;
        ipChecksum = ChecksumState.UNCHECKED;
        l4Checksum = ChecksumState.UNCHECKED;
        tunnelType = TunnelType.NONE;
        tunnelId = -1;
        outerIpVersion = 0;
        outerSrcHi = outerSrcLo = outerDstHi = outerDstLo = 0;
        outerProto = 0;
        outerSrcPort = outerDstPort = 0;
        tunnelDepth = 0;
        eventCount = 0;
        flowHash = 0;
    }

    /** Records a decoder event; events beyond {@link #MAX_EVENTS} are still counted by the caller. */
    public void addEvent(DecoderEvent event) {
        if (eventCount < MAX_EVENTS) {
            events[eventCount] = (short) event.ordinal();
        }
        eventCount++;
    }

    public boolean hasEvent(DecoderEvent event) {
        int n = Math.min(eventCount, MAX_EVENTS);
        for (int i = 0; i < n; i++) {
            if (events[i] == event.ordinal()) {
                return true;
            }
        }
        return false;
    }

    public boolean isTcp() {
        return ipProto == 6 && l4Offset >= 0;
    }

    public boolean isUdp() {
        return ipProto == 17 && l4Offset >= 0;
    }

    public boolean isIcmp() {
        return (ipProto == 1 || ipProto == 58) && l4Offset >= 0;
    }

    /** Copies another packet's captured bytes and capture fields (decoded fields are not copied). */
    public void copyCaptureFrom(Packet other) {
        System.arraycopy(other.data, 0, data, 0, other.length);
        length = other.length;
        wireLength = other.wireLength;
        tsSeconds = other.tsSeconds;
        tsNanos = other.tsNanos;
        linkType = other.linkType;
        pcapCount = other.pcapCount;
        interfaceId = other.interfaceId;
        sourceId = other.sourceId;
    }

    /** Sets the captured bytes from a buffer (test and tooling helper). */
    public Packet load(byte[] bytes, int linkType) {
        System.arraycopy(bytes, 0, data, 0, bytes.length);
        this.length = bytes.length;
        this.wireLength = bytes.length;
        this.linkType = linkType;
        return this;
    }
}
