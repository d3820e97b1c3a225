package io.crowsnest.outputs.format;

import io.crowsnest.detection.alert.Alert;

/** Alerts for format tests. */
public final class TestAlerts {
    private TestAlerts() {}

    /** IPv4 TCP, flow, severity 1, hostile text in msg and category. */
    public static Alert hostile() {
        Alert a = new Alert();
        a.tsSeconds = 1639390352L;
        a.tsNanos = 617_443_000;
        a.pcapCount = 7;
        a.hasFlow = true;
        a.flowId = 42;
        a.toServer = true;
        a.ipVersion = 4;
        a.srcLo = (10L << 24) | 1;
        a.dstLo = (192L << 24) | (168L << 16) | (1L << 8) | 2;
        a.srcPort = 12345;
        a.dstPort = 80;
        a.ipProto = 6;
        a.icmpType = -1;
        a.signature("allowed", 1, 2019401, 3, "ET \"evil\" | a=b \\ c]\nnext\rline^x\ty ünï 日本",
                "Bad=cat|x\\y\nz", 1, null);
        return a;
    }

    /** IPv6 ICMP, no flow, severity 3. */
    public static Alert plain() {
        Alert a = new Alert();
        a.tsSeconds = 1641000000L;
        a.tsNanos = 5000;
        a.pcapCount = 9;
        a.ipVersion = 6;
        a.srcHi = 0x20010db800000000L;
        a.srcLo = 1;
        a.dstHi = 0x20010db800000000L;
        a.dstLo = 2;
        a.ipProto = 58;
        a.icmpType = 128;
        a.icmpCode = 0;
        a.signature("allowed", 1, 1, 1, "ping", "misc", 3, null);
        return a;
    }

    /** A TCP alert whose pcap_cnt carries a sequence number, for delivery tests. */
    public static Alert seq(long n) {
        Alert a = hostile();
        a.pcapCount = n;
        a.signature("allowed", 1, 2019401, 3, "ET TEST sequence", "test", 2, null);
        return a;
    }
}
