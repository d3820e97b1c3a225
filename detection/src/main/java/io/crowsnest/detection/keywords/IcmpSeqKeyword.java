package io.crowsnest.detection.keywords;

/** {@code icmp_seq:[!]N;} ICMP/ICMPv6 echo sequence number equals N. */
public final class IcmpSeqKeyword extends HeaderValueKeyword {
    public IcmpSeqKeyword() {
        super("icmp_seq", 65535, p -> p.icmpSeq);
    }
}
