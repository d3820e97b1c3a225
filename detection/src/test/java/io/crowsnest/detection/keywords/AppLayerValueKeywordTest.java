package io.crowsnest.detection.keywords;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.applayer.Transaction;
import io.crowsnest.applayer.dns.DnsParser;
import io.crowsnest.applayer.tls.TlsParser;
import io.crowsnest.detection.TlsRecords;
import io.crowsnest.detection.inspect.TxCondition;
import io.crowsnest.detection.rules.RuleLoadResult;
import io.crowsnest.detection.rules.RuleLoader;
import io.crowsnest.detection.rules.RuleVariables;
import io.crowsnest.detection.rules.Signature;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** tls.version and the DNS header keywords: parsing, and evaluation on transactions the real parsers built. */
class AppLayerValueKeywordTest {
    static Signature sig(String opts) {
        RuleLoadResult r = new RuleLoader().load("alert ip any any -> any any (" + opts + " sid:1;)", "k",
                RuleVariables.suricataDefaults());
        assertEquals(List.of(), r.errors(), opts);
        return r.signatures().get(0);
    }

    static String error(String opts) {
        RuleLoadResult r = new RuleLoader().load("alert ip any any -> any any (" + opts + " sid:1;)", "k",
                RuleVariables.suricataDefaults());
        assertEquals(1, r.errors().size(), () -> "expected an error for " + opts);
        return r.errors().get(0).message();
    }

    static TxCondition cond(String opts) {
        List<TxCondition> c = sig(opts).txConditions();
        assertEquals(1, c.size());
        return c.get(0);
    }

    static Transaction tls(int clientLegacy, int[] clientSv, int serverLegacy, int serverSv) {
        TlsParser p = new TlsParser((tx, ts) -> { }, e -> { });
        byte[] ch = TlsRecords.clientHello(clientLegacy, "x.example", clientSv);
        p.parse(true, ch, 0, ch.length);
        if (serverLegacy != 0) {
            byte[] sh = TlsRecords.record(2, TlsRecords.serverHelloBody(serverLegacy, serverSv));
            p.parse(false, sh, 0, sh.length);
        }
        return p.tx;
    }

    static Transaction dns(byte[] query, byte[] response) {
        List<Transaction> seen = new ArrayList<>();
        DnsParser p = new DnsParser((tx, ts) -> seen.add(tx), e -> { });
        if (query != null) {
            p.datagram(true, query, 0, query.length);
        }
        if (response != null) {
            p.datagram(false, response, 0, response.length);
        }
        return seen.get(seen.size() - 1);
    }

    @Test
    void tlsVersionValues() {
        Transaction t12 = tls(0x0303, new int[0], 0x0303, 0);
        assertTrue(cond("tls.version:1.2;").match(t12, true, null));
        assertTrue(cond("tls.version:1.2;").match(t12, false, null));
        assertFalse(cond("tls.version:1.1;").match(t12, false, null));
        Transaction t10 = tls(0x0301, new int[0], 0, 0);
        assertTrue(cond("tls.version:1.0;").match(t10, true, null));
        assertFalse(cond("tls.version:1.0;").match(t10, false, null), "no ServerHello yet: no server version");
        Transaction t13 = tls(0x0303, new int[] {0x0304, 0x0303}, 0x0303, 0x0304);
        assertTrue(cond("tls.version:1.3;").match(t13, true, null));
        assertTrue(cond("tls.version:1.3;").match(t13, false, null));
        assertTrue(cond("tls.version:0x0304;").match(t13, false, null));
        assertFalse(cond("tls.version:0x0303;").match(t13, false, null), "raw compares the version, not the legacy field");
        assertTrue(error("tls.version:1.4;").contains("tls.version"));
        assertTrue(error("tls.version:0x123;").contains("tls.version"));
        assertTrue(error("tls.version:0xzzzz;").contains("tls.version"));
    }

    @Test
    void dnsOpcodeRcodeRrtypeValues() {
        byte[] q = TlsRecords.dns(7, 0x2100, "a.example", 16); // opcode 4 (NOTIFY), RD
        byte[] r = TlsRecords.dns(7, 0xa185, "a.example", 16); // response, opcode 4, rcode 5 (REFUSED)
        Transaction tx = dns(q, r);
        assertTrue(cond("dns.opcode:4;").match(tx, true, null));
        assertTrue(cond("dns.opcode:4;").match(tx, false, null));
        assertFalse(cond("dns.opcode:!4;").match(tx, true, null));
        assertTrue(cond("dns.opcode:3-5;").match(tx, true, null));
        assertFalse(cond("dns.opcode:!3-5;").match(tx, true, null));
        assertTrue(cond("dns.opcode:>3;").match(tx, true, null));
        assertTrue(cond("dns.rcode:refused;").match(tx, false, null));
        assertTrue(cond("dns.rcode:5;").match(tx, false, null));
        assertFalse(cond("dns.rcode:5;").match(tx, true, null), "the query's rcode is 0");
        assertTrue(cond("dns.rcode:!nxdomain;").match(tx, false, null));
        assertTrue(cond("dns.rrtype:TXT;").match(tx, true, null));
        assertTrue(cond("dns.rrtype:16;").match(tx, false, null));
        assertFalse(cond("dns.rrtype:1;").match(tx, true, null));
        Transaction onlyQuery = dns(q, null);
        assertFalse(cond("dns.opcode:4;").match(onlyQuery, false, null), "no response yet");
        assertTrue(error("dns.opcode:!;").contains("dns.opcode"));
        assertTrue(error("dns.opcode:256;").contains("dns.opcode"));
        assertTrue(error("dns.rcode:bogus;").contains("dns.rcode"));
        assertTrue(error("dns.rrtype:5-3;").contains("dns.rrtype"));
    }

    @Test
    void aValuedKeywordOfAnotherProtocolIsNotEvaluatedOnThisOne() {
        Transaction t = tls(0x0303, new int[0], 0x0303, 0);
        assertFalse(cond("dns.opcode:0;").match(t, true, null));
        assertFalse(cond("tls.version:1.2;").match(dns(TlsRecords.dns(1, 0x0100, "a.b", 1), null), true, null));
    }

    @Test
    void sshVersionValues() {
        io.crowsnest.applayer.ssh.SshParser p = new io.crowsnest.applayer.ssh.SshParser((tx, ts) -> { });
        byte[] c = "SSH-2.0-OpenSSH_9.6p1 Ubuntu\r\n".getBytes(), srv = "SSH-1.5-Cisco-1.25\r\n".getBytes();
        p.parse(true, c, 0, c.length);
        p.parse(false, srv, 0, srv.length);
        Transaction tx = p.tx;
        assertTrue(cond("ssh.protoversion:2_compat;").match(tx, true, null));
        assertFalse(cond("ssh.protoversion:2_compat;").match(tx, false, null), "1.5 is not 2-compatible");
        assertTrue(cond("ssh.protoversion:\"1.5\";").match(tx, false, null));
        assertFalse(cond("ssh.protoversion:2;").match(tx, true, null), "exact, not a prefix");
        assertTrue(cond("ssh.softwareversion:OpenSSH_9;").match(tx, true, null), "a prefix");
        assertFalse(cond("ssh.softwareversion:OpenSSH_9;").match(tx, false, null));
        assertTrue(error("ssh.softwareversion:\"\";").contains("ssh.softwareversion"));
    }

    @Test
    void sslVersionLists() {
        Transaction t = tls(0x0301, new int[0], 0x0303, 0); // client TLS 1.0, server chose 1.2
        assertTrue(cond("ssl_version:tls1.0;").match(t, true, null));
        assertFalse(cond("ssl_version:tls1.0;").match(t, false, null));
        assertTrue(cond("ssl_version:sslv3, tls1.2;").match(t, false, null));
        assertTrue(cond("ssl_version:TLS1.2;").match(t, false, null), "case-insensitive");
        assertFalse(cond("ssl_version:!tls1.2;").match(t, false, null), "its own version negated");
        assertFalse(cond("ssl_version:!tls1.2;").match(t, true, null), "Suricata: a negated entry only turns off");
        Transaction draft = tls(0x0303, new int[] {0x7f1c}, 0x0303, 0x7f1c);
        assertTrue(cond("ssl_version:tls1.3;").match(draft, false, null));
        assertTrue(error("ssl_version:tls1.1, !tls1.2;").contains("mixes"));
        assertTrue(error("ssl_version:tls1.1, tls1.1;").contains("twice"));
        assertTrue(error("ssl_version:tls2.0;").contains("unknown version"));
    }

    static Transaction tlsWithLeaf() {
        TlsParser p = new TlsParser((tx, ts) -> { }, e -> { });
        byte[] rec = TlsRecords.record(2, TlsRecords.serverHelloBody(0x0303, 0), 11,
                TlsRecords.certificateBody(TlsRecords.der("leaf.der"), TlsRecords.der("ca.der")));
        p.parse(false, rec, 0, rec.length);
        return p.tx;
    }

    static io.crowsnest.decoders.flow.Flow flowAt(long epochSeconds) {
        io.crowsnest.decoders.flow.Flow f = new io.crowsnest.decoders.flow.Flow(4, 0);
        f.lastSeenNanos = epochSeconds * 1_000_000_000L;
        return f;
    }

    @Test
    void certificateValidityKeywords() {
        // the test leaf is valid from 2026-11-24T02:45:46Z to 2027-11-24T02:45:46Z
        Transaction t = tlsWithLeaf();
        assertTrue(cond("tls_cert_notbefore:2026-11-24T02:45:46;").match(t, false, null));
        assertTrue(cond("tls_cert_notbefore:1795488346;").match(t, false, null), "epoch seconds");
        assertFalse(cond("tls_cert_notbefore:2026-11-24;").match(t, false, null), "midnight is not 02:45:46");
        assertTrue(cond("tls_cert_notbefore:>2026-11;").match(t, false, null));
        assertFalse(cond("tls_cert_notbefore:<2026-11;").match(t, false, null));
        assertTrue(cond("tls_cert_notafter:2027-01-01<>2028-01-01;").match(t, false, null));
        assertFalse(cond("tls_cert_notafter:2025-01-01<>2026-01-01;").match(t, false, null));
        assertFalse(cond("tls_cert_notafter:>2027;").match(t, true, null), "the client's certificate: none kept");
        assertTrue(cond("tls_cert_expired;").match(t, false, flowAt(1827024347L)));
        assertFalse(cond("tls_cert_expired;").match(t, false, flowAt(1827024346L)));
        assertTrue(cond("tls_cert_valid;").match(t, false, flowAt(1827024346L)));
        assertTrue(cond("tls_cert_valid;").match(t, false, flowAt(1_700_000_000L)), "Suricata checks notAfter only");
        assertFalse(cond("tls_cert_valid;").match(t, false, null));
        assertTrue(error("tls_cert_notafter:<2027<>2028;").contains("range"));
        assertTrue(error("tls_cert_notafter:2028<>2027;").contains("increasing"));
        assertTrue(error("tls_cert_notafter:2027-13-01;").contains("tls_cert_notafter"));
        assertTrue(error("tls_cert_notafter:yesterday;").contains("tls_cert_notafter"));
    }
}
