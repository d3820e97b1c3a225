package io.crowsnest.detection;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** TLS handshake records as they go on the wire, for tests that drive the real TLS parser. */
public final class TlsRecords {
    private TlsRecords() {}

    static void u16(ByteArrayOutputStream o, int v) {
        o.write(v >> 8);
        o.write(v);
    }

    static void u24(ByteArrayOutputStream o, int v) {
        o.write(v >> 16);
        u16(o, v & 0xFFFF);
    }

    /** A test certificate (DER) from src/test/resources/tls: leaf.der (c2.example.test) or ca.der. */
    public static byte[] der(String name) {
        try (InputStream in = TlsRecords.class.getResourceAsStream("/tls/" + name)) {
            return in.readAllBytes();
        } catch (IOException | NullPointerException e) {
            throw new AssertionError("test resource /tls/" + name, e);
        }
    }

    /** A ClientHello with legacy version {@code legacy}, SNI and, when not 0, supported_versions {@code sv}. */
    public static byte[] clientHello(int legacy, String sni, int... sv) {
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        u16(ext, 0); u16(ext, sni.length() + 5); u16(ext, sni.length() + 3); ext.write(0); u16(ext, sni.length());
        ext.writeBytes(sni.getBytes());
        if (sv.length > 0) {
            u16(ext, 43); u16(ext, 1 + 2 * sv.length); ext.write(2 * sv.length);
            for (int v : sv) {
                u16(ext, v);
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        u16(body, legacy);
        body.writeBytes(new byte[32]);
        body.write(0);
        u16(body, 4); u16(body, 0x1301); u16(body, 0xc02f);
        body.write(1); body.write(0);
        u16(body, ext.size());
        body.writeBytes(ext.toByteArray());
        return record(1, body.toByteArray());
    }

    /** A ServerHello body choosing {@code legacy}, with supported_versions {@code sv} when not 0. */
    public static byte[] serverHelloBody(int legacy, int sv) {
        ByteArrayOutputStream sh = new ByteArrayOutputStream();
        u16(sh, legacy);
        sh.writeBytes(new byte[32]);
        sh.write(0);
        u16(sh, 0xc02f);
        sh.write(0);
        if (sv != 0) {
            u16(sh, 6); u16(sh, 43); u16(sh, 2); u16(sh, sv);
        } else {
            u16(sh, 0);
        }
        return sh.toByteArray();
    }

    /** A Certificate message body with {@code certs} (DER), in order. */
    public static byte[] certificateBody(byte[]... certs) {
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        for (byte[] c : certs) {
            u24(list, c.length);
            list.writeBytes(c);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        u24(body, list.size());
        body.writeBytes(list.toByteArray());
        return body.toByteArray();
    }

    /** One handshake record holding the given messages (type, body, type, body …) back to back. */
    public static byte[] record(Object... typeAndBody) {
        ByteArrayOutputStream hs = new ByteArrayOutputStream();
        for (int i = 0; i < typeAndBody.length; i += 2) {
            byte[] body = (byte[]) typeAndBody[i + 1];
            hs.write((Integer) typeAndBody[i]);
            u24(hs, body.length);
            hs.writeBytes(body);
        }
        ByteArrayOutputStream rec = new ByteArrayOutputStream();
        rec.write(22); u16(rec, 0x0303); u16(rec, hs.size());
        rec.writeBytes(hs.toByteArray());
        return rec.toByteArray();
    }

    /** A DNS message: id, flags, one question {@code name} of {@code qtype}, no records. */
    public static byte[] dns(int id, int flags, String name, int qtype) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        u16(o, id); u16(o, flags); u16(o, 1); u16(o, 0); u16(o, 0); u16(o, 0);
        for (String label : name.split("\\.")) {
            o.write(label.length());
            o.writeBytes(label.getBytes());
        }
        o.write(0);
        u16(o, qtype); u16(o, 1);
        return o.toByteArray();
    }
}
