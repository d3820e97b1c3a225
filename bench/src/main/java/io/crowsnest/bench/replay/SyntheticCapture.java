package io.crowsnest.bench.replay;

import io.crowsnest.capture.file.PcapWriter;
import io.crowsnest.decoders.LinkType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Generates a large, deterministic Ethernet/IPv4 capture for the replay benchmark: many
 * concurrent TCP sessions between pod addresses carrying HTTP requests and responses of
 * realistic sizes, interleaved with DNS over UDP. Checksums are left zero on purpose (like an
 * offloading capture), which {@code --checksum auto} recognises.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.crowsnest.bench.replay.SyntheticCapture OUT.pcap PACKETS}
 */
public final class SyntheticCapture {
    private static final String[] PATHS = {"/", "/index.html", "/api/v1/orders?id=%d", "/static/app.js",
        "/healthz", "/api/v1/users/%d/cart", "/login", "/metrics"};

    private final SplittableRandom random = new SplittableRandom(42);
    private final byte[] frame = new byte[1514];
    private long tsMicros = 1_795_000_000_000_000L;

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: SyntheticCapture OUT.pcap PACKETS");
            System.exit(2);
        }
        long n = Long.parseLong(args[1]);
        long written = new SyntheticCapture().write(Path.of(args[0]), n);
        System.out.println("wrote " + args[0] + ": " + written + " packets");
    }

    /** Writes at least {@code packets} packets (a session is never cut) and returns the count. */
    public long write(Path out, long packets) throws IOException {
        final int concurrent = 2048;
        long[] seqC = new long[concurrent], seqS = new long[concurrent];
        int[] stage = new int[concurrent];
        int[] port = new int[concurrent];
        long written = 0;
        try (PcapWriter w = PcapWriter.create(out, LinkType.ETHERNET)) {
            for (int i = 0; i < concurrent; i++) {
                port[i] = 20000 + i;
            }
            while (written < packets) {
                int s = random.nextInt(concurrent);
                int client = 0x0AF40100 | (s & 0xFF);         // 10.244.1.x
                int server = 0x0AF40200 | ((s >> 8) & 0x0F);  // 10.244.2.x
                if (random.nextInt(20) == 0) {
                    written += dns(w, client);
                    continue;
                }
                switch (stage[s]) {
                    case 0:
                        seqC[s] = random.nextInt() & 0xFFFFFFFFL;
                        seqS[s] = random.nextInt() & 0xFFFFFFFFL;
                        tcp(w, client, server, port[s], 80, seqC[s]++, 0, 0x02, null);
                        tcp(w, server, client, 80, port[s], seqS[s]++, seqC[s], 0x12, null);
                        tcp(w, client, server, port[s], 80, seqC[s], seqS[s], 0x10, null);
                        written += 3;
                        stage[s] = 1;
                        break;
                    case 1: {
                        byte[] req = request();
                        tcp(w, client, server, port[s], 80, seqC[s], seqS[s], 0x18, req);
                        seqC[s] += req.length;
                        int body = 200 + random.nextInt(6000);
                        byte[] head = ("HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/html\r\nContent-Length: "
                                + body + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                        int remaining = head.length + body;
                        boolean first = true;
                        while (remaining > 0) {
                            int seg = Math.min(1448, remaining);
                            byte[] payload = new byte[seg];
                            if (first) {
                                System.arraycopy(head, 0, payload, 0, Math.min(head.length, seg));
                                fillText(payload, Math.min(head.length, seg));
                                first = false;
                            } else {
                                fillText(payload, 0);
                            }
                            tcp(w, server, client, 80, port[s], seqS[s], seqC[s], 0x18, payload);
                            seqS[s] += seg;
                            remaining -= seg;
                            written++;
                        }
                        tcp(w, client, server, port[s], 80, seqC[s], seqS[s], 0x10, null);
                        written += 2;
                        if (random.nextInt(4) == 0) {
                            stage[s] = 2;
                        }
                        break;
                    }
                    default:
                        tcp(w, client, server, port[s], 80, seqC[s], seqS[s], 0x11, null);
                        tcp(w, server, client, 80, port[s], seqS[s], seqC[s] + 1, 0x11, null);
                        tcp(w, client, server, port[s], 80, seqC[s] + 1, seqS[s] + 1, 0x10, null);
                        written += 3;
                        stage[s] = 0;
                        port[s] = 20000 + (port[s] - 20000 + concurrent) % 40000;
                        break;
                }
            }
        }
        return written;
    }

    private byte[] request() {
        String path = String.format(PATHS[random.nextInt(PATHS.length)], random.nextInt(100000));
        return ("GET " + path + " HTTP/1.1\r\nHost: shop.default.svc.cluster.local\r\n"
                + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36\r\nAccept: text/html,*/*\r\n"
                + "Accept-Encoding: gzip, deflate\r\nCookie: session=" + Long.toHexString(random.nextLong()) + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private void fillText(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            b[i] = (byte) (' ' + random.nextInt(95));
        }
    }

    private int dns(PcapWriter w, int client) throws IOException {
        byte[] q = "\u0012\u0034\u0001\u0000\u0000\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0003web\u0007default\u0003svc\u0007cluster\u0005local\u0000\u0000\u0001\u0000\u0001"
                .getBytes(StandardCharsets.ISO_8859_1);
        udp(w, client, 0x0AF4000A, 30000 + random.nextInt(30000), 53, q);
        return 1;
    }

    private void tcp(PcapWriter w, int src, int dst, int sport, int dport, long seq, long ack, int flags, byte[] payload)
            throws IOException {
        int plen = payload == null ? 0 : payload.length;
        int ipLen = 20 + 20 + plen;
        ethIp(src, dst, 6, ipLen);
        int o = 34;
        put16(o, sport);
        put16(o + 2, dport);
        put32(o + 4, seq);
        put32(o + 8, ack);
        frame[o + 12] = 0x50;
        frame[o + 13] = (byte) flags;
        put16(o + 14, 64240);
        put16(o + 16, 0);
        put16(o + 18, 0);
        if (plen > 0) {
            System.arraycopy(payload, 0, frame, o + 20, plen);
        }
        emit(w, 14 + ipLen);
    }

    private void udp(PcapWriter w, int src, int dst, int sport, int dport, byte[] payload) throws IOException {
        int ipLen = 20 + 8 + payload.length;
        ethIp(src, dst, 17, ipLen);
        put16(34, sport);
        put16(36, dport);
        put16(38, 8 + payload.length);
        put16(40, 0);
        System.arraycopy(payload, 0, frame, 42, payload.length);
        emit(w, 14 + ipLen);
    }

    private void ethIp(int src, int dst, int proto, int ipLen) {
        for (int i = 0; i < 12; i++) {
            frame[i] = (byte) (i < 6 ? 0x02 : 0x12);
        }
        put16(12, 0x0800);
        frame[14] = 0x45;
        frame[15] = 0;
        put16(16, ipLen);
        put16(18, random.nextInt(65536));
        put16(20, 0x4000);
        frame[22] = 64;
        frame[23] = (byte) proto;
        put16(24, 0);
        put32(26, src & 0xFFFFFFFFL);
        put32(30, dst & 0xFFFFFFFFL);
    }

    private void emit(PcapWriter w, int len) throws IOException {
        tsMicros += 1 + random.nextInt(20);
        w.write(tsMicros / 1_000_000, (int) (tsMicros % 1_000_000) * 1000, frame, 0, len);
    }

    private void put16(int at, int v) {
        frame[at] = (byte) (v >>> 8);
        frame[at + 1] = (byte) v;
    }

    private void put32(int at, long v) {
        frame[at] = (byte) (v >>> 24);
        frame[at + 1] = (byte) (v >>> 16);
        frame[at + 2] = (byte) (v >>> 8);
        frame[at + 3] = (byte) v;
    }
}
