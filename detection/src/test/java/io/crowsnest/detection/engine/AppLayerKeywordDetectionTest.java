package io.crowsnest.detection.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crowsnest.decoders.Packet;
import io.crowsnest.detection.TestSupport;
import io.crowsnest.detection.TlsRecords;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Valued app-layer keywords (tls.version, dns.opcode/rcode/rrtype), tls.certs, http.start / accept
 * buffers and mixed-direction HTTP rules, through flow table → reassembly → real parsers → engine.
 */
class AppLayerKeywordDetectionTest {
    int serverPort = 443;
    TcpConversation c;

    void setUp(String rules) {
        c = new TcpConversation(TestSupport.harness(rules), 40000, serverPort);
    }

    Packet seg(boolean toServer, int flags, byte[] payload) {
        return c.seg(toServer, flags, payload);
    }

    List<Long> send(Packet p) {
        return c.send(p);
    }

    List<Long> data(boolean toServer, byte[] b) {
        return send(seg(toServer, 0x18, b));
    }

    List<Long> data(boolean toServer, String s) {
        return data(toServer, s.getBytes(StandardCharsets.ISO_8859_1));
    }

    void handshake() {
        c.handshake();
    }

    List<Long> dns(boolean toServer, byte[] msg) {
        String s = new String(msg, StandardCharsets.ISO_8859_1);
        Packet p = toServer ? TestSupport.udp("10.0.0.1", 5353, "10.0.0.53", 53, s)
                : TestSupport.udp("10.0.0.53", 53, "10.0.0.1", 5353, s);
        p.flowHash = 53;
        return send(p);
    }

    long count(long sid) {
        return c.count(sid);
    }

    static byte[] serverFlight(int legacy, int sv, byte[]... certs) {
        if (certs.length == 0) {
            return TlsRecords.record(2, TlsRecords.serverHelloBody(legacy, sv));
        }
        return TlsRecords.record(2, TlsRecords.serverHelloBody(legacy, sv), 11, TlsRecords.certificateBody(certs),
                14, new byte[0]);
    }

    @Test
    void tlsVersionReadsTheClientsVersionToServerAndTheServersToClient() {
        setUp("alert tls any any -> any any (flow:to_client; tls.version:1.2; sid:1;)\n"
                + "alert tls any any -> any any (flow:to_server; tls.version:1.3; sid:2;)\n"
                + "alert tls any any -> any any (tls.version:1.0; sid:3;)\n"
                + "alert tls any any -> any any (flow:to_server; tls.version:0x0303; sid:4;)\n"
                + "alert tls any any -> any any (tls.version:\"1.2\"; sid:5;)\n");
        handshake();
        // the client offers 1.3 (supported_versions) over legacy 1.2; the server picks 1.2
        assertEquals(List.of(2L), data(true, TlsRecords.clientHello(0x0303, "a.example", 0x0304, 0x0303)));
        assertEquals(List.of(1L, 5L), data(false, serverFlight(0x0303, 0)));
        assertEquals(0, count(3));
        assertEquals(0, count(4), "raw 0x0303 is not the client's 0x0304");
    }

    @Test
    void tlsVersionTreatsDraftsAs13UnlessRaw() {
        setUp("alert tls any any -> any any (flow:to_client; tls.version:1.3; sid:1;)\n"
                + "alert tls any any -> any any (flow:to_client; tls.version:0x7f1c; sid:2;)\n"
                + "alert tls any any -> any any (flow:to_client; tls.version:0x0304; sid:3;)\n");
        handshake();
        data(true, TlsRecords.clientHello(0x0303, "d.example", 0x7f1c));
        assertEquals(List.of(1L, 2L), data(false, serverFlight(0x0303, 0x7f1c)));
    }

    @Test
    void tlsCertsMatchesAnyCertificateOfTheChainOnce() {
        setUp("alert tls any any -> any any (flow:to_client; tls.certs; content:\"c2.example.test\"; sid:1;)\n"
                + "alert tls any any -> any any (tls.certs; content:\"Crowsnest Test Root\"; sid:2;)\n"
                + "alert tls any any -> any any (tls.certs; content:\"|30 82|\"; startswith; sid:3;)\n"
                + "alert tls any any -> any any (tls.certs; content:\"not in any cert\"; sid:4;)\n"
                + "alert tls any any -> any any (flow:to_server; tls.certs; content:\"c2\"; sid:5;)\n");
        handshake();
        assertEquals(List.of(), data(true, TlsRecords.clientHello(0x0303, "c2.example.test")));
        byte[] leaf = TlsRecords.der("leaf.der"), ca = TlsRecords.der("ca.der");
        // the CA (second certificate) alone holds the root name as its subject, the leaf as its issuer
        // each buffer instance is one whole DER certificate: SEQUENCE with a two-byte length (> 255 bytes)
        assertEquals(List.of(1L, 2L, 3L), data(false, serverFlight(0x0303, 0, leaf, ca)));
        assertEquals(0, count(4));
        assertEquals(0, count(5), "to_server: the certificates are the server's");
        data(false, new byte[] {20, 3, 3, 0, 1, 1}); // ChangeCipherSpec: same transaction, no second alert
        assertEquals(1, count(1));
        assertEquals(1, count(2));
    }

    @Test
    void dnsHeaderKeywordsReadTheMessageOfTheDirection() {
        setUp("alert dns any any -> any any (dns.opcode:!0; sid:1;)\n"
                + "alert dns any any -> any any (dns.opcode:5; flow:to_server; sid:2;)\n"
                + "alert dns any any -> any any (dns.rcode:nxdomain; sid:3;)\n"
                + "alert dns any any -> any any (dns.rrtype:TXT; sid:4;)\n"
                + "alert dns any any -> any any (dns.rrtype:!0-17; sid:5;)\n"
                + "alert dns any any -> any any (dns.opcode:0; dns.rrtype:1; sid:6;)\n"
                + "alert udp any any -> any any (dns.query; content:\"evil\"; dns.rrtype:16; sid:7;)\n");
        // a standard A query and its NXDOMAIN answer
        assertEquals(List.of(6L), dns(true, TlsRecords.dns(1, 0x0100, "www.example.org", 1)));
        assertEquals(List.of(3L, 6L), dns(false, TlsRecords.dns(1, 0x8183, "www.example.org", 1)));
        // an UPDATE (opcode 5) for a TXT name
        assertEquals(List.of(1L, 2L, 4L, 7L), dns(true, TlsRecords.dns(2, 0x2800, "evil.example.org", 16)));
        // an AAAA query (28): outside 0-17 (Suricata ranges are exclusive: 1-16)
        assertEquals(List.of(5L), dns(true, TlsRecords.dns(3, 0x0100, "v6.example.org", 28)));
    }

    @Test
    void httpStartAndAcceptBuffers() {
        serverPort = 80;
        setUp("alert http any any -> any any (flow:established,to_server; http.start; "
                + "content:\"GET / HTTP/1.1|0d 0a|Host|3a 20|google.com|0d 0a 0d 0a|\"; depth:36; endswith; sid:1;)\n"
                + "alert http any any -> any any (flow:established,to_client; http.start; "
                + "content:\"Set-Cookie|3a 20|yatutuzebil=1|3b|\"; fast_pattern; sid:2;)\n"
                + "alert http any any -> any any (http.accept_enc; content:\",|20|,\"; sid:3;)\n"
                + "alert http any any -> any any (http.accept_lang; content:\"en-US\"; bsize:5; sid:4;)\n"
                + "alert http any any -> any any (flow:to_server; http.start; content:\"Set-Cookie\"; sid:5;)\n");
        handshake();
        assertEquals(List.of(1L), data(true, "GET / HTTP/1.1\r\nHost: google.com\r\n\r\n"));
        assertEquals(List.of(2L), data(false, "HTTP/1.1 200 OK\r\nSet-Cookie: yatutuzebil=1; path=/\r\n"
                + "Content-Length: 0\r\n\r\n"));
        assertEquals(List.of(3L, 4L), data(true, "GET /x HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip, , br\r\n"
                + "Accept-Language: en-US\r\n\r\n"));
        assertEquals(0, count(5));
    }

    @Test
    void toClientRuleReadsTheRequestBuffersOfTheSameTransaction() {
        serverPort = 80;
        setUp("alert http any any -> any any (flow:established,to_client; http.method; content:\"POST\"; "
                + "file.data; content:\"secret\"; sid:1;)\n"
                + "alert http any any -> any any (flow:established,from_server; http.uri; content:\"/upload\"; "
                + "http.stat_code; content:\"200\"; sid:2;)\n"
                + "alert http any any -> any any (flow:to_client; http.method; content:\"GET\"; sid:3;)\n");
        handshake();
        assertEquals(List.of(), data(true, "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\nsecret"));
        assertEquals(List.of(1L, 2L), data(false, "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nsecret ok"));
        assertEquals(0, count(3), "the method was POST");
        // the request body alone does not satisfy file.data on the response side
        data(true, "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\nsecret");
        data(false, "HTTP/1.1 500 Oops\r\nContent-Length: 2\r\n\r\nno");
        assertEquals(1, count(1));
        assertEquals(1, count(2));
    }

    @Test
    void appLayerEventOnTheTransactionTheParserFlagged() {
        serverPort = 80;
        setUp("alert http any any -> any any (flow:established,to_server; "
                + "app-layer-event:http.invalid_transfer_encoding_value_in_request; content:\"/tmui/\"; sid:1;)\n"
                + "alert http any any -> any any (app-layer-event:http.request_field_too_long; sid:2;)\n");
        handshake();
        assertEquals(List.of(), data(true, "POST /tmui/a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
        assertEquals(List.of(1L), data(true, "POST /tmui/login.jsp HTTP/1.1\r\nTransfer-Encoding: chunked, chunked\r\n"
                + "\r\n0\r\n\r\n"));
        // an event no Crowsnest parser raises keeps its rule waiting, not silently never matching
        assertEquals(true, c.h.engine.isParked(c.h.engine.signatures().stream().filter(x -> x.sid() == 2).findFirst()
                .orElseThrow()));
    }

    @Test
    void ftpbounceIsAPortCommandNamingAnotherHost() {
        serverPort = 21;
        setUp("alert tcp any any -> any 21 (flow:to_server,established; content:\"PORT\"; nocase; ftpbounce; "
                + "pcre:\"/^PORT/smi\"; sid:1;)\n");
        handshake();
        data(false, "220 FTP server ready\r\n");
        assertEquals(List.of(), data(true, "PORT 10,0,0,1,156,64\r\n"), "the client's own address");
        data(false, "200 PORT command successful\r\n");
        assertEquals(List.of(1L), data(true, "PORT 192,168,7,9,0,21\r\n"));
        data(false, "200 PORT command successful\r\n");
        assertEquals(List.of(), data(true, "PORT 300,1,1,1,0,21\r\n"), "not an address");
    }

    @Test
    void sshBannerVersionKeywords() {
        serverPort = 22;
        setUp("alert ssh any any -> any any (flow:to_client; ssh.protoversion:2_compat; sid:1;)\n"
                + "alert ssh any any -> any any (flow:to_server; ssh.protoversion:2.0; sid:2;)\n"
                + "alert ssh any any -> any any (flow:to_server; ssh.protoversion:\"1.99\"; sid:3;)\n"
                + "alert ssh any any -> any any (ssh.softwareversion:\"PuTTY\"; sid:4;)\n"
                + "alert ssh any any -> any any (ssh.softwareversion:OpenSSH_8; sid:5;)\n"
                + "alert ssh any any -> any any (flow:to_client; ssh.softwareversion:OpenSSH_7.4; sid:6;)\n");
        handshake();
        assertEquals(List.of(2L, 4L), data(true, "SSH-2.0-PuTTY_Release_0.64\r\n"));
        assertEquals(List.of(1L, 6L), data(false, "SSH-1.99-OpenSSH_7.4\r\n"));
        assertEquals(0, count(3) + count(5));
    }

    @Test
    void certificateValidityAgainstThePacketTime() {
        setUp("alert tls any any -> any any (flow:to_client; tls_cert_valid; sid:1;)\n"
                + "alert tls any any -> any any (tls_cert_expired; sid:2;)\n"
                + "alert tls any any -> any any (tls_cert_notbefore:>2026-11-24T02:45; sid:3;)\n");
        handshake();
        data(true, TlsRecords.clientHello(0x0303, "c2.example.test"));
        // the packets are stamped 2023-11-14; the leaf is valid until 2027-11-24
        assertEquals(List.of(1L, 3L), data(false, serverFlight(0x0303, 0, TlsRecords.der("leaf.der"))));
        assertEquals(0, count(2));
    }
}
