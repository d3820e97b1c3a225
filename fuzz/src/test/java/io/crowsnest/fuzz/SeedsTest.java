package io.crowsnest.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.applayer.AppLayer;
import io.crowsnest.applayer.AppProto;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The committed seeds are what make the build's replay worth something: each parser seed (a real capture's
 * conversation, make_seeds.py) must give the parser transactions and no anomaly, each reassembler seed must
 * deliver bytes and get its protocol detected. A seed that stopped meaning anything (a changed input form)
 * fails here instead of silently replaying noise.
 */
class SeedsTest {
    private static final Map<String, Function<byte[], ParserChecks>> PARSERS = Map.of(
            "HttpParserFuzzTest/feedPieces/zeek-http-get", HttpParserFuzzTest::run,
            "TlsParserFuzzTest/handshake/zeek-tls-chrome-34-google", TlsParserFuzzTest::run,
            "DnsParserFuzzTest/datagramsAndStream/udp", in -> DnsParserFuzzTest.run(in, false),
            "DnsParserFuzzTest/datagramsAndStream/tcp-framed", in -> DnsParserFuzzTest.run(in, true),
            "SshParserFuzzTest/banners/zeek-sshguess", SshParserFuzzTest::run,
            "RedisParserFuzzTest/commandsAndReplies/zeek-redis-auth", RedisParserFuzzTest::run,
            "PgsqlParserFuzzTest/conversation/pgsql-1", PgsqlParserFuzzTest::run,
            "MysqlParserFuzzTest/conversation/mysql-1", MysqlParserFuzzTest::run,
            "FtpParserFuzzTest/conversation/zeek-ftp-bruteforce-0", FtpParserFuzzTest::run);

    static byte[] seed(String name) throws IOException {
        try (InputStream in = SeedsTest.class.getResourceAsStream(name.replaceFirst("/", "Inputs/"))) {
            if (in == null) {
                throw new IOException("no seed " + name);
            }
            return in.readAllBytes();
        }
    }

    @Test
    void parserSeedsGiveTransactionsAndNoAnomaly() throws IOException {
        for (Map.Entry<String, Function<byte[], ParserChecks>> e : PARSERS.entrySet()) {
            ParserChecks c = e.getValue().apply(seed(e.getKey()));
            assertFalse(c.transactions.isEmpty(), e.getKey() + ": no transaction");
            assertEquals(java.util.List.of(), c.anomalies, e.getKey());
        }
    }

    @Test
    void reassemblerSeedsDeliverAndDetect() throws IOException {
        Map<String, Integer> seeds = Map.of("http", AppProto.HTTP, "http-reordered", AppProto.HTTP,
                "tls", AppProto.TLS, "ftp", AppProto.FTP, "mysql", AppProto.MYSQL, "redis-midstream", AppProto.REDIS);
        for (Map.Entry<String, Integer> e : seeds.entrySet()) {
            AppLayer app = new TcpReassemblerFuzzTest().run(seed("TcpReassemblerFuzzTest/segments/" + e.getKey()));
            assertTrue(app.reassembler().stats().bytesDelivered > 0, e.getKey() + ": nothing delivered");
            assertEquals(1, app.flowsDetected(e.getValue()), e.getKey() + ": protocol not detected");
            assertEquals(Map.of(), app.anomalyCounts(), e.getKey());
        }
    }

    @Test
    void defragSeedsReassembleUnderEveryPolicy() throws IOException {
        for (String policy : new String[] {"first", "last", "bsd", "bsd-right", "linux", "windows", "solaris"}) {
            for (String v : new String[] {"ipv4", "ipv6"}) {
                String name = "DefragmenterFuzzTest/fragments/sturges-novak-" + policy + "-" + v;
                assertEquals(1, DefragmenterFuzzTest.run(seed(name)), name + ": one datagram, as the plain port");
            }
        }
    }
}
