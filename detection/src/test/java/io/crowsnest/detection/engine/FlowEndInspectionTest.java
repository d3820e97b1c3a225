package io.crowsnest.detection.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.detection.TestSupport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A flow's end inspects, once more, the raw stream data its peer never acknowledged (and nothing else). */
class FlowEndInspectionTest {
    static final String RULES = "alert tcp any any -> any any (content:\"GET \"; depth:4; content:\"HTTP/1.\"; "
            + "byte_test:1,>=,0,0,relative,string,dec; sid:5;)\n";

    static List<Long> end(TcpConversation c) {
        Flow f = c.flows.current();
        List<Long> out = new ArrayList<>();
        c.h.ctx.inspectFlowEnd(f, (p, fl, s, ff) -> out.add(s.sid()));
        return out;
    }

    @Test
    void dataThePeerNeverAcknowledgedIsInspectedAgainAtTheEnd() {
        TcpConversation c = new TcpConversation(TestSupport.harness(RULES), 42000, 80);
        c.handshake();
        assertEquals(List.of(5L), c.send(true, 0x18, "GET /x HTTP/1.0\r\nHost: a\r\n\r\n"));
        assertEquals(List.of(5L), end(c));
        assertEquals(1, c.h.ctx.flowEndInspections);
    }

    @Test
    void acknowledgedDataIsNotInspectedAgain() {
        TcpConversation c = new TcpConversation(TestSupport.harness(RULES), 42001, 80);
        c.handshake();
        assertEquals(List.of(5L), c.send(true, 0x18, "GET /x HTTP/1.0\r\nHost: a\r\n\r\n"));
        assertEquals(List.of(), c.send(false, 0x10, "")); // the server ACKs all of it
        assertEquals(List.of(), end(c));
        assertEquals(0, c.h.ctx.flowEndInspections);
    }

    @Test
    void partlyAcknowledgedDataOnlyTheTailIsInspected() {
        TcpConversation c = new TcpConversation(TestSupport.harness(RULES), 42002, 80);
        c.handshake();
        assertEquals(List.of(5L), c.send(true, 0x18, "GET /x HTTP/1.0\r\nHost: a\r\n\r\n"));
        c.send(false, 0x10, "");
        // a second request the server never acknowledged: only it is looked at again
        assertEquals(List.of(5L), c.send(true, 0x18, "GET /y HTTP/1.1\r\n\r\n"));
        assertEquals(List.of(5L), end(c));
        c = new TcpConversation(TestSupport.harness(RULES), 42003, 80);
        c.handshake();
        c.send(true, 0x18, "GET /x HTTP/1.0\r\nHost: a\r\n\r\n");
        c.send(false, 0x10, "");
        c.send(true, 0x18, "POST /y HTTP/1.1\r\n\r\n"); // unacknowledged, but no "GET " at its start
        assertEquals(List.of(), end(c));
    }

    @Test
    void aSessionThatNeverEstablishedHasNoStreamToInspect() {
        TcpConversation c = new TcpConversation(TestSupport.harness(RULES), 42004, 80);
        c.send(true, 0x02, "GET /x HTTP/1.0\r\n\r\n"); // data on a lone SYN
        assertEquals(List.of(), end(c));
    }
}
