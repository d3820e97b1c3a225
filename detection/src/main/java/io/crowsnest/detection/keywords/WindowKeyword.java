package io.crowsnest.detection.keywords;

/** {@code window:[!]N;} TCP window (unscaled) equals N. */
public final class WindowKeyword extends HeaderValueKeyword {
    public WindowKeyword() {
        super("window", 65535, p -> p.ipProto == 6 && p.l4Offset >= 0 ? p.tcpWindow : -1);
    }
}
