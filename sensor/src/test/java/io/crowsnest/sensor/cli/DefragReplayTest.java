package io.crowsnest.sensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crowsnest.capture.file.PcapWriter;
import io.crowsnest.decoders.LinkType;
import io.crowsnest.decoders.checksum.InternetChecksum;
import io.crowsnest.sensor.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IP defragmentation end to end: a fragmented DNS answer replayed through the CLI is parsed and counted in its flow. */
class DefragReplayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] CLIENT = {(byte) 192, 0, 2, 10};
    private static final byte[] SERVER = {(byte) 192, 0, 2, 53};

    private static List<JsonNode> eve(Path out, String type) throws IOException {
        List<JsonNode> l = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("eve.json"))) {
            JsonNode n = JSON.readTree(line);
            if (type.equals(n.path("event_type").asText())) {
                l.add(n);
            }
        }
        return l;
    }

    @Test
    void fragmentedDnsAnswerIsReassembledParsedAndCountedInItsFlow(@TempDir Path out) throws IOException {
        byte[] query = dns(0x4d2, false, 0);
        byte[] answer = dns(0x4d2, true, 12); // 12 TXT records of 250 bytes: ~3.1 KB, three fragments
        byte[] answerUdp = udp(SERVER, CLIENT, 53, 40000, answer);
        Path pcap = out.resolve("frag-dns.pcap");
        try (PcapWriter w = PcapWriter.create(pcap, LinkType.ETHERNET)) {
            byte[] q = ipv4(CLIENT, SERVER, 1, 0, false, udp(CLIENT, SERVER, 40000, 53, query));
            w.write(1_700_000_000L, 0, q, 0, q.length);
            int ns = 1000;
            for (int off = 0; off < answerUdp.length; off += 1480) {
                byte[] f = ipv4(SERVER, CLIENT, 0x77, off, off + 1480 < answerUdp.length,
                        Arrays.copyOfRange(answerUdp, off, Math.min(off + 1480, answerUdp.length)));
                w.write(1_700_000_000L, ns += 1000, f, 0, f.length);
            }
        }
        CliRun cli = new CliRun();
        assertEquals(0, cli.run("replay", "--no-default-rules", "--eve-types", "dns,flow", "--out", out.resolve("o").toString(),
                pcap.toString()), cli.err);
        assertTrue(cli.out.contains("defrag.ipv4.reassembled"), cli.out);
        assertTrue(cli.out.contains("3  defrag.ipv4.fragments"), cli.out);
        // the two held fragments reach a worker, are inspected as packets and kept out of flows
        assertTrue(cli.out.contains("2  fragments (inspected without a flow)"), cli.out);

        List<JsonNode> dns = eve(out.resolve("o"), "dns");
        JsonNode ans = dns.stream().filter(n -> "answer".equals(n.path("dns").path("type").asText())).findFirst().orElseThrow();
        assertEquals("192.0.2.53", ans.path("src_ip").asText());
        assertEquals(53, ans.path("src_port").asInt());
        assertEquals(40000, ans.path("dest_port").asInt());
        assertEquals(12, ans.path("dns").path("answers").size(), ans.toString());
        assertEquals("TXT", ans.path("dns").path("answers").get(11).path("rrtype").asText());
        assertEquals(4, ans.path("pcap_cnt").asInt(), "the slot of the fragment that completed the datagram");

        List<JsonNode> flows = eve(out.resolve("o"), "flow");
        assertEquals(1, flows.size(), "no port-less flow for the fragments: " + flows);
        JsonNode f = flows.get(0).path("flow");
        assertEquals(40000, flows.get(0).path("src_port").asInt());
        assertEquals(1, f.path("pkts_toserver").asLong());
        assertEquals(1, f.path("pkts_toclient").asLong());
        assertEquals(14 + 20 + answerUdp.length, f.path("bytes_toclient").asLong(), "the whole reassembled answer");
    }

    @Test
    void reflectionCaptureAnswersReachTheSpoofedVictimsFlow(@TempDir Path out) throws IOException {
        Path pcap = SharedData.projectRoot().resolve("pcaps/lab/behaviour/reflection.pcap");
        CliRun cli = new CliRun();
        assertEquals(0, cli.run("replay", "--no-default-rules", "--eve-types", "dns,flow", "--out", out.toString(), pcap.toString()), cli.err);
        // dnsmasq's ~3 KB TXT answers come in 3 fragments each: 200 datagrams, 600 fragments
        assertTrue(cli.out.contains("600  defrag.ipv4.fragments"), cli.out);
        assertTrue(cli.out.contains("200  defrag.ipv4.reassembled"), cli.out);
        long answers = eve(out, "dns").stream()
                .filter(n -> "10.244.1.13".equals(n.path("dest_ip").asText()) && n.path("dest_port").asInt() == 45926)
                .filter(n -> "answer".equals(n.path("dns").path("type").asText()))
                .filter(n -> n.path("dns").path("answers").size() > 0)
                .count();
        assertEquals(200, answers);
        JsonNode flow = eve(out, "flow").stream()
                .filter(n -> "10.244.1.13".equals(n.path("src_ip").asText()) && n.path("src_port").asInt() == 45926)
                .findFirst().orElseThrow();
        assertEquals(53, flow.path("dest_port").asInt());
        assertEquals("dns", flow.path("app_proto").asText());
        assertEquals(200, flow.path("flow").path("pkts_toclient").asLong());
        assertTrue(flow.path("flow").path("bytes_toclient").asLong() > 200L * 3_000, flow.toString());
        assertTrue(eve(out, "flow").stream().noneMatch(n -> "UDP".equals(n.path("proto").asText())
                && n.path("src_port").asInt() == 0 && n.path("dest_port").asInt() == 0), "no port-less fragment flows");
    }

    /**
     * An overlap evasion: the first fragment carries the UDP header and "GOOD…", a second one
     * rewrites the same bytes with "EVIL…", a third ends the datagram. Under bsd (the default) and linux the held bytes stay;
     * under last the rewrite wins. The rule sees what the destination's policy reassembles.
     */
    @Test
    void theDestinationsOverlapPolicyDecidesWhatRulesSee(@TempDir Path out) throws IOException {
        Path pcap = out.resolve("overlap.pcap");
        byte[] udpHeader = new byte[8];
        put16(udpHeader, 0, 40000);
        put16(udpHeader, 2, 9999);
        put16(udpHeader, 4, 8 + 16 + 8); // checksum 0: none
        byte[] first = new byte[24];
        System.arraycopy(udpHeader, 0, first, 0, 8);
        System.arraycopy("GOODGOODGOODGOOD".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, first, 8, 16);
        byte[] rewrite = "EVILEVILEVILEVIL".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (PcapWriter w = PcapWriter.create(pcap, LinkType.ETHERNET)) {
            byte[] a = ipv4(CLIENT, SERVER, 0x99, 0, true, first);
            byte[] b = ipv4(CLIENT, SERVER, 0x99, 8, true, rewrite);
            byte[] c = ipv4(CLIENT, SERVER, 0x99, 24, false, "TAILTAIL".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            w.write(1_700_000_000L, 0, a, 0, a.length);
            w.write(1_700_000_000L, 1000, b, 0, b.length);
            w.write(1_700_000_000L, 2000, c, 0, c.length);
        }
        Path rules = out.resolve("evil.rules");
        Files.writeString(rules, "alert udp any any -> any 9999 (msg:\"EVIL\"; content:\"EVIL\"; sid:1;)\n"
                + "alert udp any any -> any 9999 (msg:\"GOOD\"; content:\"GOOD\"; sid:2;)\n");
        String[][] runs = {
            {"bsd (default)", "GOOD"},
            {"--defrag-policy=linux", "GOOD"},
            {"--defrag-policy=last", "EVIL"},
            {"--host-os-policy=last=192.0.2.0/24", "EVIL"},
            {"--host-os-policy=last=198.51.100.0/24", "GOOD"}, // another network: the default
        };
        for (String[] r : runs) {
            Path o = out.resolve("o" + Math.abs(r[0].hashCode()));
            List<String> args = new ArrayList<>(List.of("replay", "--no-default-rules", "--rules", rules.toString(),
                    "--no-progress", "--out", o.toString()));
            if (r[0].startsWith("--")) {
                args.add(r[0]);
            }
            args.add(pcap.toString());
            CliRun cli = new CliRun();
            assertEquals(0, cli.run(args.toArray(new String[0])), cli.err);
            assertTrue(cli.out.contains("1  defrag.ipv4.reassembled"), cli.out);
            List<JsonNode> alerts = eve(o, "alert");
            assertEquals(1, alerts.size(), r[0] + ": " + alerts);
            assertEquals(r[1], alerts.get(0).path("alert").path("signature").asText(), r[0]);
        }
    }

    // ---- frame builders ----------------------------------------------------------------------

    /** A DNS query for big.test TXT, or its answer with {@code answers} TXT records of 250 bytes. */
    private static byte[] dns(int id, boolean response, int answers) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(id >> 8);
        o.write(id);
        o.write(response ? 0x85 : 0x01);
        o.write(response ? 0x80 : 0x00);
        o.writeBytes(new byte[] {0, 1, 0, (byte) answers, 0, 0, 0, 0});
        o.writeBytes(new byte[] {3, 'b', 'i', 'g', 4, 't', 'e', 's', 't', 0, 0, 16, 0, 1});
        for (int i = 0; i < answers; i++) {
            o.writeBytes(new byte[] {(byte) 0xc0, 12, 0, 16, 0, 1, 0, 0, 0, 60, 0, (byte) 251, (byte) 250});
            byte[] txt = new byte[250];
            Arrays.fill(txt, (byte) ('a' + i));
            o.writeBytes(txt);
        }
        return o.toByteArray();
    }

    private static byte[] udp(byte[] src, byte[] dst, int sport, int dport, byte[] payload) {
        byte[] u = new byte[8 + payload.length];
        put16(u, 0, sport);
        put16(u, 2, dport);
        put16(u, 4, u.length);
        System.arraycopy(payload, 0, u, 8, payload.length);
        byte[] addrs = new byte[8];
        System.arraycopy(src, 0, addrs, 0, 4);
        System.arraycopy(dst, 0, addrs, 4, 4);
        put16(u, 6, InternetChecksum.finish(InternetChecksum.add(u, 0, u.length, InternetChecksum.pseudoV4(addrs, 0, 17, u.length))));
        return u;
    }

    /** Ethernet + IPv4 (id, fragment offset in bytes, MF) + data. */
    private static byte[] ipv4(byte[] src, byte[] dst, int id, int off, boolean mf, byte[] data) {
        byte[] f = new byte[14 + 20 + data.length];
        byte[] eth = {0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00};
        System.arraycopy(eth, 0, f, 0, 14);
        f[14] = 0x45;
        put16(f, 16, 20 + data.length);
        put16(f, 18, id);
        put16(f, 20, (mf ? 0x2000 : 0) | (off >> 3));
        f[22] = 64;
        f[23] = 17;
        System.arraycopy(src, 0, f, 26, 4);
        System.arraycopy(dst, 0, f, 30, 4);
        put16(f, 24, InternetChecksum.compute(f, 14, 20));
        System.arraycopy(data, 0, f, 34, data.length);
        return f;
    }

    private static void put16(byte[] b, int o, int v) {
        b[o] = (byte) (v >>> 8);
        b[o + 1] = (byte) v;
    }
}
