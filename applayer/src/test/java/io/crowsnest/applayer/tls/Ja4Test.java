package io.crowsnest.applayer.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.applayer.Buf;
import io.crowsnest.applayer.Slice;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/**
 * JA4 of a ClientHello rebuilt from a published Chrome fingerprint (its ja4_ro lists ciphers and extensions in
 * wire order; ja4 {@code t13d1516h2_8daaf6152771_d8a2da3f94cd}), with GREASE sprinkled in as Chrome sends it.
 */
class Ja4Test {
    static final int[] CIPHERS = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013,
        0xc014, 0x009c, 0x009d, 0x002f, 0x0035};
    static final int[] EXTS = {0x002d, 0x0033, 0x0010, 0xfe0d, 0x0017, 0x44cd, 0x0000, 0x000b, 0x000a, 0x002b,
        0xff01, 0x0023, 0x0012, 0x0005, 0x000d, 0x001b};
    static final int[] SIGALGS = {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601};

    static byte[] chromeHello(boolean withAlpn, String firstAlpn) {
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        TlsParserTest.u16(ext, 0x1a1a); TlsParserTest.u16(ext, 0); // GREASE
        for (int e : EXTS) {
            ByteArrayOutputStream d = new ByteArrayOutputStream();
            switch (e) {
                case 0x0000: {
                    String h = "tls.browserleaks.com";
                    TlsParserTest.u16(d, h.length() + 3); d.write(0); TlsParserTest.u16(d, h.length()); d.writeBytes(h.getBytes());
                    break;
                }
                case 0x0010: {
                    if (!withAlpn) {
                        continue;
                    }
                    byte[] a = firstAlpn.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                    TlsParserTest.u16(d, a.length + 1 + 9); d.write(a.length); d.writeBytes(a); d.write(8); d.writeBytes("http/1.1".getBytes());
                    break;
                }
                case 0x000d:
                    TlsParserTest.u16(d, SIGALGS.length * 2 + 2);
                    TlsParserTest.u16(d, 0x0a0a); // GREASE signature algorithm: ignored
                    for (int s : SIGALGS) {
                        TlsParserTest.u16(d, s);
                    }
                    break;
                case 0x002b:
                    d.write(6); TlsParserTest.u16(d, 0x3a3a); TlsParserTest.u16(d, 0x0304); TlsParserTest.u16(d, 0x0303);
                    break;
                case 0x000a:
                    TlsParserTest.u16(d, 8); TlsParserTest.u16(d, 0x11ec); TlsParserTest.u16(d, 29); TlsParserTest.u16(d, 23); TlsParserTest.u16(d, 24);
                    break;
                case 0x000b:
                    d.write(1); d.write(0);
                    break;
                default:
                    break; // empty body
            }
            TlsParserTest.u16(ext, e);
            TlsParserTest.u16(ext, d.size());
            ext.writeBytes(d.toByteArray());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        TlsParserTest.u16(body, 0x0303);
        body.writeBytes(new byte[32]);
        body.write(0);
        TlsParserTest.u16(body, (CIPHERS.length + 1) * 2);
        TlsParserTest.u16(body, 0x4a4a); // GREASE cipher
        for (int c : CIPHERS) {
            TlsParserTest.u16(body, c);
        }
        body.write(1); body.write(0);
        TlsParserTest.u16(body, ext.size());
        body.writeBytes(ext.toByteArray());
        ByteArrayOutputStream rec = new ByteArrayOutputStream();
        rec.write(22); TlsParserTest.u16(rec, 0x0301); TlsParserTest.u16(rec, body.size() + 4);
        rec.write(1); rec.write(0); TlsParserTest.u16(rec, body.size());
        rec.writeBytes(body.toByteArray());
        return rec.toByteArray();
    }

    static TlsTx parse(byte[] ch) {
        TlsParser p = new TlsParser((tx, ts) -> { }, e -> { });
        for (int i = 0; i < ch.length; i += 7) { // in pieces
            p.parse(true, ch, i, Math.min(7, ch.length - i));
        }
        return p.tx;
    }

    @Test
    void publishedChromeFingerprint() {
        TlsTx tx = parse(chromeHello(true, "h2"));
        assertEquals("t13d1516h2_8daaf6152771_d8a2da3f94cd", tx.ja4);
        Slice s = new Slice();
        assertTrue(tx.buffer(Buf.JA4_HASH, true, 0, s));
        assertEquals(tx.ja4, s.toString());
        assertEquals(tx.ja4, tx.eve().get("ja4"));
        assertEquals(Buf.JA4_HASH, Buf.byName("ja4.hash"));
    }

    @Test
    void withoutAlpnAndWithAnOddOne() {
        // no ALPN: "00" and one extension fewer; the hashed extension list is the same (ALPN is never in it)
        assertEquals("t13d151500_8daaf6152771_d8a2da3f94cd", parse(chromeHello(false, null)).ja4);
        // a first ALPN value that starts or ends with a non-alphanumeric byte: first and last hex digit
        assertEquals("t13d15160f", parse(chromeHello(true, "\u0002x/")).ja4.substring(0, 10)); // hex 02782f
        assertEquals("h1", Ja4.alpn("http/1.1".getBytes()));
    }

    @Test
    void versionAndCountsFollowTheSpec() {
        assertEquals("12", Ja4.version(0x0303));
        assertEquals("s3", Ja4.version(0x0300));
        assertEquals("00", Ja4.version(0x7f17));
        int[] many = new int[120];
        for (int i = 0; i < many.length; i++) {
            many[i] = 0x0100 + i;
        }
        String j = Ja4.of(0x0303, false, many, many.length, new int[0], 0, null, new int[0], 0);
        assertEquals("t12i990000_", j.substring(0, 11));
        assertTrue(j.endsWith("_000000000000"), j);
    }
}
