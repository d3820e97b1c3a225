package io.crowsnest.decoders;

/** Bits for {@link Packet#ipOptions}, named as Suricata's {@code ipopts} keyword names them. */
public final class IpOptions {
    private IpOptions() {}

    public static final int RR = 1;        // record route (7)
    public static final int EOL = 1 << 1;  // end of list (0)
    public static final int NOP = 1 << 2;  // no-op (1)
    public static final int TS = 1 << 3;   // timestamp (68)
    public static final int SEC = 1 << 4;  // security (130)
    public static final int ESEC = 1 << 5; // extended security (133)
    public static final int LSRR = 1 << 6; // loose source route (131)
    public static final int SSRR = 1 << 7; // strict source route (137)
    public static final int SATID = 1 << 8; // stream id (136)
    public static final int ANY = 1 << 9;  // any other option
}
