package io.crowsnest.outputs.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.crowsnest.detection.alert.Alert;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FormatGoldenTest {
    static String fmt(AlertFormat f, Alert a) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        f.format(a, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    static final String HOSTILE_JSON = "{\"timestamp\":\"2021-12-13T10:12:32.617443+0000\",\"flow_id\":42,"
            + "\"pcap_cnt\":7,\"event_type\":\"alert\",\"src_ip\":\"10.0.0.1\",\"src_port\":12345,"
            + "\"dest_ip\":\"192.168.1.2\",\"dest_port\":80,\"proto\":\"TCP\",\"direction\":\"to_server\","
            + "\"alert\":{\"action\":\"allowed\",\"gid\":1,\"signature_id\":2019401,\"rev\":3,"
            + "\"signature\":\"ET \\\"evil\\\" | a=b \\\\ c]\\nnext\\rline^x\\ty ünï 日本\","
            + "\"category\":\"Bad=cat|x\\\\y\\nz\",\"severity\":1}}";

    static final String PLAIN_JSON = "{\"timestamp\":\"2022-01-01T01:20:00.000005+0000\",\"pcap_cnt\":9,"
            + "\"event_type\":\"alert\",\"src_ip\":\"2001:0db8:0000:0000:0000:0000:0000:0001\","
            + "\"dest_ip\":\"2001:0db8:0000:0000:0000:0000:0000:0002\",\"proto\":\"IPv6-ICMP\","
            + "\"icmp_type\":128,\"icmp_code\":0,\"alert\":{\"action\":\"allowed\",\"gid\":1,"
            + "\"signature_id\":1,\"rev\":1,\"signature\":\"ping\",\"category\":\"misc\",\"severity\":3}}";

    @Test
    void eveJsonHasNoNewline() throws Exception {
        assertEquals(HOSTILE_JSON, fmt(new EveJsonFormat(), TestAlerts.hostile()));
        assertEquals(PLAIN_JSON, fmt(new EveJsonFormat(), TestAlerts.plain()));
    }

    @Test
    void rfc5424() throws Exception {
        Rfc5424Format f = new Rfc5424Format(16, "sensor-1");
        assertEquals("<130>1 2021-12-13T10:12:32.617443Z sensor-1 crowsnest - alert [crowsnest@32473"
                + " gid=\"1\" sid=\"2019401\" rev=\"3\" action=\"allowed\" severity=\"1\""
                + " class=\"Bad=cat|x\\\\y\nz\""
                + " msg=\"ET \\\"evil\\\" | a=b \\\\ c\\]\nnext\rline^x\ty ünï 日本\""
                + " proto=\"TCP\" src=\"10.0.0.1\" sport=\"12345\" dst=\"192.168.1.2\" dport=\"80\"] "
                + HOSTILE_JSON, fmt(f, TestAlerts.hostile()));
        // reuse of the formatter: second message is independent of the first
        assertEquals("<132>1 2022-01-01T01:20:00.000005Z sensor-1 crowsnest - alert [crowsnest@32473"
                + " gid=\"1\" sid=\"1\" rev=\"1\" action=\"allowed\" severity=\"3\" class=\"misc\" msg=\"ping\""
                + " proto=\"IPv6-ICMP\" src=\"2001:0db8:0000:0000:0000:0000:0000:0001\""
                + " dst=\"2001:0db8:0000:0000:0000:0000:0000:0002\"] " + PLAIN_JSON, fmt(f, TestAlerts.plain()));
    }

    @Test
    void rfc5424SeverityMappingAndHostileHostname() throws Exception {
        Alert a = TestAlerts.plain();
        int[] expectPri = {8 * 3 + 5, 8 * 3 + 2, 8 * 3 + 3, 8 * 3 + 4, 8 * 3 + 5};
        for (int sev = 0; sev <= 4; sev++) {
            a.severity = sev;
            String s = fmt(new Rfc5424Format(3, "bad host\n"), a);
            assertEquals("<" + expectPri[sev] + ">1 2022-01-01T01:20:00.000005Z bad_host_ crowsnest - alert ",
                    s.substring(0, s.indexOf('[')));
        }
    }

    @Test
    void rfc3164() throws Exception {
        assertEquals("<132>Jan  1 01:20:00 my_host crowsnest: " + PLAIN_JSON,
                fmt(new Rfc3164Format(16, "my host"), TestAlerts.plain()));
        assertEquals("<10>Dec 13 10:12:32 - crowsnest: " + HOSTILE_JSON,
                fmt(new Rfc3164Format(1, ""), TestAlerts.hostile()));
    }

    @Test
    void cef() throws Exception {
        CefFormat f = new CefFormat();
        assertEquals("CEF:0|Crowsnest|Crowsnest|0.1|2019401|ET \"evil\" \\| a=b \\\\ c] next line^x\ty ünï 日本|10|"
                + "rt=1639390352617 src=10.0.0.1 spt=12345 dst=192.168.1.2 dpt=80 proto=TCP act=allowed"
                + " cat=Bad\\=cat|x\\\\y\\nz cn1Label=gid cn1=1 cn2Label=rev cn2=3"
                + " cn3Label=flowId cn3=42 cs1Label=direction cs1=to_server", fmt(f, TestAlerts.hostile()));
        assertEquals("CEF:0|Crowsnest|Crowsnest|0.1|1|ping|5|rt=1641000000000"
                + " src=2001:0db8:0000:0000:0000:0000:0000:0001 dst=2001:0db8:0000:0000:0000:0000:0000:0002"
                + " proto=IPv6-ICMP act=allowed cat=misc cn1Label=gid cn1=1 cn2Label=rev cn2=1",
                fmt(f, TestAlerts.plain()));
    }

    @Test
    void cefOverRfc3164HasNoRawNewline() throws Exception {
        String s = fmt(new Rfc3164Format(16, "h", new CefFormat()), TestAlerts.hostile());
        assertEquals("<130>Dec 13 10:12:32 h crowsnest: CEF:0|Crowsnest|", s.substring(0, 50));
        assertFalse(s.contains("\n") || s.contains("\r"), s);
    }

    @Test
    void leefCaretDelimiter() throws Exception {
        assertEquals("LEEF:2.0|Crowsnest|Crowsnest|0.1|2019401|^|devTime=1639390352617^src=10.0.0.1"
                + "^dst=192.168.1.2^srcPort=12345^dstPort=80^proto=TCP^sev=10^cat=Bad=cat|x\\\\y\\nz"
                + "^action=allowed^gid=1^sid=2019401^rev=3"
                + "^msg=ET \"evil\" | a=b \\\\ c]\\nnext\\rline\\^x\ty ünï 日本^flowId=42^direction=to_server",
                fmt(new LeefFormat(), TestAlerts.hostile()));
    }

    @Test
    void leefTabDelimiter() throws Exception {
        assertEquals("LEEF:2.0|Crowsnest|Crowsnest|0.1|1|x09|devTime=1641000000000"
                + "\tsrc=2001:0db8:0000:0000:0000:0000:0000:0001\tdst=2001:0db8:0000:0000:0000:0000:0000:0002"
                + "\tproto=IPv6-ICMP\tsev=5\tcat=misc\taction=allowed\tgid=1\tsid=1\trev=1\tmsg=ping",
                fmt(new LeefFormat('\t'), TestAlerts.plain()));
        String s = fmt(new LeefFormat('\t'), TestAlerts.hostile());
        assertEquals("msg=ET \"evil\" | a=b \\\\ c]\\nnext\\rline^x\\\ty ünï 日本",
                s.substring(s.indexOf("msg="), s.indexOf("\tflowId=")));
    }

    @Test
    void everyFormatNamesTheRulesetThatRaisedTheAlert() throws Exception {
        Alert a = TestAlerts.plain();
        a.rulesetHash = "0123456789ab";
        a.rulesetLoadedAt = "2026-11-23T21:40:00Z";
        String json = fmt(new EveJsonFormat(), a);
        assertEquals(true, json.contains("\"ruleset\":{\"hash\":\"0123456789ab\",\"loaded\":\"2026-11-23T21:40:00Z\"}"), json);
        String sd = fmt(new Rfc5424Format(16, "h"), a);
        assertEquals(true, sd.contains(" ruleset=\"0123456789ab\" rulesetLoaded=\"2026-11-23T21:40:00Z\"]"), sd);
        assertEquals(true, fmt(new Rfc3164Format(16, "h"), a).contains("\"hash\":\"0123456789ab\""));
        String cef = fmt(new CefFormat(), a);
        assertEquals(true, cef.endsWith(" cs2Label=rulesetHash cs2=0123456789ab cs3Label=rulesetLoaded cs3=2026-11-23T21:40:00Z"), cef);
        String leef = fmt(new LeefFormat('\t'), a);
        assertEquals(true, leef.endsWith("\trulesetHash=0123456789ab\trulesetLoaded=2026-11-23T21:40:00Z"), leef);
        // without a hashed ruleset (replay of ad-hoc rules before this change), nothing is added
        assertFalse(fmt(new CefFormat(), TestAlerts.plain()).contains("rulesetHash"));
    }
}
