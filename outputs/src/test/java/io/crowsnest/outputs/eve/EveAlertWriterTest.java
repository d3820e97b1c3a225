package io.crowsnest.outputs.eve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.TunnelType;
import io.crowsnest.detection.alert.Alert;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EveAlertWriterTest {

    @Test
    void timestampsAreSuricataFormatInUtcWithMicroseconds() {
        assertEquals("1970-01-01T00:00:00.000000+0000", EveFormat.timestamp(0, 0));
        assertEquals("2021-12-13T10:12:32.617443+0000", EveFormat.timestamp(1639390352L, 617_443_999));
        assertEquals("2000-02-29T23:59:59.000001+0000", EveFormat.timestamp(951868799L, 1000));
        assertEquals("2100-03-01T00:00:00.000000+0000", EveFormat.timestamp(4107542400L, 0));
    }

    @Test
    void addressesPrintLikeSuricata() {
        assertEquals("10.244.1.66", EveFormat.address(4, 0, Packet.V4_MAPPED_LO_PREFIX | 0x0AF40142L));
        assertEquals("255.255.255.255", EveFormat.address(4, 0, Packet.V4_MAPPED_LO_PREFIX | 0xFFFFFFFFL));
        assertEquals("2001:0db8:0000:0000:0000:0000:0000:0001", EveFormat.address(6, 0x20010db800000000L, 1L));
        assertEquals("fe80:0000:0000:0000:0202:b3ff:fe1e:8329", EveFormat.address(6, 0xfe80000000000000L, 0x0202b3fffe1e8329L));
    }

    @Test
    void writesOneJsonObjectPerLineWithEveFieldNamesAndTheTunnel() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EveAlertWriter w = new EveAlertWriter(bytes);
        Alert a = new Alert();
        a.tsSeconds = 1639390352L;
        a.tsNanos = 617_443_000;
        a.pcapCount = 7;
        a.hasFlow = true;
        a.flowId = 42;
        a.ipVersion = 4;
        a.srcLo = Packet.V4_MAPPED_LO_PREFIX | 0x0AF40101L;
        a.dstLo = Packet.V4_MAPPED_LO_PREFIX | 0x0AF40202L;
        a.srcPort = 41000;
        a.dstPort = 8080;
        a.ipProto = 6;
        a.icmpType = -1;
        a.toServer = true;
        a.tunnelType = TunnelType.VXLAN;
        a.tunnelId = 1;
        a.tunnelDepth = 1;
        a.outerIpVersion = 4;
        a.outerSrcLo = Packet.V4_MAPPED_LO_PREFIX | 0xC0A8380BL;
        a.outerDstLo = Packet.V4_MAPPED_LO_PREFIX | 0xC0A8380AL;
        a.outerProto = 17;
        a.outerSrcPort = 40000;
        a.outerDstPort = 8472;
        Map<String, List<String>> md = new LinkedHashMap<>();
        md.put("attack_technique", List.of("T1190"));
        a.signature("allowed", 1, 9100001, 2, "say \"hi\"\n", "Attempted Administrator Privilege Gain", 1, md);
        w.write(a);
        a.hasFlow = false;
        a.tunnelType = TunnelType.NONE;
        a.ipProto = 1;
        a.icmpType = 8;
        a.icmpCode = 0;
        a.metadata = Map.of();
        w.write(a);
        w.close();
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n", -1);
        assertEquals(3, lines.length, "two lines, each newline-terminated");
        assertEquals("", lines[2]);
        assertEquals("{\"timestamp\":\"2021-12-13T10:12:32.617443+0000\",\"flow_id\":42,\"pcap_cnt\":7,\"event_type\":\"alert\","
                + "\"src_ip\":\"10.244.1.1\",\"src_port\":41000,\"dest_ip\":\"10.244.2.2\",\"dest_port\":8080,\"proto\":\"TCP\","
                + "\"direction\":\"to_server\",\"tunnel\":{\"src_ip\":\"192.168.56.11\",\"src_port\":40000,\"dest_ip\":\"192.168.56.10\","
                + "\"dest_port\":8472,\"proto\":\"UDP\",\"depth\":1,\"type\":\"VXLAN\",\"vni\":1},"
                + "\"alert\":{\"action\":\"allowed\",\"gid\":1,\"signature_id\":9100001,\"rev\":2,\"signature\":\"say \\\"hi\\\"\\n\","
                + "\"category\":\"Attempted Administrator Privilege Gain\",\"severity\":1,\"metadata\":{\"attack_technique\":[\"T1190\"]}}}",
                lines[0]);
        assertEquals("{\"timestamp\":\"2021-12-13T10:12:32.617443+0000\",\"pcap_cnt\":7,\"event_type\":\"alert\","
                + "\"src_ip\":\"10.244.1.1\",\"dest_ip\":\"10.244.2.2\",\"proto\":\"ICMP\",\"icmp_type\":8,\"icmp_code\":0,"
                + "\"alert\":{\"action\":\"allowed\",\"gid\":1,\"signature_id\":9100001,\"rev\":2,\"signature\":\"say \\\"hi\\\"\\n\","
                + "\"category\":\"Attempted Administrator Privilege Gain\",\"severity\":1}}", lines[1]);
    }

    @Test
    void alertsNameTheRulesetThatRaisedThem() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EveAlertWriter w = new EveAlertWriter(bytes);
        Alert a = new Alert();
        a.ipVersion = 4;
        a.ipProto = 17;
        a.icmpType = -1;
        a.signature("allowed", 1, 7, 1, "m", "c", 3, null);
        a.rulesetHash = "0123456789ab";
        a.rulesetLoadedAt = "2026-11-23T20:50:00.123Z";
        w.write(a);
        w.close();
        String line = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(true, line.contains(",\"severity\":3,\"ruleset\":{\"hash\":\"0123456789ab\","
                + "\"loaded\":\"2026-11-23T20:50:00.123Z\"}}"), line);
    }
}
