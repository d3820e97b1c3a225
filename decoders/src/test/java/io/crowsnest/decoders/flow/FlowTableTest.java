package io.crowsnest.decoders.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.decoders.Packet;
import org.junit.jupiter.api.Test;

class FlowTableTest {
    private static final long A = Packet.V4_MAPPED_LO_PREFIX | 0x0A000001L; // 10.0.0.1
    private static final long B = Packet.V4_MAPPED_LO_PREFIX | 0x0A000002L; // 10.0.0.2

    private static Packet tcp(long src, int sport, long dst, int dport, int flags, long sec) {
        Packet p = new Packet(64);
        p.ipVersion = 4;
        p.ipProto = 6;
        p.l4Offset = 34;
        p.srcLo = src;
        p.dstLo = dst;
        p.srcPort = sport;
        p.dstPort = dport;
        p.tcpFlags = flags;
        p.tsSeconds = sec;
        p.wireLength = 60;
        // symmetric stand-in for FlowHash: equal for both directions
        p.flowHash = (int) (src ^ dst) ^ (sport ^ dport);
        return p;
    }

    private static Packet udp(long src, int sport, long dst, int dport, long sec) {
        Packet p = tcp(src, sport, dst, dport, 0, sec);
        p.ipProto = 17;
        return p;
    }

    private static FlowTable table(int max, boolean midstream) {
        return new FlowTable(new FlowTableConfig(max, 30, 300, 10, midstream, 8, 0), 0);
    }

    @Test
    void handshakeMakesLaterPacketsEstablishedAndDirectionsFollowTheClient() {
        FlowTable t = table(16, false);
        int syn = t.process(tcp(A, 1000, B, 80, 0x02, 1));
        Flow f = t.current();
        assertEquals(FlowFlags.TO_SERVER | FlowFlags.FIRST_IN_DIRECTION, syn);
        int synAck = t.process(tcp(B, 80, A, 1000, 0x12, 1));
        assertSame(f, t.current());
        assertEquals(FlowFlags.TO_CLIENT | FlowFlags.FIRST_IN_DIRECTION, synAck);
        int ack = t.process(tcp(A, 1000, B, 80, 0x10, 1));
        assertEquals(FlowFlags.TO_SERVER, ack, "the ACK completing the handshake is not yet established");
        int data = t.process(tcp(A, 1000, B, 80, 0x18, 1));
        assertEquals(FlowFlags.TO_SERVER | FlowFlags.ESTABLISHED, data);
        int reply = t.process(tcp(B, 80, A, 1000, 0x18, 1));
        assertEquals(FlowFlags.TO_CLIENT | FlowFlags.ESTABLISHED, reply);
        assertEquals(1, t.activeFlows());
        assertEquals(3, f.pktsToServer);
        assertEquals(2, f.pktsToClient);
    }

    @Test
    void firstSeenSynAckMakesItsReceiverTheClient() {
        FlowTable t = table(16, false);
        int flags = t.process(tcp(B, 80, A, 1000, 0x12, 1));
        assertTrue((flags & FlowFlags.TO_CLIENT) != 0);
        assertEquals(A, t.current().clientLo);
        assertEquals(1000, t.current().clientPort);
    }

    @Test
    void withoutHandshakeTcpIsNotEstablishedUnlessMidstream() {
        FlowTable strict = table(16, false);
        strict.process(tcp(A, 1000, B, 80, 0x18, 1));
        int later = strict.process(tcp(B, 80, A, 1000, 0x18, 1));
        assertEquals(0, later & FlowFlags.ESTABLISHED);

        FlowTable mid = table(16, true);
        int first = mid.process(tcp(A, 1000, B, 80, 0x18, 1));
        assertEquals(FlowFlags.ESTABLISHED, first & FlowFlags.ESTABLISHED);
    }

    @Test
    void aReversedFlowGivesLaterPacketsTheOtherDirection() {
        FlowTable t = table(16, true);
        // picked up at the server's packet: the server is taken for the client
        int first = t.process(tcp(B, 80, A, 1000, 0x18, 1));
        Flow f = t.current();
        assertEquals(FlowFlags.TO_SERVER, first & (FlowFlags.TO_SERVER | FlowFlags.TO_CLIENT));
        f.tcp = new io.crowsnest.decoders.stream.TcpSession();
        io.crowsnest.decoders.stream.TcpStream firstSpeaker = f.tcp.toServer;
        f.reverse();
        assertEquals(A, f.clientLo);
        assertEquals(1000, f.clientPort);
        assertEquals(80, f.serverPort);
        assertEquals(1, f.pktsToClient);
        assertEquals(0, f.pktsToServer);
        assertTrue(f.seenToClient && !f.seenToServer);
        assertSame(firstSpeaker, f.tcp.toClient);
        assertEquals(FlowFlags.TO_CLIENT | FlowFlags.ESTABLISHED, FlowFlags.reversed(first) & ~FlowFlags.FIRST_IN_DIRECTION);
        int next = t.process(tcp(B, 80, A, 1000, 0x18, 1));
        assertSame(f, t.current());
        assertEquals(FlowFlags.TO_CLIENT, next & (FlowFlags.TO_SERVER | FlowFlags.TO_CLIENT));
        int reply = t.process(tcp(A, 1000, B, 80, 0x10, 1));
        assertEquals(FlowFlags.TO_SERVER, reply & (FlowFlags.TO_SERVER | FlowFlags.TO_CLIENT));
    }

    @Test
    void udpIsEstablishedOnceBothDirectionsWereSeen() {
        FlowTable t = table(16, false);
        assertEquals(0, t.process(udp(A, 5353, B, 53, 1)) & FlowFlags.ESTABLISHED);
        assertEquals(0, t.process(udp(A, 5353, B, 53, 1)) & FlowFlags.ESTABLISHED);
        assertEquals(FlowFlags.ESTABLISHED, t.process(udp(B, 53, A, 5353, 1)) & FlowFlags.ESTABLISHED);
        assertEquals(FlowFlags.ESTABLISHED, t.process(udp(A, 5353, B, 53, 1)) & FlowFlags.ESTABLISHED);
    }

    @Test
    void capEvictsTheLeastRecentlyUsedFlowAndCountsIt() {
        FlowTable t = table(2, false);
        t.process(udp(A, 1, B, 53, 1));
        Flow first = t.current();
        long firstId = first.flowId;
        t.process(udp(A, 2, B, 53, 1));
        // touch the first two seconds later (LRU order is kept to within a second): now the
        // second is least recent
        t.process(udp(A, 1, B, 53, 3));
        t.process(udp(A, 3, B, 53, 3));
        assertEquals(1, t.flowsEvicted());
        assertEquals(2, t.activeFlows());
        t.process(udp(A, 1, B, 53, 3));
        assertEquals(firstId, t.current().flowId, "the recently used flow survived the eviction");
    }

    @Test
    void idleFlowsTimeOutAndFlowbitsDoNotLeakIntoTheirSuccessor() {
        FlowTable t = table(4, false);
        t.process(udp(A, 1, B, 53, 100));
        Flow f = t.current();
        f.setFlowbit(3);
        long id = f.flowId;
        t.process(udp(A, 9, B, 53, 100 + 31)); // new-state timeout is 30 s
        assertEquals(1, t.flowsTimedOut());
        t.process(udp(A, 1, B, 53, 100 + 31));
        Flow again = t.current();
        assertNotEquals(id, again.flowId);
        assertTrue(!again.isFlowbitSet(3));
    }

    @Test
    void flowsAreSeparatedByVlanAndTunnelId() {
        FlowTable t = table(16, false);
        Packet p1 = udp(A, 1, B, 53, 1);
        t.process(p1);
        Flow f1 = t.current();
        Packet p2 = udp(A, 1, B, 53, 1);
        p2.vlanCount = 1;
        p2.vlanIds[0] = 7;
        t.process(p2);
        assertNotSame(f1, t.current());
        Packet p3 = udp(A, 1, B, 53, 1);
        p3.tunnelId = 1111;
        t.process(p3);
        assertEquals(3, t.activeFlows());
    }

    @Test
    void packetsWithoutIpHaveNoFlow() {
        FlowTable t = table(16, false);
        Packet arp = new Packet(64);
        assertEquals(0, t.process(arp));
        assertEquals(null, t.current());
    }

    @Test
    void aSynAfterTheSessionClosedStartsANewFlow() {
        FlowTable t = table(16, false);
        t.process(tcp(A, 1000, B, 80, 0x02, 1));
        Flow first = t.current();
        long firstId = first.flowId;
        t.process(tcp(B, 80, A, 1000, 0x12, 1));
        t.process(tcp(A, 1000, B, 80, 0x10, 1));
        t.process(tcp(A, 1000, B, 80, 0x11, 1)); // FIN
        assertEquals(Flow.TCP_CLOSING, first.tcpState);
        int flags = t.process(tcp(A, 1000, B, 80, 0x02, 2)); // same ports, new SYN
        assertNotEquals(firstId, t.current().flowId);
        assertEquals(FlowFlags.TO_SERVER | FlowFlags.FIRST_IN_DIRECTION, flags);
        assertEquals(1, t.flowsReused());
        assertEquals(1, t.activeFlows());
        // a retransmitted SYN of a live handshake is not a reuse
        t.process(tcp(A, 1000, B, 80, 0x02, 2));
        assertEquals(1, t.flowsReused());
    }

    @Test
    void everyEndingFlowIsReportedOnceWithItsReasonAndFlagsBeforeItIsCleared() {
        FlowTable t = table(2, false);
        java.util.List<String> ended = new java.util.ArrayList<>();
        t.onEnd((f, reason) -> ended.add(f.serverPort + ":" + reason + ":" + Integer.toHexString(f.tcpFlagsToServer)
                + "/" + Integer.toHexString(f.tcpFlagsToClient) + ":" + f.pktsToServer));
        t.process(tcp(A, 1000, B, 80, 0x02, 1));
        t.process(tcp(B, 80, A, 1000, 0x12, 1));
        t.process(tcp(A, 1000, B, 80, 0x11, 1));   // FIN: closing
        t.process(udp(A, 5000, B, 53, 2));
        t.process(udp(A, 5001, B, 54, 3));           // third flow, cap 2: the oldest (port 80) is evicted
        assertEquals(java.util.List.of("80:" + FlowTable.END_EVICTED + ":13/12:2"), ended);
        t.process(udp(A, 5001, B, 54, 100));         // both UDP flows timed out (30 s new timeout); 54 starts again
        assertEquals("53:" + FlowTable.END_TIMEOUT + ":0/0:1", ended.get(1));
        assertEquals("54:" + FlowTable.END_TIMEOUT + ":0/0:1", ended.get(2));
        t.process(tcp(A, 2000, B, 443, 0x02, 101));
        t.process(tcp(B, 443, A, 2000, 0x04, 101)); // RST: closed
        t.process(tcp(A, 2000, B, 443, 0x02, 102)); // a new SYN on the closed 5-tuple: reuse
        assertEquals("443:" + FlowTable.END_REUSED + ":2/4:1", ended.get(3));
        t.flushAll();
        assertEquals(java.util.List.of("54:" + FlowTable.END_SHUTDOWN + ":0/0:1", "443:" + FlowTable.END_SHUTDOWN + ":2/0:1"),
                ended.subList(4, ended.size()));
        assertEquals(0, t.activeFlows());
        assertEquals(null, t.current());
    }
}
