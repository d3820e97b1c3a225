package io.crowsnest.applayer.tls;

import io.crowsnest.applayer.ByteBuf;
import io.crowsnest.applayer.Transaction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * TLS 1.0–1.3 handshake parsing of one connection, incremental over the reassembled streams: records are
 * reassembled (bounded), handshake messages may span records; ClientHello (SNI, JA3), ServerHello (version,
 * JA3S) and the server's Certificate message (every certificate's DER bytes, at most {@link TlsTx#MAX_CERTS}
 * with the rest counted; subject, issuer and serial of the first) are extracted. After a
 * ChangeCipherSpec the direction is encrypted and ignored.
 */
public final class TlsParser {
    static final int MAX_RECORD = 5 + (1 << 14) + 2048;
    static final int MAX_HANDSHAKE = 1 << 17;

    private final BiConsumer<Transaction, Boolean> updated;
    private final Consumer<String> anomaly;
    public final TlsTx tx = new TlsTx();
    private final ByteBuf[] record = new ByteBuf[2];
    private final ByteBuf[] hs = new ByteBuf[2];
    private final boolean[] encrypted = new boolean[2];
    private final boolean[] failed = new boolean[2];

    public TlsParser(BiConsumer<Transaction, Boolean> updated, Consumer<String> anomaly) {
        this.updated = updated;
        this.anomaly = anomaly;
    }

    public void parse(boolean toServer, byte[] b, int off, int len) {
        int d = toServer ? 0 : 1;
        if (failed[d] || encrypted[d]) {
            return;
        }
        if (record[d] == null) {
            record[d] = new ByteBuf(512, MAX_RECORD);
            hs[d] = new ByteBuf(512, MAX_HANDSHAKE);
        }
        ByteBuf r = record[d];
        int end = off + len;
        while (off < end && !failed[d] && !encrypted[d]) {
            if (r.length() < 5) {
                int n = Math.min(5 - r.length(), end - off);
                r.append(b, off, n);
                off += n;
                continue;
            }
            byte[] a = r.array();
            int type = a[0] & 0xFF;
            int rlen = (a[3] & 0xFF) << 8 | (a[4] & 0xFF);
            if (type < 20 || type > 24 || a[1] != 3 || rlen > MAX_RECORD - 5) {
                anomaly.accept("tls.invalid_record");
                failed[d] = true;
                return;
            }
            int need = 5 + rlen - r.length();
            int n = Math.min(need, end - off);
            r.append(b, off, n);
            off += n;
            if (r.length() == 5 + rlen) {
                record(toServer, d, type, r.array(), 5, rlen);
                r.clear();
            }
        }
    }

    private void record(boolean toServer, int d, int type, byte[] a, int off, int len) {
        if (type == 20) {
            encrypted[d] = true; // ChangeCipherSpec: what follows is encrypted
            if (toServer) {
                tx.clientDone = true;
            } else {
                tx.serverDone = true;
            }
            updated.accept(tx, toServer);
            return;
        }
        if (type != 22) {
            if (type == 23) {
                encrypted[d] = true;
            }
            return;
        }
        ByteBuf h = hs[d];
        h.append(a, off, len);
        byte[] m = h.array();
        int p = 0;
        while (h.length() - p >= 4) {
            int mt = m[p] & 0xFF;
            int ml = (m[p + 1] & 0xFF) << 16 | (m[p + 2] & 0xFF) << 8 | (m[p + 3] & 0xFF);
            if (ml > MAX_HANDSHAKE - 4) {
                anomaly.accept("tls.handshake_too_long");
                failed[d] = true;
                return;
            }
            if (h.length() - p - 4 < ml) {
                break;
            }
            try {
                message(toServer, mt, m, p + 4, ml);
            } catch (Truncated e) {
                anomaly.accept("tls.invalid_handshake_message");
            }
            p += 4 + ml;
        }
        if (p > 0) {
            int rest = h.length() - p;
            byte[] keep = java.util.Arrays.copyOfRange(m, p, p + rest);
            h.clear();
            h.append(keep, 0, rest);
        }
    }

    /**
     * A hello whose fields or lengths run past the end of its message. The message sits in a buffer with
     * whatever follows it, so every read is checked against the message's end, not the array's.
     */
    private static final class Truncated extends Exception {
        Truncated() {
            super("handshake message shorter than its fields", null, false, false);
        }
    }

    private static final Truncated TRUNCATED = new Truncated();

    private static void need(int p, int end) throws Truncated {
        if (p > end) {
            throw TRUNCATED;
        }
    }

    private void message(boolean toServer, int type, byte[] m, int off, int len) throws Truncated {
        switch (type) {
            case 1:
                if (toServer) {
                    clientHello(m, off, len);
                    updated.accept(tx, true);
                }
                break;
            case 2:
                if (!toServer) {
                    serverHello(m, off, len);
                    updated.accept(tx, false);
                }
                break;
            case 11:
                if (!toServer && !tx.certSeen) {
                    certificate(m, off, len);
                    updated.accept(tx, false);
                }
                break;
            case 14: // ServerHelloDone
                if (!toServer) {
                    updated.accept(tx, false);
                }
                break;
            default:
        }
    }

    private static boolean grease(int v) {
        return (v & 0x0F0F) == 0x0A0A && (v >> 8) == (v & 0xFF);
    }

    private static int u16(byte[] b, int p) {
        return (b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF);
    }

    private void clientHello(byte[] m, int off, int len) throws Truncated {
        int end = off + len;
        int p = off;
        need(p + 2 + 32 + 1, end);
        int legacy = u16(m, p);
        p += 2 + 32;
        p += 1 + (m[p] & 0xFF);
        need(p + 2, end);
        int cl = u16(m, p);
        p += 2;
        need(p + cl, end);
        StringBuilder ciphers = new StringBuilder();
        int[] ja4Ciphers = new int[Math.max(0, cl / 2)];
        int nc = 0;
        for (int i = 0; i + 1 < cl; i += 2) {
            int c = u16(m, p + i);
            if (!grease(c)) {
                append(ciphers, c);
                ja4Ciphers[nc++] = c;
            }
        }
        int[] ja4Exts = new int[64];
        int ne = 0;
        int[] sigAlgs = new int[0];
        int ns = 0;
        boolean sniSeen = false;
        byte[] alpn = null;
        p += cl;
        need(p + 1, end);
        p += 1 + (m[p] & 0xFF);
        need(p, end);
        StringBuilder exts = new StringBuilder(), curves = new StringBuilder(), formats = new StringBuilder();
        int best = legacy;
        if (p + 2 <= end) {
            int el = u16(m, p);
            p += 2;
            int ee = Math.min(end, p + el);
            while (p + 4 <= ee) {
                int et = u16(m, p), elen = u16(m, p + 2);
                int d = p + 4;
                if (d + elen > ee) {
                    break;
                }
                if (!grease(et)) {
                    append(exts, et);
                    if (ne == ja4Exts.length) {
                        ja4Exts = java.util.Arrays.copyOf(ja4Exts, ne * 2);
                    }
                    ja4Exts[ne++] = et;
                }
                if (et == 0) {
                    sniSeen = true;
                }
                if (et == 16 && elen >= 3) {
                    // ALPN: list length (2), then the first value: length (1) and bytes
                    int vl = m[d + 2] & 0xFF;
                    if (d + 3 + vl <= d + elen) {
                        alpn = java.util.Arrays.copyOfRange(m, d + 3, d + 3 + vl);
                    }
                } else if (et == 13 && elen >= 2) {
                    // a repeated extension (a client may send anything) replaces the earlier one, as SNI and ALPN do
                    int sl = Math.min(u16(m, d), elen - 2);
                    sigAlgs = new int[sl / 2];
                    ns = 0;
                    for (int i = 0; i + 1 < sl; i += 2) {
                        int a = u16(m, d + 2 + i);
                        if (!grease(a)) {
                            sigAlgs[ns++] = a;
                        }
                    }
                }
                if (et == 0 && elen >= 5) {
                    // server_name list: type(1) len(2) name
                    int q = d + 2;
                    if (m[q] == 0) {
                        int nl = u16(m, q + 1);
                        if (q + 3 + nl <= d + elen) {
                            tx.sni = java.util.Arrays.copyOfRange(m, q + 3, q + 3 + nl);
                        }
                    }
                } else if (et == 10 && elen >= 2) {
                    int gl = Math.min(u16(m, d), elen - 2);
                    for (int i = 0; i + 1 < gl; i += 2) {
                        int g = u16(m, d + 2 + i);
                        if (!grease(g)) {
                            append(curves, g);
                        }
                    }
                } else if (et == 11 && elen >= 1) {
                    int fl = Math.min(m[d] & 0xFF, elen - 1);
                    for (int i = 0; i < fl; i++) {
                        append(formats, m[d + 1 + i] & 0xFF);
                    }
                } else if (et == 43 && elen >= 1) {
                    int vl = Math.min(m[d] & 0xFF, elen - 1);
                    for (int i = 0; i + 1 < vl; i += 2) {
                        int v = u16(m, d + 1 + i);
                        if (!grease(v) && v > best && v <= 0x0304) {
                            best = v;
                        }
                    }
                }
                p = d + elen;
            }
        }
        tx.clientHelloSeen = true;
        tx.clientVersion = best;
        tx.ja3String = legacy + "," + ciphers + "," + exts + "," + curves + "," + formats;
        tx.ja3Hash = md5(tx.ja3String);
        tx.ja4 = Ja4.of(best, sniSeen, ja4Ciphers, nc, ja4Exts, ne, alpn, sigAlgs, ns);
    }

    private void serverHello(byte[] m, int off, int len) throws Truncated {
        int end = off + len;
        int p = off;
        need(p + 2 + 32 + 1, end);
        int legacy = u16(m, p);
        p += 2 + 32;
        p += 1 + (m[p] & 0xFF);
        need(p + 2 + 1, end);
        int cipher = u16(m, p);
        p += 2 + 1;
        StringBuilder exts = new StringBuilder();
        int version = legacy;
        if (p + 2 <= end) {
            int el = u16(m, p);
            p += 2;
            int ee = Math.min(end, p + el);
            while (p + 4 <= ee) {
                int et = u16(m, p), elen = u16(m, p + 2);
                if (p + 4 + elen > ee) {
                    break;
                }
                append(exts, et);
                if (et == 43 && elen == 2) {
                    version = u16(m, p + 4);
                }
                p += 4 + elen;
            }
        }
        tx.serverHelloSeen = true;
        tx.serverVersion = version;
        tx.ja3sString = legacy + "," + cipher + "," + exts;
        tx.ja3sHash = md5(tx.ja3sString);
        if (version == 0x0304) {
            tx.serverDone = true; // the rest of the server handshake is encrypted
        }
    }

    private void certificate(byte[] m, int off, int len) {
        int p = off;
        if (len < 6) {
            return;
        }
        if (tx.serverVersion == 0x0304) {
            return; // encrypted in TLS 1.3
        }
        int listEnd = Math.min(off + len, p + 3 + u24(m, p));
        p += 3;
        boolean first = true;
        while (p + 3 <= listEnd) {
            int cl = u24(m, p);
            p += 3;
            if (p + cl > listEnd) {
                anomaly.accept("tls.invalid_certificate");
                return;
            }
            if (tx.certs.size() < TlsTx.MAX_CERTS) {
                tx.certs.add(java.util.Arrays.copyOfRange(m, p, p + cl));
            } else {
                tx.certsCut++;
            }
            if (first) {
                first = false;
                X509Names names = X509Names.parse(m, p, cl);
                if (names != null) {
                    tx.certSubject = names.subject.getBytes(StandardCharsets.UTF_8);
                    tx.certIssuer = names.issuer.getBytes(StandardCharsets.UTF_8);
                    tx.certSerial = names.serial.getBytes(StandardCharsets.ISO_8859_1);
                    tx.certNotBefore = names.notBefore;
                    tx.certNotAfter = names.notAfter;
                } else {
                    anomaly.accept("tls.invalid_certificate");
                }
            }
            p += cl;
        }
        tx.certSeen = !tx.certs.isEmpty() || tx.certsCut > 0;
        if (tx.certsCut > 0) {
            anomaly.accept("tls.certificates_cut");
        }
    }

    private static int u24(byte[] b, int p) {
        return (b[p] & 0xFF) << 16 | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF);
    }

    private static void append(StringBuilder s, int v) {
        if (s.length() > 0) {
            s.append('-');
        }
        s.append(v);
    }

    static String md5(String s) {
        try {
            byte[] d = MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.ISO_8859_1));
            StringBuilder h = new StringBuilder(32);
            for (byte x : d) {
                h.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
            }
            return h.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
