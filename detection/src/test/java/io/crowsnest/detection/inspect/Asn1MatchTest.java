package io.crowsnest.detection.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.FlowFlags;
import io.crowsnest.detection.TestSupport;
import io.crowsnest.detection.rules.RuleLoadResult;
import io.crowsnest.detection.rules.RuleLoader;
import io.crowsnest.detection.rules.RuleVariables;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Suricata's asn1 keyword on BER bytes: each check, offsets, and the decoding bounds. */
class Asn1MatchTest {
    /** X.690 (07/2002) Annex A.3: a PersonnelRecord, 136 bytes, outer length 0x85 = 133. */
    static final byte[] A3 = HexFormat.of().parseHex("608185"
            + "6110" + "1a044a6f686e" + "1a0150" + "1a05536d697468"
            + "a00a1a084469726563746f72" + "420133"
            + "a10a43083139373130393137"
            + "a2126110" + "1a044d617279" + "1a0154" + "1a05536d697468"
            + "a342"
            + "311f" + "6111" + "1a0552616c7068" + "1a0154" + "1a05536d697468" + "a00a43083139353731313131"
            + "311f" + "6111" + "1a055375736168" + "1a0142" + "1a054a6f6e6573" + "a00a43083139353930373137");

    static Asn1Match m(boolean bits, boolean dbl, long oversize) {
        return new Asn1Match(bits, dbl, oversize, 0, false, 0, Asn1Match.DEFAULT_MAX_FRAMES, "t");
    }

    static boolean on(Asn1Match a, String hex) {
        byte[] b = HexFormat.of().parseHex(hex);
        return a.matches(b, 0, b.length);
    }

    static byte[] real(int len) {
        byte[] b = new byte[4 + len];
        Arrays.fill(b, (byte) 0x05); // first content byte 0x05: decimal (ASCII) encoding
        b[0] = 0x09;
        b[1] = (byte) 0x82;
        b[2] = (byte) (len >> 8);
        b[3] = (byte) len;
        return b;
    }

    @Test
    void oversizeLengthComparesEveryObjectsLength() {
        assertEquals(136, A3.length);
        assertTrue(m(false, false, 132).matches(A3, 0, A3.length));
        assertFalse(m(false, false, 133).matches(A3, 0, A3.length));
        assertTrue(m(false, false, 0).matches(A3, 0, A3.length), "any non-empty object");
    }

    @Test
    void bitstringOverflowAtAnyDepth() {
        assertTrue(on(m(true, false, -1), "0301ff"), "255 unused bits in 8");
        assertFalse(on(m(true, false, -1), "030107"));
        assertTrue(on(m(true, false, -1), "30040302ff00"), "inside a SEQUENCE: 255 > 16 bits");
        assertFalse(on(m(true, false, -1), "30040302ff00".replace("ff", "0f")));
        assertFalse(on(m(false, false, -1), "0301ff"), "not asked for");
        assertTrue(on(m(true, false, -1), "3080" + "0301ff" + "0000"), "indefinite-length SEQUENCE");
    }

    @Test
    void doubleOverflowOnDecimalRealsOver256Bytes() {
        Asn1Match d = m(false, true, -1);
        byte[] r257 = real(257), r256 = real(256);
        assertTrue(d.matches(r257, 0, r257.length));
        assertFalse(d.matches(r256, 0, r256.length));
        r257[4] = 0x40; // binary encoding: not the MSASN1 decimal overflow
        assertFalse(d.matches(r257, 0, r257.length));
    }

    @Test
    void anObjectLongerThanTheBufferIsNotChecked() {
        assertFalse(on(m(true, false, 1), "0305ff"), "does not decode: Suricata checks nothing");
        // objects before it are checked
        assertTrue(on(m(true, false, -1), "0301ff" + "0305ff"));
        assertFalse(on(m(true, false, -1), "0001" + "0301ff"), "garbage first: nothing decodes after it");
    }

    @Test
    void decodingIsBoundedByMaxFrames() {
        String nulls30 = "0500".repeat(29);
        assertTrue(on(m(true, false, -1), "0301ff" + nulls30), "30 top-level objects");
        assertFalse(on(m(true, false, -1), "0301ff" + nulls30 + "0500"), "31: too many frames, no match");
        // nesting: 30 SEQUENCEs around the bit string are 31 levels
        StringBuilder deep = new StringBuilder("0301ff");
        for (int i = 0; i < 30; i++) {
            int l = deep.length() / 2;
            deep.insert(0, String.format("30%02x", l));
        }
        assertFalse(on(m(true, false, -1), deep.toString()));
        assertTrue(on(m(true, false, -1), deep.substring(4)), "30 levels");
        // a long run of objects is bounded work: no deeper than maxFrames, no more than maxFrames on top
        byte[] big = new byte[1 << 20];
        assertFalse(m(true, true, 5).matches(big, 0, big.length));
    }

    @Test
    void highTagNumbersAndLongLengths() {
        assertTrue(on(m(false, false, 2), "9f8100" + "03" + "010203"), "tag 128, length 3 > 2");
        assertTrue(on(m(false, false, 2), "04820003" + "010203"), "long-form length");
        assertFalse(on(m(false, false, 2), "0480" + "0102" + "0000"), "indefinite primitive does not decode");
    }

    static boolean fires(String opts, byte[] payload) {
        TestSupport.Harness h = TestSupport.harness("alert tcp any any -> any any (" + opts + " sid:1;)");
        Packet p = TestSupport.ip4(6, "10.0.0.1", 1234, "10.0.0.2", 445, payload);
        p.tcpFlags = 0x18;
        return !h.run(p, TestSupport.flow(), FlowFlags.TO_SERVER | FlowFlags.ESTABLISHED).isEmpty();
    }

    static byte[] concat(String ascii, String hex) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(ascii.getBytes(StandardCharsets.ISO_8859_1));
        o.writeBytes(HexFormat.of().parseHex(hex));
        return o.toByteArray();
    }

    @Test
    void offsetsThroughTheRuleLanguage() {
        byte[] p = concat("xxSPNEGO", "aa" + "0301ff");
        assertTrue(fires("content:\"SPNEGO\"; asn1:bitstring_overflow, relative_offset 1;", p));
        assertFalse(fires("content:\"SPNEGO\"; asn1:bitstring_overflow, relative_offset 0;", p),
                "aa 03 01 ff: tag 0xaa, length 3 > 2 bytes left: does not decode");
        assertTrue(fires("content:\"SPNEGO\"; asn1:bitstring_overflow relative_offset -7 absolute_offset 9;", p),
                "absolute wins over relative");
        assertFalse(fires("asn1:bitstring_overflow, absolute_offset 12;", p), "offset past the end");
        assertTrue(fires("asn1:oversize_length 0,absolute_offset 9;", p));
        assertFalse(fires("asn1:oversize_length 1,absolute_offset 9;", p), "length 1 is not over 1");
        assertFalse(fires("content:\"SPNEGO\"; asn1:bitstring_overflow, relative_offset -9;", p), "before the start");
        // the GPL NETBIOS SMB-DS rule shape: the negated content does not move the cursor
        assertTrue(fires("content:\"SPNEGO\"; content:!\"NTLMSSP\"; within:7; distance:1; "
                + "asn1:double_overflow, bitstring_overflow, relative_offset 1, oversize_length 2048;", p));
    }

    static String error(String opts) {
        RuleLoadResult r = new RuleLoader().load("alert tcp any any -> any any (" + opts + " sid:1;)", "k",
                RuleVariables.suricataDefaults());
        assertEquals(1, r.errors().size(), () -> "expected an error for " + opts);
        return r.errors().get(0).message();
    }

    @Test
    void badOptionsAreRefusedNamingThem() {
        assertTrue(error("asn1:oversize_length;").contains("needs a number"));
        assertTrue(error("asn1:oversize_length -1;").contains("out of range"));
        assertTrue(error("asn1:oversize_length 4294967296;").contains("out of range"));
        assertTrue(error("asn1:relative_offset 65536;").contains("out of range"));
        assertTrue(error("asn1:absolute_offset x;").contains("needs a number"));
        assertTrue(error("asn1:bitstring_overflow, some_other_param 360;").contains("some_other_param"));
        assertTrue(error("http.uri; asn1:bitstring_overflow;").contains("packet payload"));
    }
}
