package io.crowsnest.decoders.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TcpReassemblerTest {
    static final int SYN = 0x02, ACK = 0x10, FIN = 0x01, RST = 0x04, PSH = 0x08;

    final ByteArrayOutputStream toServer = new ByteArrayOutputStream();
    final ByteArrayOutputStream toClient = new ByteArrayOutputStream();
    long gaps;
    int closes;
    StreamConfig cfg;
    TcpReassembler r;
    Flow f;

    @BeforeEach
    void setUp() {
        cfg = StreamConfig.defaults();
        build();
    }

    void build() {
        r = new TcpReassembler(cfg, new StreamConsumer() {
            public void data(Flow flow, boolean ts, byte[] b, int off, int len) {
                (ts ? toServer : toClient).write(b, off, len);
            }

            public void gap(Flow flow, boolean ts, long len) {
                gaps += len;
            }

            public void closed(Flow flow, boolean ts) {
                closes++;
            }
        });
        f = new Flow(1, 0);
        f.proto = 6;
        f.tcpState = Flow.TCP_ESTABLISHED;
    }

    static Packet pkt(long seq, long ack, int flags, String payload) {
        byte[] data = payload.getBytes(StandardCharsets.ISO_8859_1);
        Packet p = new Packet(64 + data.length);
        p.ipVersion = 4;
        p.ipProto = 6;
        p.l4Offset = 0;
        p.tcpSeq = seq & 0xFFFFFFFFL;
        p.tcpAck = ack & 0xFFFFFFFFL;
        p.tcpFlags = flags;
        p.payloadOffset = 40;
        p.payloadLength = data.length;
        System.arraycopy(data, 0, p.data, 40, data.length);
        return p;
    }

    void handshake(long cisn, long sisn) {
        r.process(pkt(cisn, 0, SYN, ""), f, true);
        r.process(pkt(sisn, cisn + 1, SYN | ACK, ""), f, false);
        r.process(pkt(cisn + 1, sisn + 1, ACK, ""), f, true);
    }

    String ts() {
        return toServer.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void inOrderAfterHandshake() {
        handshake(1000, 5000);
        r.process(pkt(1001, 5001, ACK | PSH, "GET / HTTP/1.1\r\n"), f, true);
        r.process(pkt(1017, 5001, ACK | PSH, "Host: x\r\n\r\n"), f, true);
        r.process(pkt(5001, 1028, ACK | PSH, "HTTP/1.1 200 OK\r\n"), f, false);
        assertEquals("GET / HTTP/1.1\r\nHost: x\r\n\r\n", ts());
        assertEquals("HTTP/1.1 200 OK\r\n", toClient.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void outOfOrderIsBufferedAndDelivered() {
        handshake(1000, 5000);
        r.process(pkt(1006, 5001, ACK, "world"), f, true);
        assertEquals("", ts());
        r.process(pkt(1011, 5001, ACK, "!"), f, true);
        r.process(pkt(1001, 5001, ACK, "hello"), f, true);
        assertEquals("helloworld!", ts());
        assertEquals(2, r.stats().outOfOrder);
        assertEquals(0, r.memoryInUse() - 2 * 4096, "out-of-order buffers returned to the pool");
    }

    @Test
    void retransmissionAndOverlapFirstDataWins() {
        handshake(1000, 5000);
        r.process(pkt(1001, 5001, ACK, "abcdef"), f, true);
        r.process(pkt(1001, 5001, ACK, "abcdef"), f, true); // plain retransmission
        r.process(pkt(1004, 5001, ACK, "XYZghi"), f, true); // overlaps "def": old bytes win
        assertEquals("abcdefghi", ts());
        assertEquals(1, r.stats().retransmissions);
        assertEquals(1, r.stats().overlaps);
        // overlap among out-of-order segments: the first buffered wins
        r.process(pkt(1014, 5001, ACK, "NOP"), f, true);
        r.process(pkt(1012, 5001, ACK, "lmXXXqr"), f, true);
        r.process(pkt(1010, 5001, ACK, "jk"), f, true);
        assertEquals("abcdefghijklmNOPqr", ts());
    }

    @Test
    void gapIsSkippedWhenPeerAcksMissingBytes() {
        handshake(1000, 5000);
        r.process(pkt(1001, 5001, ACK, "aaaa"), f, true);
        r.process(pkt(1009, 5001, ACK, "cccc"), f, true); // 1005..1008 lost in capture
        assertEquals("aaaa", ts());
        r.process(pkt(5001, 1013, ACK, ""), f, false);    // server acked all
        assertEquals("aaaacccc", ts());
        assertEquals(4, gaps);
        assertEquals(1, r.stats().gaps);
    }

    @Test
    void sequenceWraparound() {
        long isn = 0xFFFFFFF0L;
        handshake(isn, 7);
        r.process(pkt(isn + 1, 8, ACK, "0123456789"), f, true);
        r.process(pkt((isn + 21) & 0xFFFFFFFFL, 8, ACK, "KLMNO"), f, true); // after the wrap, out of order
        r.process(pkt((isn + 11) & 0xFFFFFFFFL, 8, ACK, "ABCDEFGHIJ"), f, true); // crosses the wrap
        assertEquals("0123456789ABCDEFGHIJKLMNO", ts());
    }

    @Test
    void finAndRstClose() {
        handshake(1000, 5000);
        r.process(pkt(1001, 5001, ACK | FIN, "bye"), f, true);
        assertEquals(1, closes);
        r.process(pkt(5001, 1005, RST, ""), f, false);
        assertEquals(2, closes);
        r.process(pkt(1004, 5001, ACK, "late"), f, true);
        assertEquals("bye", ts());
    }

    @Test
    void depthStopsDeliveryAndIsCounted() {
        cfg.depth = 8;
        build();
        handshake(1, 1);
        r.process(pkt(2, 2, ACK, "12345"), f, true);
        r.process(pkt(7, 2, ACK, "67890"), f, true);
        r.process(pkt(12, 2, ACK, "more"), f, true);
        assertEquals("12345678", ts());
        assertEquals(1, r.stats().depthReached);
    }

    @Test
    void outOfOrderCapDropsAreCountedNotFatal() {
        cfg.maxOutOfOrderBytes = 10;
        build();
        handshake(1, 1);
        r.process(pkt(100, 2, ACK, "0123456789"), f, true);
        r.process(pkt(200, 2, ACK, "overflowing"), f, true);
        assertEquals(1, r.stats().oooCapDrops);
        assertTrue(r.memoryInUse() < 64 * 1024);
    }

    @Test
    void midstreamPickupOnlyWhenEnabled() {
        f.tcpState = Flow.TCP_ESTABLISHED;
        r.process(pkt(500, 900, ACK, "nohandshake"), f, true);
        assertEquals("", ts());
        cfg.midstream = true;
        build();
        f.midstream = true;
        r.process(pkt(500, 900, ACK, "mid"), f, true);
        r.process(pkt(503, 900, ACK, "stream"), f, true);
        assertEquals("midstream", ts());
        assertEquals(1, r.stats().midstreamPickups);
    }

    @Test
    void rawWindowKeepsTailAndMarksNewBytes() {
        cfg.rawWindow = 256;
        build();
        handshake(1, 1);
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            big.append((char) ('a' + i % 26));
        }
        r.process(pkt(2, 2, ACK, big.toString()), f, true);
        TcpStream s = f.tcp.toServer;
        assertEquals(256, s.windowLength());
        r.process(pkt(302, 2, ACK, "XY"), f, true);
        assertEquals(256, s.windowLength());
        assertEquals(2, s.windowNew());
        assertEquals("XY", new String(s.window(), 254, 2, StandardCharsets.ISO_8859_1));
        f.clear();
        assertEquals(0, r.memoryInUse());
    }

    @Test
    void rawWindowHoldsTheConfiguredSizeNotItsBuffersSizeClass() {
        cfg.rawWindow = 100; // the pool hands out a 256-byte buffer for it
        build();
        handshake(1, 1);
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            big.append((char) ('a' + i % 26));
        }
        r.process(pkt(2, 2, ACK, big.toString()), f, true);
        TcpStream s = f.tcp.toServer;
        assertEquals(100, s.windowLength());
        assertEquals(big.substring(200), new String(s.window(), 0, 100, StandardCharsets.ISO_8859_1));
        r.process(pkt(302, 2, ACK, "XY"), f, true);
        assertEquals(100, s.windowLength());
        assertEquals(big.substring(202) + "XY", new String(s.window(), 0, 100, StandardCharsets.ISO_8859_1));
    }

    @Test
    void dataOnARetransmittedSynAfterTheDirectionClosedIsNotDelivered() {
        handshake(1000, 5000);
        r.process(pkt(5001, 1001, RST | ACK, ""), f, false);
        assertEquals(2, closes);
        // the server's SYN/ACK again, now carrying data (TCP fast open): the direction already ended
        r.process(pkt(5000, 1001, SYN | ACK, "late"), f, false);
        assertEquals("", toClient.toString(StandardCharsets.ISO_8859_1));
    }
}
