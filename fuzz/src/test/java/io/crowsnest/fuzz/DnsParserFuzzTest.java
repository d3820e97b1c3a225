package io.crowsnest.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.crowsnest.applayer.AppProto;
import io.crowsnest.applayer.dns.DnsParser;
import io.crowsnest.applayer.dns.DnsTx;

/**
 * The DNS parser on arbitrary pieces ({@link Pieces}): each piece is a UDP datagram to one parser and the
 * next bytes of a TCP stream (length-prefixed messages) to another. Malformed messages are named
 * {@code dns.*} anomalies; at most 64 transactions are kept.
 */
class DnsParserFuzzTest {
    @FuzzTest(maxDuration = "5m")
    void datagramsAndStream(byte[] input) {
        run(input, false);
    }

    /** Runs both parsers on the input; returns what the UDP one or the TCP one ({@code stream}) reported. */
    static ParserChecks run(byte[] input, boolean stream) {
        ParserChecks udpChecks = new ParserChecks(AppProto.DNS, "dns"), tcpChecks = new ParserChecks(AppProto.DNS, "dns");
        DnsParser udp = new DnsParser(udpChecks.updated, udpChecks.anomaly);
        DnsParser tcp = new DnsParser(tcpChecks.updated, tcpChecks.anomaly);
        Pieces.feed(input, (toServer, b, off, len) -> {
            udp.datagram(toServer, b, off, len);
            tcp.stream(toServer, b, off, len);
        });
        bounded(udp);
        bounded(tcp);
        return stream ? tcpChecks : udpChecks;
    }

    private static void bounded(DnsParser p) {
        int n = 0;
        for (DnsTx tx : p.transactions()) {
            n++;
        }
        if (n > 64) {
            throw new AssertionError(n + " DNS transactions kept");
        }
    }
}
