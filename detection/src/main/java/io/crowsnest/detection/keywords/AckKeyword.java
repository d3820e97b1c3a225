package io.crowsnest.detection.keywords;

/** {@code ack:[!]N;} TCP acknowledgement number equals N. */
public final class AckKeyword extends HeaderValueKeyword {
    public AckKeyword() {
        super("ack", 0xFFFFFFFFL, p -> p.ipProto == 6 && p.l4Offset >= 0 ? p.tcpAck : -1);
    }
}
