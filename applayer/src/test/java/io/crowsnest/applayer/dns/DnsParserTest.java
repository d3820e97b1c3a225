package io.crowsnest.applayer.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.applayer.Buf;
import io.crowsnest.applayer.Slice;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DnsParserTest {
    static byte[] query(int id, String name, int type, boolean response) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(id >> 8);
        o.write(id);
        o.write(response ? 0x81 : 0x01);
        o.write(response ? 0x80 : 0x00);
        o.write(0); o.write(1); // qd
        o.write(0); o.write(response ? 1 : 0); // an
        o.write(0); o.write(0);
        o.write(0); o.write(1); // ar: OPT
        for (String l : name.split("\\.")) {
            o.write(l.length());
            o.writeBytes(l.getBytes());
        }
        o.write(0);
        o.write(0); o.write(type); o.write(0); o.write(1);
        if (response) {
            o.write(0xC0); o.write(12); // pointer to the question name
            o.write(0); o.write(1); o.write(0); o.write(1);
            o.write(0); o.write(0); o.write(0x0e); o.write(0x10);
            o.write(0); o.write(4);
            o.write(93); o.write(184); o.write(216); o.write(34);
        }
        o.write(0); o.write(0); o.write(41); o.write(0x10); o.write(0); // OPT, udp size 4096
        o.write(0); o.write(0); o.write(0x80); o.write(0); o.write(0); o.write(0);
        return o.toByteArray();
    }

    @Test
    void anAnswerWithoutItsQueryClosesItsOwnTransactionAndAQueryAloneStaysOpen() {
        DnsParser p = new DnsParser((tx, ts) -> { }, e -> { });
        byte[] a = query(0x7777, "big.svc.lab", 255, true);
        p.datagram(false, a, 0, a.length);
        byte[] q = query(0x8888, "x.tunnel.lab", 16, false);
        p.datagram(true, q, 0, q.length);
        java.util.Iterator<DnsTx> it = p.transactions().iterator();
        DnsTx unsolicited = it.next(), open = it.next();
        assertTrue(unsolicited.complete(), "a response alone is a finished transaction (nobody asked for it here)");
        assertEquals(null, unsolicited.request);
        assertTrue(!open.complete());
    }

    @Test
    void queryAnswerPairingAndEdns() {
        List<Object> updated = new ArrayList<>();
        DnsParser p = new DnsParser((tx, ts) -> updated.add(ts), e -> { });
        byte[] q = query(0x1234, "www.example.com", 1, false);
        byte[] a = query(0x1234, "www.example.com", 1, true);
        p.datagram(true, q, 0, q.length);
        p.datagram(false, a, 0, a.length);
        DnsTx tx = p.transactions().iterator().next();
        assertTrue(tx.complete());
        Slice s = new Slice();
        assertTrue(tx.buffer(Buf.DNS_QUERY, true, 0, s));
        assertEquals("www.example.com", s.toString());
        assertEquals("93.184.216.34", tx.response.answers.get(0).data);
        assertEquals(4096, tx.request.ednsUdpSize);
        assertTrue(tx.request.ednsDo);
        assertEquals("NOERROR", tx.eve().get("rcode"));
    }

    @Test
    void tcpLengthPrefixedInPieces() {
        DnsParser p = new DnsParser((tx, ts) -> { }, e -> { });
        byte[] q = query(7, "a.b", 28, false);
        byte[] framed = new byte[q.length + 2];
        framed[0] = (byte) (q.length >> 8);
        framed[1] = (byte) q.length;
        System.arraycopy(q, 0, framed, 2, q.length);
        for (int i = 0; i < framed.length; i++) {
            p.stream(true, framed, i, 1);
        }
        assertEquals("a.b", new String(p.transactions().iterator().next().request.questions.get(0).name));
    }

    @Test
    void malformedIsANamedAnomaly() {
        List<String> events = new ArrayList<>();
        DnsParser p = new DnsParser((tx, ts) -> { }, events::add);
        byte[] q = query(7, "loop", 1, false);
        byte[] bad = java.util.Arrays.copyOf(q, 14);
        p.datagram(true, bad, 0, bad.length);
        assertEquals(List.of("dns.malformed_data"), events);
    }
}
