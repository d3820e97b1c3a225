package io.crowsnest.decoders;

/**
 * Real (and a few hand-crafted, derived from real) frames as hex, for the decoder tests.
 * Extracted from /work/shared/pcaps-external and suricata-verify captures; crafted frames have their
 * checksums recomputed. Never read from disk at test time.
 */
public final class TestFrames {
    private TestFrames() {}

    /** zeek http/get.pcap #1: Ethernet/IPv4/TCP SYN with MSS, SACK-permitted, timestamps, window scale (78 bytes). */
    public static final String ETH_TCP_SYN =
            "0010db88d2efc8bcc896d2a0080045000040df8e400040066dd38d8ee405c096bb2be9d00050fe21323a00000000b002" +
            "ffff3bc00000020405b4010303040101080a164add200000000004020000";

    /** zeek http/get.pcap #4: Ethernet/IPv4/TCP PSH/ACK carrying an HTTP GET (202 bytes). */
    public static final String ETH_TCP_HTTP_GET =
            "0010db88d2efc8bcc896d2a00800450000bc4a9a40004006024c8d8ee405c096bb2be9d00050fe21323ba5afce3f8018" +
            "202b048000000101080a164add662f894259474554202f646f776e6c6f61642f4348414e4745532e62726f2d6175782e" +
            "74787420485454502f312e310d0a557365722d4167656e743a20576765742f312e3134202864617277696e31322e322e" +
            "30290d0a4163636570743a202a2f2a0d0a486f73743a2062726f2e6f72670d0a436f6e6e656374696f6e3a204b656570" +
            "2d416c6976650d0a0d0a";

    /** nDPI dns.pcap #2: Ethernet/IPv4/UDP DNS query 192.168.170.8:32795 -> 192.168.170.20:53 (75 bytes). */
    public static final String ETH_UDP_DNS =
            "00c09f32418c00e018b10cad08004500003d0000400040116542c0a8aa08c0a8aa14801b003500298861bc1f01000001" +
            "00000000000003777777076578616d706c6503636f6d00001c0001";

    /** fox-it rmi-x-api-version-ev0.pcap #29: Ethernet/IPv4/ICMP echo request 172.17.0.4 -> 1.1.1.1 (98 bytes). */
    public static final String ETH_ICMP_ECHO =
            "024260088b250242ac1100040800450000546c1340004001207fac1100040101010108000e1a05bb00013912c2610000" +
            "000029e3000000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435" +
            "3637";

    /** suricata-verify bug-6269-01 #1: Ethernet/IPv6/TCP SYN fd00:1:1::2 -> fd00:2:1::2:80 (94 bytes). */
    public static final String ETH_V6_TCP_SYN =
            "0050569223aa005056922b8086dd600855a600280640fd000001000100000000000000000002fd000002000100000000" +
            "0000000000029c3600500639933600000000a002fd2010f20000020405a00402080a8cb17d4f0000000001030307";

    /** suricata-verify bug-6269-01 #7: Ethernet/IPv6/TCP HTTP request (185 bytes). */
    public static final String ETH_V6_TCP_DATA =
            "0050569223aa005056922b8086dd60095b7f00830640fd000001000100000000000000000002fd000002000100000000" +
            "0000000000029c3600500639933777bc9232801801fbae8700000101080a8cb1830f70d6594d474554202f746573745f" +
            "6c6173746c696e655f626c6f636b696e6720485454502f312e310d0a486f73743a205b666430303a323a313a3a325d0d" +
            "0a557365722d4167656e743a206375726c2f372e34372e300d0a4163636570743a202a2f2a0d0a0d0a";

    /** crafted: Ethernet/IPv6 header of bug-6269-01 carrying the UDP DNS query of ETH_UDP_DNS (checksum recomputed) (95 bytes). */
    public static final String ETH_V6_UDP =
            "0050569223aa005056922b8086dd600855a600291140fd000001000100000000000000000002fd000002000100000000" +
            "000000000002801b0035002963c5bc1f0100000100000000000003777777076578616d706c6503636f6d00001c0001";

    /** crafted: Ethernet/IPv6 ICMPv6 echo request id 0x1234 seq 1, 9 bytes payload (71 bytes). */
    public static final String ETH_V6_ICMP_ECHO =
            "0050569223aa005056922b8086dd600855a600113a40fd000001000100000000000000000002fd000002000100000000" +
            "000000000002800053a81234000163726f77736e657374";

    /** crafted: IPv6 + hop-by-hop + destination options + fragment (offset 0, M=1, id 0xdeadbeef) + UDP (119 bytes). */
    public static final String ETH_V6_EXT_FRAG_FIRST =
            "0050569223aa005056922b8086dd600855a600410040fd000001000100000000000000000002fd000002000100000000" +
            "0000000000023c000104000000002c0001040000000011000001deadbeef801b003500298861bc1f0100000100000000" +
            "000003777777076578616d706c6503636f6d00001c0001";

    /** crafted: IPv6 + fragment header (offset 1448, M=0, id 0xdeadbeef) + 33 bytes of data (103 bytes). */
    public static final String ETH_V6_FRAG_LAST =
            "0050569223aa005056922b8086dd600855a600312c40fd000001000100000000000000000002fd000002000100000000" +
            "000000000002110005a8deadbeef801b003500298861bc1f0100000100000000000003777777076578616d706c650363" +
            "6f6d00001c0001";

    /** crafted: IPv6 + hop-by-hop + routing type 2 + atomic fragment header + the TCP SYN of ETH_V6_TCP_SYN (134 bytes). */
    public static final String ETH_V6_EXT_TCP =
            "0050569223aa005056922b8086dd600855a600500040fd000001000100000000000000000002fd000002000100000000" +
            "0000000000022b000104000000002c02020000000000fd00000200010000000000000000000206000000000000079c36" +
            "00500639933600000000a002fd2010f20000020405a00402080a8cb17d4f0000000001030307";

    /** crafted: ETH_UDP_DNS with IPv4 options NOP + record route (hlen 28, checksums recomputed) (83 bytes). */
    public static final String ETH_IPV4_OPTIONS =
            "00c09f32418c00e018b10cad0800470000450000400040115b2fc0a8aa08c0a8aa140107070400000000801b00350029" +
            "8861bc1f0100000100000000000003777777076578616d706c6503636f6d00001c0001";

    /** zeek http-qinq-0.pcap #3: two 802.1Q tags (id 0, 0) + IPv4/TCP (74 bytes). */
    public static final String ETH_QINQ2 =
            "0010db88d2efc8bcc896d2a08100b0008100b000080045000034cc9f4000400680ce8d8ee405c096bb2be9d00050fe21" +
            "323ba5afce3f8010202b753b00000101080a164add662f894259";

    /** crafted from ETH_QINQ2: three stacked tags 0x88a8 id 100, 0x8100 id 200, 0x9100 id 300 + IPv4/TCP (78 bytes). */
    public static final String ETH_QINQ3 =
            "0010db88d2efc8bcc896d2a088a80064810000c89100012c080045000034cc9f4000400680ce8d8ee405c096bb2be9d0" +
            "0050fe21323ba5afce3f8010202b753b00000101080a164add662f894259";

    /** nDPI log4j-webapp-exploit.pcap #1: Linux SLL/IPv4/TCP SYN 172.16.238.1:1984 -> 172.16.238.10:8080 (76 bytes). */
    public static final String SLL_TCP_SYN =
            "0000000100060242768f3416000008004500003c636040003d06a62eac10ee01ac10ee0a07c01f90799682b100000000" +
            "a002faf095360000020405b40402080aadf8b21a0000000001030307";

    /** SLL_TCP_SYN rewritten with a Linux SLL2 header (ifindex 2) (80 bytes). */
    public static final String SLL2_TCP_SYN =
            "0800000000000002000100060242768f341600004500003c636040003d06a62eac10ee01ac10ee0a07c01f90799682b1" +
            "00000000a002faf095360000020405b40402080aadf8b21a0000000001030307";

    /** zeek redis/auth.pcap #1: BSD null, family 2 little-endian, IPv4/TCP 127.0.0.1:60010 -> :6379 (103 bytes). */
    public static final String NULL_LE_TCP =
            "02000000450000630000400040063c937f0000017f000001ea6a18eb6d4289bbf2f45e2780181c58c7c800000101080a" +
            "cc901b9f6562103f2a330d0a24340d0a415554480d0a24380d0a6e6f7461757365720d0a2431320d0a6e6f7461706173" +
            "73776f72640d0a";

    /** NULL_LE_TCP with the family written big-endian (also valid for LOOP) (103 bytes). */
    public static final String NULL_BE_TCP =
            "00000002450000630000400040063c937f0000017f000001ea6a18eb6d4289bbf2f45e2780181c58c7c800000101080a" +
            "cc901b9f6562103f2a330d0a24340d0a415554480d0a24380d0a6e6f7461757365720d0a2431320d0a6e6f7461706173" +
            "73776f72640d0a";

    /** crafted: BSD null family 30 (macOS AF_INET6) little-endian + the IPv6 TCP SYN (84 bytes). */
    public static final String NULL_LE_V6 =
            "1e000000600855a600280640fd000001000100000000000000000002fd0000020001000000000000000000029c360050" +
            "0639933600000000a002fd2010f20000020405a00402080a8cb17d4f0000000001030307";

    /** crafted: BSD null family 24 big-endian + the IPv6 TCP SYN (84 bytes). */
    public static final String NULL_BE_V6 =
            "00000018600855a600280640fd000001000100000000000000000002fd0000020001000000000000000000029c360050" +
            "0639933600000000a002fd2010f20000020405a00402080a8cb17d4f0000000001030307";

    /** zeek vxlan-encapsulated-http.pcap #1: IPv4/UDP 10.1.200.131 -> 10.1.1.172:4789, VNI 1, inner TCP SYN 172.16.11.201:40354 -> 54.86.237.188:80 (124 bytes). */
    public static final String VXLAN_4789 =
            "1242cdc5e8221242cdc5e82208004500006e0000000040119c4e0a01c8830a0101acc35012b5005a961f080000000000" +
            "010074acb93fd27d48f17fa3b6ff08004500003c1998400040064538ac100bc93656edbc9da200505aafe1a800000000" +
            "a002faf008920000020405b40402080ab78dd6b80000000001030307";

    /** VXLAN_4789 with UDP destination port 8472 (UDP checksum recomputed) (124 bytes). */
    public static final String VXLAN_8472 =
            "1242cdc5e8221242cdc5e82208004500006e0000000040119c4e0a01c8830a0101acc3502118005a87bc080000000000" +
            "010074acb93fd27d48f17fa3b6ff08004500003c1998400040064538ac100bc93656edbc9da200505aafe1a800000000" +
            "a002faf008920000020405b40402080ab78dd6b80000000001030307";

    /** VXLAN_4789 with VXLAN flags 0x0c (unknown bit 0x04; UDP checksum recomputed) (124 bytes). */
    public static final String VXLAN_BAD_FLAGS =
            "1242cdc5e8221242cdc5e82208004500006e0000000040119c4e0a01c8830a0101acc35012b5005a921f0c0000000000" +
            "010074acb93fd27d48f17fa3b6ff08004500003c1998400040064538ac100bc93656edbc9da200505aafe1a800000000" +
            "a002faf008920000020405b40402080ab78dd6b80000000001030307";

    /** nDPI vxlan.pcap #1: 802.1Q id 5 + IPv4/UDP:4789, VNI 1111, inner UDP DNS 10.10.20.4 -> 8.8.8.8 (126 bytes). */
    public static final String VXLAN_VLAN =
            "000cbd063a74000cbd063a758100000508004500006c033f00004011c9e8c0a81604c0a81605edd712b500586a040800" +
            "000000045700667a50aaff9a1eea692a6fcf08004500003a35b040004011d6e50a0a140408080808ad950035002617e2" +
            "90c6010000010000000000000866616365626f6f6b03636f6d0000010001";

    /** zeek geneve-many-options.pcap #1: IPv4/UDP:6081 Geneve with options (12 words), proto 0x6558, VNI 1, inner TCP SYN 10.0.0.226:39088 -> 95.217.228.176:80; outer UDP checksum is wrong in the capture (offload) (200 bytes). */
    public static final String GENEVE_OPTIONS =
            "72c4944856a80011223344550800450000ba000000004011240ec0a821b3c0a8b3211a0b17c100a6e890130065580c01" +
            "2e0001000104313233343536373839306162636465000100020930313233343536373839616263646566303132333435" +
            "36373839616263646566300000000100030330313233343536373839000062947530e18f26ed54f8c42808004500003c" +
            "62df4000400688710a0000e25fd9e4b098b0005091ead1c900000000a002fd5c4f9a0000020405820402080ad2262468" +
            "0000000001030307";

    /** crafted: Ethernet/IPv4 10.0.0.1 -> 10.0.0.2 GRE (K, key 42) carrying the IPv4/UDP DNS query of ETH_UDP_DNS (103 bytes). */
    public static final String GRE_KEY =
            "00c09f32418c00e018b10cad08004500005912344000402f14400a0000010a000002200008000000002a4500003d0000" +
            "400040116542c0a8aa08c0a8aa14801b003500298861bc1f0100000100000000000003777777076578616d706c650363" +
            "6f6d00001c0001";

    /** crafted: GRE without options, transparent Ethernet bridging, inner frame ETH_TCP_SYN (116 bytes). */
    public static final String GRE_TEB =
            "00c09f32418c00e018b10cad08004500006612344000402f14330a0000010a000002000065580010db88d2efc8bcc896" +
            "d2a0080045000040df8e400040066dd38d8ee405c096bb2be9d00050fe21323a00000000b002ffff3bc00000020405b4" +
            "010303040101080a164add200000000004020000";

    /** crafted: IPv4 10.9.0.1 -> 10.9.0.2 protocol 4 carrying the IPv4/TCP SYN of ETH_TCP_SYN (98 bytes). */
    public static final String IPIP_TCP =
            "00c09f32418c00e018b10cad080045000054123440004004145e0a0900010a09000245000040df8e400040066dd38d8e" +
            "e405c096bb2be9d00050fe21323a00000000b002ffff3bc00000020405b4010303040101080a164add20000000000402" +
            "0000";

    /** crafted: IPv4 protocol 41 carrying the IPv6/TCP SYN of ETH_V6_TCP_SYN (114 bytes). */
    public static final String SIXIN4_TCP =
            "00c09f32418c00e018b10cad08004500006412344000402914290a0900010a090002600855a600280640fd0000010001" +
            "00000000000000000002fd0000020001000000000000000000029c3600500639933600000000a002fd2010f200000204" +
            "05a00402080a8cb17d4f0000000001030307";

    /** crafted: five nested IP-in-IP headers around the IPv4/TCP SYN (deeper than the tunnel limit) (178 bytes). */
    public static final String IPIP_NESTED5 =
            "00c09f32418c00e018b10cad0800450000a412344000400413090a0900040a09010445000090123440004004131f0a09" +
            "00030a0901034500007c12344000400413350a0900020a09010245000068123440004004134b0a0900010a0901014500" +
            "005412344000400413610a0900000a09010045000040df8e400040066dd38d8ee405c096bb2be9d00050fe21323a0000" +
            "0000b002ffff3bc00000020405b4010303040101080a164add200000000004020000";

    /** nDPI dns.pcap #4: Q-in-Q (ids 421, 785) + PPPoE session + PPP IPv4 + UDP DNS query 82.178.113.245 -> 82.178.158.181:53 (91 bytes). */
    public static final String PPPOE_QINQ_DNS =
            "000000000001d494e80eadc1810001a58100031188641100556a003f00214500003d00004000401184a152b271f552b2" +
            "9eb5b89700350029b67d784301000001000000000000026537087768617473617070036e65740000010001";

    /** the IPv4/UDP DNS query of ETH_UDP_DNS without link header (61 bytes). */
    public static final String RAW_V4_DNS =
            "4500003d0000400040116542c0a8aa08c0a8aa14801b003500298861bc1f010000010000000000000377777707657861" +
            "6d706c6503636f6d00001c0001";

    /** the IPv6/TCP SYN of ETH_V6_TCP_SYN without link header (80 bytes). */
    public static final String RAW_V6_TCP =
            "600855a600280640fd000001000100000000000000000002fd0000020001000000000000000000029c36005006399336" +
            "00000000a002fd2010f20000020405a00402080a8cb17d4f0000000001030307";

    /** nDPI dns-tunnel-iodine.pcap #32: ARP (60 bytes). */
    public static final String ETH_ARP =
            "0800279ce0b4080027c76eba08060001080006040001080027c76eba0a0002140000000000000a00021e000000000000" +
            "000000000000000000000000";

    public static byte[] bytes(String hex) {
        byte[] b = new byte[hex.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }
}
