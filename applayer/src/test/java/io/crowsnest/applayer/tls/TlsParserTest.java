package io.crowsnest.applayer.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.applayer.Buf;
import io.crowsnest.applayer.Slice;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class TlsParserTest {
    static void u16(ByteArrayOutputStream o, int v) {
        o.write(v >> 8);
        o.write(v);
    }

    static byte[] clientHello(String sni) {
        return clientHello(sni, new byte[0]);
    }

    /** A ClientHello record for {@code sni} with {@code extraExt} (whole extensions) after its own. */
    static byte[] clientHello(String sni, byte[] extraExt) {
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        u16(ext, 0x0a0a); u16(ext, 0); // GREASE extension: left out of JA3
        u16(ext, 0); u16(ext, sni.length() + 5); u16(ext, sni.length() + 3); ext.write(0); u16(ext, sni.length());
        ext.writeBytes(sni.getBytes());
        u16(ext, 10); u16(ext, 6); u16(ext, 4); u16(ext, 29); u16(ext, 23);
        u16(ext, 11); u16(ext, 2); ext.write(1); ext.write(0);
        ext.writeBytes(extraExt);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        u16(body, 0x0303);
        body.writeBytes(new byte[32]);
        body.write(0);
        u16(body, 6); u16(body, 0x2a2a); u16(body, 0x1301); u16(body, 0xc02f);
        body.write(1); body.write(0);
        u16(body, ext.size());
        body.writeBytes(ext.toByteArray());
        ByteArrayOutputStream rec = new ByteArrayOutputStream();
        rec.write(22); u16(rec, 0x0301); u16(rec, body.size() + 4);
        rec.write(1); rec.write(0); u16(rec, body.size());
        rec.writeBytes(body.toByteArray());
        return rec.toByteArray();
    }

    @Test
    void clientHelloSniAndJa3InPieces() {
        TlsParser p = new TlsParser((tx, ts) -> { }, e -> { });
        byte[] ch = clientHello("secret.example.org");
        for (int i = 0; i < ch.length; i++) {
            p.parse(true, ch, i, 1);
        }
        Slice s = new Slice();
        assertTrue(p.tx.buffer(Buf.TLS_SNI, true, 0, s));
        assertEquals("secret.example.org", s.toString());
        assertEquals("771,4865-49199,0-10-11,29-23,0", p.tx.ja3String);
        assertEquals(TlsParser.md5("771,4865-49199,0-10-11,29-23,0"), p.tx.ja3Hash);
        assertEquals(32, p.tx.ja3Hash.length());
    }

    @Test
    void garbageIsAnAnomalyNotAnException() {
        java.util.List<String> ev = new java.util.ArrayList<>();
        TlsParser p = new TlsParser((tx, ts) -> { }, ev::add);
        byte[] junk = {22, 3, 1, 0, 5, 1, 0, 0, 9, 9};
        p.parse(true, junk, 0, junk.length);
        p.parse(true, new byte[] {99, 99, 99, 99, 99, 99}, 0, 6);
        assertTrue(ev.contains("tls.invalid_record") || ev.contains("tls.invalid_handshake_message"));
    }

    /** One handshake record holding the given handshake messages (type, body) back to back. */
    static byte[] record(Object... typeAndBody) {
        ByteArrayOutputStream hs = new ByteArrayOutputStream();
        for (int i = 0; i < typeAndBody.length; i += 2) {
            byte[] body = (byte[]) typeAndBody[i + 1];
            hs.write((Integer) typeAndBody[i]);
            hs.write(0);
            u16(hs, body.length);
            hs.writeBytes(body);
        }
        ByteArrayOutputStream rec = new ByteArrayOutputStream();
        rec.write(22); u16(rec, 0x0303); u16(rec, hs.size());
        rec.writeBytes(hs.toByteArray());
        return rec.toByteArray();
    }

    @Test
    void helloFieldsPastTheMessageEndAreAnAnomalyNotTheNextMessagesBytes() {
        // a ClientHello cut after its cipher-suite length (6), then another handshake message: the old parser
        // read the ciphers, compression and extensions out of the message that follows
        ByteArrayOutputStream hello = new ByteArrayOutputStream();
        u16(hello, 0x0303);
        hello.writeBytes(new byte[32]);
        hello.write(0);
        u16(hello, 6);
        byte[] next = {0x13, 0x01, 0x13, 0x02, (byte) 0xc0, 0x2f, 1, 0, 0, 9, 0, 0, 0, 5, 0, 3, 0, 0, 1, 'x'};
        java.util.List<String> ev = new java.util.ArrayList<>();
        TlsParser p = new TlsParser((tx, ts) -> { }, ev::add);
        byte[] rec = record(1, hello.toByteArray(), 99, next);
        p.parse(true, rec, 0, rec.length);
        assertEquals(java.util.List.of("tls.invalid_handshake_message"), ev);
        assertTrue(!p.tx.clientHelloSeen && p.tx.sni == null && p.tx.ja3String == null);

        // a ServerHello whose one extension claims more bytes than the message has: ignored, not read beyond
        ByteArrayOutputStream sh = new ByteArrayOutputStream();
        u16(sh, 0x0303);
        sh.writeBytes(new byte[32]);
        sh.write(0);
        u16(sh, 0x1301);
        sh.write(0);
        u16(sh, 6); u16(sh, 43); u16(sh, 2); // supported_versions, its 2 bytes missing
        ev.clear();
        TlsParser q = new TlsParser((tx, ts) -> { }, ev::add);
        byte[] srec = record(2, sh.toByteArray(), 99, new byte[] {0x03, 0x04, 0, 0});
        q.parse(false, srec, 0, srec.length);
        assertEquals(java.util.List.of(), ev);
        assertTrue(q.tx.serverHelloSeen);
        assertEquals(0x0303, q.tx.serverVersion, "version not read from the next message");
    }

    @Test
    void aRepeatedSignatureAlgorithmsExtensionIsReadNotAnException() {
        // two signature_algorithms extensions, the second longer: the parser kept counting into the first
        // one's array (an exception that dropped the whole hello, SNI and fingerprints with it)
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        u16(ext, 13); u16(ext, 4); u16(ext, 2); u16(ext, 0x0403);
        u16(ext, 13); u16(ext, 8); u16(ext, 6); u16(ext, 0x0403); u16(ext, 0x0804); u16(ext, 0x0401);
        java.util.List<String> ev = new java.util.ArrayList<>();
        TlsParser p = new TlsParser((tx, ts) -> { }, ev::add);
        byte[] ch = clientHello("repeat.example", ext.toByteArray());
        p.parse(true, ch, 0, ch.length);
        assertEquals(java.util.List.of(), ev);
        assertEquals("repeat.example", new String(p.tx.sni));
        assertTrue(p.tx.clientHelloSeen && p.tx.ja4 != null);
    }

    static byte[] der(String name) throws java.io.IOException {
        try (java.io.InputStream in = TlsParserTest.class.getResourceAsStream("/tls/" + name)) {
            return in.readAllBytes();
        }
    }

    /** A Certificate handshake message body holding {@code certs} (DER) in order. */
    static byte[] certificateMessage(byte[]... certs) {
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        for (byte[] c : certs) {
            list.write(c.length >> 16); u16(list, c.length & 0xFFFF);
            list.writeBytes(c);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(list.size() >> 16); u16(body, list.size() & 0xFFFF);
        body.writeBytes(list.toByteArray());
        return body.toByteArray();
    }

    static byte[] serverHello(int version) {
        ByteArrayOutputStream sh = new ByteArrayOutputStream();
        u16(sh, version);
        sh.writeBytes(new byte[32]);
        sh.write(0);
        u16(sh, 0xc02f);
        sh.write(0);
        u16(sh, 0);
        return sh.toByteArray();
    }

    @Test
    void everyCertificateOfTheChainIsKeptAsDerInOrder() throws Exception {
        byte[] leaf = der("leaf.der"), ca = der("ca.der");
        java.util.List<String> ev = new java.util.ArrayList<>();
        TlsParser p = new TlsParser((tx, ts) -> { }, ev::add);
        byte[] rec = record(2, serverHello(0x0303), 11, certificateMessage(leaf, ca), 14, new byte[0]);
        for (int i = 0; i < rec.length; i += 7) { // in pieces: the message spans parse calls
            p.parse(false, rec, i, Math.min(7, rec.length - i));
        }
        assertEquals(java.util.List.of(), ev);
        Slice s = new Slice();
        assertTrue(p.tx.buffer(Buf.TLS_CERTS, false, 0, s));
        assertTrue(java.util.Arrays.equals(leaf, java.util.Arrays.copyOfRange(s.buf, s.off, s.off + s.len)));
        assertTrue(p.tx.buffer(Buf.TLS_CERTS, false, 1, s));
        assertTrue(java.util.Arrays.equals(ca, java.util.Arrays.copyOfRange(s.buf, s.off, s.off + s.len)));
        assertTrue(!p.tx.buffer(Buf.TLS_CERTS, false, 2, s));
        assertTrue(!p.tx.buffer(Buf.TLS_CERTS, true, 0, s), "server certificates: to_client only");
        assertTrue(new String(p.tx.certSubject).contains("c2.example.test"), new String(p.tx.certSubject));
        assertEquals(0, p.tx.certsCut);
    }

    @Test
    void certificatesPastTheBoundAreCountedNotKept() {
        byte[][] many = new byte[TlsTx.MAX_CERTS + 3][];
        for (int i = 0; i < many.length; i++) {
            many[i] = new byte[] {0x30, 0x03, 0x02, 0x01, (byte) i}; // not X.509: kept all the same
        }
        java.util.List<String> ev = new java.util.ArrayList<>();
        TlsParser p = new TlsParser((tx, ts) -> { }, ev::add);
        byte[] rec = record(2, serverHello(0x0303), 11, certificateMessage(many));
        p.parse(false, rec, 0, rec.length);
        assertEquals(TlsTx.MAX_CERTS, p.tx.certs.size());
        assertEquals(3, p.tx.certsCut);
        assertEquals((byte) (TlsTx.MAX_CERTS - 1), p.tx.certs.get(TlsTx.MAX_CERTS - 1)[4]);
        assertEquals(java.util.List.of("tls.invalid_certificate", "tls.certificates_cut"), ev);
    }

    @Test
    void aCertificateLongerThanItsListIsAnAnomaly() {
        byte[] body = certificateMessage(new byte[] {1, 2, 3, 4});
        body[5] = 9; // first certificate claims 9 bytes, the list holds 4
        java.util.List<String> ev = new java.util.ArrayList<>();
        TlsParser p = new TlsParser((tx, ts) -> { }, ev::add);
        byte[] rec = record(2, serverHello(0x0303), 11, body);
        p.parse(false, rec, 0, rec.length);
        assertEquals(java.util.List.of("tls.invalid_certificate"), ev);
        assertTrue(p.tx.certs.isEmpty());
    }

    @Test
    void theFirstCertificatesValidityIsReadAsUtcEpochSeconds() throws Exception {
        // leaf.der: notBefore 2026-11-24T02:45:46Z, notAfter 2027-11-24T02:45:46Z (UTCTime)
        TlsParser p = new TlsParser((tx, ts) -> { }, e -> { });
        byte[] rec = record(2, serverHello(0x0303), 11, certificateMessage(der("leaf.der"), der("ca.der")));
        p.parse(false, rec, 0, rec.length);
        assertEquals(1795488346L, p.tx.certNotBefore);
        assertEquals(1827024346L, p.tx.certNotAfter);
    }
}
