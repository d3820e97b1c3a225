package io.crowsnest.detection.keywords;

/** {@code seq:[!]N;} TCP sequence number equals N. */
public final class SeqKeyword extends HeaderValueKeyword {
    public SeqKeyword() {
        super("seq", 0xFFFFFFFFL, p -> p.ipProto == 6 && p.l4Offset >= 0 ? p.tcpSeq : -1);
    }
}
