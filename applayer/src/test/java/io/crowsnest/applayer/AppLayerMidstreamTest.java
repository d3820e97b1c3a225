package io.crowsnest.applayer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.applayer.http.HttpTx;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.decoders.flow.FlowFlags;
import io.crowsnest.decoders.flow.FlowTable;
import io.crowsnest.decoders.flow.FlowTableConfig;
import io.crowsnest.decoders.stream.StreamConfig;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A TCP flow picked up mid-stream at a server's packet (suricata-verify bug-7552: only the HTTP response
 * was captured): the app layer finds a status line coming from the side taken for the client and reverses
 * the flow, so the response is parsed as a response and the packet is inspected to_client.
 */
class AppLayerMidstreamTest {
    static final long CLIENT = Packet.V4_MAPPED_LO_PREFIX | 0x7F000001L, SERVER = Packet.V4_MAPPED_LO_PREFIX | 0x7F000002L;

    static Packet tcp(long src, int sport, long dst, int dport, long seq, String payload) {
        byte[] data = payload.getBytes(StandardCharsets.ISO_8859_1);
        Packet p = new Packet(64 + data.length);
        p.ipVersion = 4;
        p.ipProto = 6;
        p.l4Offset = 20;
        p.srcLo = src;
        p.dstLo = dst;
        p.srcPort = sport;
        p.dstPort = dport;
        p.tcpSeq = seq;
        p.tcpAck = 1;
        p.tcpFlags = 0x18;
        p.wireLength = 60 + data.length;
        p.flowHash = (int) (src ^ dst) ^ (sport ^ dport);
        p.payloadOffset = 40;
        p.payloadLength = data.length;
        System.arraycopy(data, 0, p.data, 40, data.length);
        return p;
    }

    @Test
    void aResponseSeenFirstReversesTheFlow() {
        FlowTable flows = new FlowTable(new FlowTableConfig(16, 30, 300, 10, true, 8, 0), 0);
        StreamConfig sc = StreamConfig.defaults();
        sc.midstream = true;
        AppLayer app = new AppLayer(sc);

        Packet resp = tcp(SERVER, 8080, CLIENT, 51297, 1000, "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\n");
        int flags = flows.process(resp);
        Flow f = flows.current();
        assertTrue((flags & FlowFlags.TO_SERVER) != 0, "the first packet's sender is taken for the client");
        AppLayerState st = app.process(resp, f, flags);
        assertTrue(st.reversedThisPacket());
        assertEquals(AppProto.HTTP, st.proto);
        assertEquals(51297, f.clientPort);
        HttpTx tx = (HttpTx) st.currentTx();
        assertEquals(200, tx.status);
        assertFalse(st.updatedToServer(st.updatedCount() - 1), "touched as a response");

        // the rest of the response comes in order on the same (now server-to-client) stream
        Packet more = tcp(SERVER, 8080, CLIENT, 51297, 1000 + resp.payloadLength, "Hello");
        int moreFlags = flows.process(more);
        assertTrue((moreFlags & FlowFlags.TO_CLIENT) != 0);
        st = app.process(more, f, moreFlags);
        assertFalse(st.reversedThisPacket());
        assertEquals("Hello", tx.responseBody.toString());
        assertTrue(tx.responseComplete);
    }

    @Test
    void aRequestSeenFirstDoesNot() {
        FlowTable flows = new FlowTable(new FlowTableConfig(16, 30, 300, 10, true, 8, 0), 0);
        StreamConfig sc = StreamConfig.defaults();
        sc.midstream = true;
        AppLayer app = new AppLayer(sc);
        Packet req = tcp(CLIENT, 51297, SERVER, 8080, 1000, "GET / HTTP/1.1\r\n\r\n");
        int flags = flows.process(req);
        AppLayerState st = app.process(req, flows.current(), flags);
        assertFalse(st.reversedThisPacket());
        assertEquals(51297, flows.current().clientPort);
    }
}
