package io.crowsnest.detection.keywords;

/** {@code icmp_id:[!]N;} ICMP/ICMPv6 echo identifier equals N. */
public final class IcmpIdKeyword extends HeaderValueKeyword {
    public IcmpIdKeyword() {
        super("icmp_id", 65535, p -> p.icmpId);
    }
}
