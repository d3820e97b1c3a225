package io.crowsnest.sensor.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.capture.file.CaptureFileReader;
import io.crowsnest.decoders.DecoderConfig;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.PacketDecoder;
import io.crowsnest.decoders.TunnelType;
import io.crowsnest.outputs.eve.EveFormat;
import io.crowsnest.sensor.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every external capture replays cleanly; tunnels, VLAN stacks and odd link types decode to the right inner flows. */
class ExternalCapturesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "log4shell/foxit-ldap-user-agent-ev0.pcap, 404",
        "log4shell/foxit-ldap-uri-params-ev1.pcap, 104",
        "log4shell/foxit-rmi-x-api-version-ev0.pcap, 49",
        "log4shell/ndpi-log4j-webapp-exploit.pcap, 426",
        "reverse-shell/ndpi-log4j-reverse-shell-tcp9001.pcap, 356",
        "cryptominer/ndpi-mining.pcap, 673",
        "dns-tunnel/ndpi-dns-tunnel-iodine.pcap, 438",
        "dns-tunnel/ndpi-dns-exfiltration.pcap, 300",
        "port-scan/nmap-synscan.pcap, 2011",
        "port-scan/zeek-nmap-vsn.pcap, 547",
        "brute-force/zeek-sshguess.pcap, 431",
        "brute-force/zeek-ftp-bruteforce.pcap, 606",
        "container-api/zeek-docker-http-upgrade.pcap, 200",
        "container-api/ndpi-redis-resp.pcap, 39",
        "container-api/zeek-redis-auth.pcap, 12",
        "dns/zeek-dns-long-connection.pcap, 22",
        "vxlan/zeek-vxlan-encapsulated-http.pcap, 12",
        "vxlan/ndpi-vxlan.pcap, 127",
        "geneve/zeek-geneve-many-options.pcap, 10",
        "geneve/zeek-geneve-47101.pcap, 24",
        "vlan/zeek-http-vlan-0.pcap, 14",
        "vlan/zeek-http-qinq-0.pcap, 14",
        "normal/zeek-http-get.pcap, 14",
        "normal/zeek-tls-chrome-34-google.pcap, 42",
        "normal/ndpi-dns.pcap, 5",
    })
    void replaysWithoutError(String file, long packets, @TempDir Path out) throws IOException {
        ReplayOptions o = new ReplayOptions();
        o.files.add(SharedData.externalPcap(file));
        o.outDir = out;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ReplayResult r = new ReplayRunner(o, new PrintStream(err, true, StandardCharsets.UTF_8)).run();
        assertEquals(0, r.exitCode, () -> "exit code; stderr: " + err + " errors: " + r.inputErrors);
        assertEquals(packets, r.packets);
        assertTrue(r.ruleErrors.isEmpty(), () -> "shipped rules must load without warning: " + r.ruleErrors);
    }

    /** Decodes the first {@code n} packets of a capture into "src:port > dst:port proto [tunnel]" lines. */
    private static List<String> flows(String file, int n) throws IOException {
        List<String> out = new ArrayList<>();
        PacketDecoder decoder = new PacketDecoder(DecoderConfig.defaults());
        Packet p = new Packet();
        try (CaptureFileReader reader = CaptureFileReader.open(SharedData.externalPcap(file))) {
            while (out.size() < n && reader.next(p)) {
                decoder.decode(p);
                String s = EveFormat.address(p.ipVersion, p.srcHi, p.srcLo) + ":" + p.srcPort + " > "
                        + EveFormat.address(p.ipVersion, p.dstHi, p.dstLo) + ":" + p.dstPort + " " + EveFormat.proto(p.ipProto);
                if (p.tunnelType != TunnelType.NONE) {
                    s += " in " + TunnelType.name(p.tunnelType) + " " + p.tunnelId + " from "
                            + EveFormat.address(p.outerIpVersion, p.outerSrcHi, p.outerSrcLo) + ":" + p.outerSrcPort;
                }
                if (p.vlanCount > 0) {
                    s += " vlans " + p.vlanCount;
                }
                out.add(s);
            }
        }
        return out;
    }

    @Test
    void vxlanInnerFlows() throws IOException {
        assertEquals(List.of(
                "172.16.11.201:40354 > 54.86.237.188:80 TCP in VXLAN 1 from 10.1.200.131:50000"),
                flows("vxlan/zeek-vxlan-encapsulated-http.pcap", 1));
        assertEquals(List.of(
                "10.10.20.4:44437 > 8.8.8.8:53 UDP in VXLAN 1111 from 192.168.22.4:60887 vlans 1"),
                flows("vxlan/ndpi-vxlan.pcap", 1));
    }

    @Test
    void geneveInnerFlows() throws IOException {
        List<String> many = flows("geneve/zeek-geneve-many-options.pcap", 1);
        assertTrue(many.get(0).startsWith("10.0.0.226:"), many.toString());
        assertTrue(many.get(0).endsWith(" in Geneve " + 0xc012e + " from 192.168.33.179:6667"), many.toString());
        assertEquals(List.of(
                "192.168.0.107:45474 > 145.40.68.75:443 TCP in Geneve " + 0x1092 + " from 127.0.0.1:47101",
                "145.40.68.75:443 > 192.168.0.107:45474 TCP in Geneve " + 0x1092 + " from 127.0.0.1:47101"),
                flows("geneve/zeek-geneve-47101.pcap", 2));
    }

    @Test
    void vlanAndQinqInnerFlows() throws IOException {
        assertEquals(List.of("141.142.228.5:59856 > 192.150.187.43:80 TCP vlans 1"), flows("vlan/zeek-http-vlan-0.pcap", 1));
        assertEquals(List.of("141.142.228.5:59856 > 192.150.187.43:80 TCP vlans 2"), flows("vlan/zeek-http-qinq-0.pcap", 1));
    }

    @Test
    void linuxSllAndNullLinkFlows() throws IOException {
        assertEquals(List.of(
                "172.16.238.1:1984 > 172.16.238.10:8080 TCP",
                "172.16.238.10:8080 > 172.16.238.1:1984 TCP"),
                flows("log4shell/ndpi-log4j-webapp-exploit.pcap", 2));
        assertEquals(List.of(
                "127.0.0.1:60010 > 127.0.0.1:6379 TCP",
                "127.0.0.1:6379 > 127.0.0.1:60010 TCP"),
                flows("container-api/zeek-redis-auth.pcap", 2));
    }
}
