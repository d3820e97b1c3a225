package io.crowsnest.decoders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.decoders.DecoderConfig.ChecksumMode;

/** Test helpers: decode a hex frame, build addresses, list events. */
public final class Decoding {
    private Decoding() {}

    public static Packet decode(String hex, int linkType) {
        return decode(hex, linkType, ChecksumMode.ALL);
    }

    public static Packet decode(String hex, int linkType, ChecksumMode mode) {
        return decode(TestFrames.bytes(hex), linkType, new PacketDecoder(DecoderConfig.defaults().withChecksumMode(mode)));
    }

    public static Packet decode(byte[] bytes, int linkType, PacketDecoder decoder) {
        Packet p = new Packet(4096).load(bytes, linkType);
        decoder.decode(p);
        return p;
    }

    /** IPv4-mapped low word for a.b.c.d. */
    public static long v4(int a, int b, int c, int d) {
        return Packet.V4_MAPPED_LO_PREFIX | ((long) a << 24) | ((long) b << 16) | ((long) c << 8) | d;
    }

    public static String events(Packet p) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < Math.min(p.eventCount, Packet.MAX_EVENTS); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(DecoderEvent.of(p.events[i]).eventName());
        }
        return sb.append(']').toString();
    }

    public static void assertNoEvents(Packet p) {
        assertEquals(0, p.eventCount, () -> "unexpected events " + events(p));
    }

    public static void assertEvent(Packet p, DecoderEvent e) {
        assertTrue(p.hasEvent(e), () -> "expected " + e.eventName() + " in " + events(p));
    }

    /** Payload bytes as a Latin-1 string (for readable assertions). */
    public static String payload(Packet p) {
        return new String(p.data, p.payloadOffset, p.payloadLength, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
