package io.crowsnest.applayer.tls;

import io.crowsnest.applayer.AppProto;
import io.crowsnest.applayer.Buf;
import io.crowsnest.applayer.Slice;
import io.crowsnest.applayer.Transaction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The TLS handshake of a connection (one transaction per flow, as Suricata keeps it). */
public final class TlsTx extends Transaction {
    public byte[] sni;
    /** Highest version offered by the client (supported_versions or legacy), e.g. 0x0303. */
    public int clientVersion;
    /** Version the server chose (supported_versions for TLS 1.3), 0 until the ServerHello. */
    public int serverVersion;
    public String ja3String, ja3Hash, ja3sString, ja3sHash;
    /** JA4 of the ClientHello ({@link Ja4}), null until one was parsed. */
    public String ja4;
    public byte[] certSubject, certIssuer, certSerial;
    /** Validity of the first certificate, epoch seconds UTC; 0 when unknown. */
    public long certNotBefore, certNotAfter;
    /** Most certificates of the server's Certificate message kept ({@link #certs}); the rest are counted. */
    public static final int MAX_CERTS = 16;
    /** DER bytes of each certificate of the server's Certificate message, in order (at most MAX_CERTS). */
    public final java.util.List<byte[]> certs = new java.util.ArrayList<>(0);
    /** Certificates of that message not kept (past MAX_CERTS). */
    public int certsCut;
    public boolean clientHelloSeen, serverHelloSeen, certSeen, clientDone, serverDone;

    @Override
    public int proto() {
        return AppProto.TLS;
    }

    @Override
    public boolean complete() {
        return clientDone && serverDone;
    }

    @Override
    public boolean buffer(int buf, boolean toServer, int index, Slice out) {
        if (buf == Buf.TLS_CERTS) {
            return !toServer && index < certs.size() && slice(out, certs.get(index));
        }
        if (index != 0) {
            return false;
        }
        switch (buf) {
            case Buf.TLS_SNI: return toServer && slice(out, sni);
            case Buf.JA3_STRING: return toServer && ja3String != null && slice(out, ascii(ja3String));
            case Buf.JA3_HASH: return toServer && ja3Hash != null && slice(out, ascii(ja3Hash));
            case Buf.JA4_HASH: return toServer && ja4 != null && slice(out, ascii(ja4));
            case Buf.TLS_CERT_SUBJECT: return !toServer && slice(out, certSubject);
            case Buf.TLS_CERT_ISSUER: return !toServer && slice(out, certIssuer);
            case Buf.TLS_CERT_SERIAL: return !toServer && slice(out, certSerial);
            case Buf.JA3S_STRING: return !toServer && ja3sString != null && slice(out, ascii(ja3sString));
            case Buf.JA3S_HASH: return !toServer && ja3sHash != null && slice(out, ascii(ja3sHash));
            default: return false;
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The negotiated version (server's choice, else the client's), 0 when none. */
    public int version() {
        return serverVersion != 0 ? serverVersion : clientVersion;
    }

    /** Suricata's EVE version string ("TLS 1.2", "TLSv1.3" is written "TLS 1.3", "SSLv3"). */
    public static String versionName(int v) {
        switch (v) {
            case 0x0300: return "SSLv3";
            case 0x0301: return "TLS 1.0";
            case 0x0302: return "TLS 1.1";
            case 0x0303: return "TLS 1.2";
            case 0x0304: return "TLS 1.3";
            case 0: return "UNDETERMINED";
            default: return String.format("0x%04x", v);
        }
    }

    @Override
    public Map<String, Object> eve() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (certSubject != null) {
            m.put("subject", new String(certSubject, StandardCharsets.ISO_8859_1));
        }
        if (certIssuer != null) {
            m.put("issuerdn", new String(certIssuer, StandardCharsets.ISO_8859_1));
        }
        if (certSerial != null) {
            m.put("serial", new String(certSerial, StandardCharsets.ISO_8859_1));
        }
        if (sni != null) {
            m.put("sni", new String(sni, StandardCharsets.ISO_8859_1));
        }
        m.put("version", versionName(version()));
        if (ja3Hash != null) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("hash", ja3Hash);
            j.put("string", ja3String);
            m.put("ja3", j);
        }
        if (ja4 != null) {
            m.put("ja4", ja4);
        }
        if (ja3sHash != null) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("hash", ja3sHash);
            j.put("string", ja3sString);
            m.put("ja3s", j);
        }
        return m;
    }
}
