package io.crowsnest.detection.keywords;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.decoders.IpOptions;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.decoders.flow.FlowFlags;
import io.crowsnest.detection.TestSupport;
import io.crowsnest.detection.rules.RuleLoadResult;
import io.crowsnest.detection.rules.RuleLoader;
import io.crowsnest.detection.rules.RuleVariables;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The keywords added for the whole rule language: one test each, with packet bytes. */
class MoreKeywordsTest {
    static final int TS = FlowFlags.TO_SERVER | FlowFlags.ESTABLISHED;

    static boolean fires(String opts, Packet p) {
        return fires(opts, p, TestSupport.flow());
    }

    static boolean fires(String opts, Packet p, Flow f) {
        TestSupport.Harness h = TestSupport.harness("alert ip any any -> any any (" + opts + " sid:1;)");
        return !h.run(p, f, TS).isEmpty();
    }

    static String error(String opts) {
        RuleLoadResult r = new RuleLoader().load("alert ip any any -> any any (" + opts + " sid:1;)", "k",
                RuleVariables.suricataDefaults());
        assertEquals(1, r.errors().size(), () -> "expected an error for " + opts);
        return r.errors().get(0).message();
    }

    static Packet bytes(byte... payload) {
        Packet p = TestSupport.ip4(6, "10.0.0.1", 1234, "10.0.0.2", 80, payload);
        p.tcpFlags = 0x18;
        return p;
    }

    @Test
    void byteExtractFeedsByteTestContentAndIsdataat() {
        // length byte 3, then "abc", then 0x03
        Packet p = bytes((byte) 3, (byte) 'a', (byte) 'b', (byte) 'c', (byte) 3);
        assertTrue(fires("byte_extract:1,0,len; byte_test:1,=,len,4;", p));
        assertFalse(fires("byte_extract:1,0,len; byte_test:1,>,len,4;", p));
        assertTrue(fires("byte_extract:1,0,len; content:\"abc\"; within:len; distance:0;", p));
        assertFalse(fires("byte_extract:1,0,len; content:\"c\"; depth:len;", p));
        assertTrue(fires("byte_extract:1,0,len; content:\"b\"; offset:len; depth:5;", bytes((byte) 1, (byte) 'b', (byte) 'x')));
        assertTrue(fires("byte_extract:1,0,len; isdataat:len,relative;", p));
        assertFalse(fires("byte_extract:1,0,len; isdataat:!len,relative;", p));
        // relative extraction moves the cursor; string extraction; multiplier
        assertTrue(fires("content:\"L=\"; byte_extract:2,0,n,relative,string,dec; content:\"x\"; distance:n; within:1;",
                TestSupport.tcp("L=03abcx")));
        assertTrue(fires("byte_extract:1,0,n,multiplier 2; byte_jump:1,n;", bytes((byte) 1, (byte) 0, (byte) 0, (byte) 0)));
        assertTrue(error("byte_test:1,=,nope,0;").contains("not a number nor a byte_extract variable"));
    }

    @Test
    void byteMath() {
        Packet p = bytes((byte) 0, (byte) 10, (byte) 14);
        assertTrue(fires("byte_math:bytes 2, offset 0, oper +, rvalue 4, result r; byte_test:1,=,r,2;", p));
        assertFalse(fires("byte_math:bytes 2, offset 0, oper -, rvalue 4, result r; byte_test:1,=,r,2;", p));
        assertTrue(fires("byte_extract:1,2,k; byte_math:bytes 1, offset 1, oper <<, rvalue 2, result r; byte_test:1,>,r,2;",
                bytes((byte) 0, (byte) 3, (byte) 14)));
        assertFalse(fires("byte_math:bytes 1, offset 0, oper /, rvalue 0, result r; byte_test:1,=,r,2;", p));
        assertTrue(error("byte_math:bytes 1, offset 0, oper %, rvalue 1, result r;").contains("unknown operator"));
    }

    @Test
    void streamSizeUsesFlowByteCounters() {
        Flow f = TestSupport.flow();
        f.bytesToServer = 100;
        f.bytesToClient = 5000;
        Packet p = TestSupport.tcp("x");
        assertTrue(fires("stream_size:client,<,200;", p, f));
        assertFalse(fires("stream_size:server,<,200;", p, f));
        assertTrue(fires("stream_size:either,>,1000;", p, f));
        assertFalse(fires("stream_size:both,>,1000;", p, f));
        assertTrue(error("stream_size:middle,<,1;").contains("unknown side"));
    }

    @Test
    void xbitsAcrossFlowsByHostAndPair() {
        TestSupport.Harness h = TestSupport.harness(
                "alert tcp any any -> any any (content:\"login\"; xbits:set,seen,track ip_src,expire 10; noalert; sid:1;)\n"
                + "alert tcp any any -> any any (content:\"cmd\"; xbits:isset,seen,track ip_src; sid:2;)\n"
                + "alert tcp any any -> any any (content:\"cmd\"; xbits:isnotset,seen,track ip_src; sid:3;)\n"
                + "alert tcp any any -> any any (content:\"pair\"; xbits:toggle,pb,track ip_pair; noalert; sid:4;)\n"
                + "alert tcp any any -> any any (content:\"back\"; xbits:isset,pb,track ip_pair; sid:5;)\n");
        assertEquals(List.of(3L), h.run(TestSupport.tcp("10.0.0.1", 1, "10.0.0.2", 80, "cmd"), TestSupport.flow(), TS));
        h.run(TestSupport.tcp("10.0.0.1", 1, "10.0.0.2", 80, "login"), TestSupport.flow(), TS);
        // another flow of the same source
        assertEquals(List.of(2L), h.run(TestSupport.tcp("10.0.0.1", 2, "10.0.0.9", 22, "cmd"), TestSupport.flow(), TS));
        assertEquals(List.of(3L), h.run(TestSupport.tcp("10.0.0.7", 2, "10.0.0.9", 22, "cmd"), TestSupport.flow(), TS));
        // expiry in packet time
        Packet late = TestSupport.tcp("10.0.0.1", 2, "10.0.0.9", 22, "cmd");
        late.tsSeconds += 11;
        assertEquals(List.of(3L), h.run(late, TestSupport.flow(), TS));
        // ip_pair is symmetric
        h.run(TestSupport.tcp("10.0.0.1", 1, "10.0.0.2", 80, "pair"), TestSupport.flow(), TS);
        assertEquals(List.of(5L), h.run(TestSupport.tcp("10.0.0.2", 80, "10.0.0.1", 1, "back"), TestSupport.flow(), TS));
        assertTrue(error("xbits:set,x;").contains("expected command"));
        assertTrue(error("xbits:set,x,track ip_foo;").contains("unknown track"));
    }

    @Test
    void flowint() {
        TestSupport.Harness h = TestSupport.harness(
                "alert tcp any any -> any any (content:\"hit\"; flowint:count,+,1; noalert; sid:1;)\n"
                + "alert tcp any any -> any any (content:\"hit\"; flowint:count,>=,2; sid:2;)\n"
                + "alert tcp any any -> any any (content:\"probe\"; flowint:count,notset; sid:3;)\n"
                + "alert tcp any any -> any any (content:\"reset\"; flowint:count,=,0; noalert; sid:4;)\n");
        assertEquals(1, h.engine.flowintCount());
        Flow f = new Flow(4, h.engine.flowintCount());
        assertEquals(List.of(3L), h.run(TestSupport.tcp("probe"), f, TS));
        assertEquals(List.of(), h.run(TestSupport.tcp("hit"), f, TS));
        assertEquals(List.of(), h.run(TestSupport.tcp("probe"), f, TS));
        assertEquals(List.of(2L), h.run(TestSupport.tcp("hit"), f, TS));
        assertEquals(List.of(2L), h.run(TestSupport.tcp("hit"), f, TS));
        assertEquals(3, f.flowints[0]);
        h.run(TestSupport.tcp("reset"), f, TS);
        assertEquals(0, f.flowints[0]);
        assertTrue(error("flowint:x,~,1;").contains("unknown operator"));
    }

    @Test
    void ipHeaderKeywords() {
        Packet p = TestSupport.tcp("x");
        p.tos = 0x10;
        p.ipId = 4242;
        p.ipFlags = 0x2; // DF
        p.fragOffset = 0;
        p.ipOptions = IpOptions.RR;
        assertTrue(fires("tos:16;", p));
        assertTrue(fires("tos:!8;", p));
        assertTrue(fires("id:4242;", p));
        assertFalse(fires("id:1;", p));
        assertTrue(fires("fragbits:D;", p));
        assertFalse(fires("fragbits:M;", p));
        assertTrue(fires("fragbits:!M;", p));
        assertTrue(fires("fragbits:*MD;", p));
        assertFalse(fires("fragbits:+D;", p));
        assertTrue(fires("fragoffset:0;", p));
        p.fragOffset = 1480;
        assertTrue(fires("fragoffset:185;", p));
        assertTrue(fires("fragoffset:>0;", p));
        assertTrue(fires("ipopts:rr;", p));
        assertTrue(fires("ipopts:any;", p));
        assertFalse(fires("ipopts:lsrr;", p));
        assertTrue(error("ipopts:bogus;").contains("unknown IP option"));
        assertTrue(error("fragbits:X;").contains("unknown flag"));
    }

    @Test
    void tcpAndIcmpFields() {
        Packet p = TestSupport.tcp("x");
        p.tcpSeq = 0xDEADBEEFL;
        p.tcpAck = 7;
        p.tcpWindow = 1024;
        assertTrue(fires("seq:3735928559;", p));
        assertTrue(fires("ack:7;", p));
        assertTrue(fires("window:1024;", p));
        assertTrue(fires("window:!55808;", p));
        assertFalse(fires("window:55808;", p));
        Packet i = TestSupport.icmp(8, 0);
        i.icmpId = 77;
        i.icmpSeq = 3;
        assertTrue(fires("icmp_id:77;", i));
        assertTrue(fires("icmp_seq:3;", i));
        assertFalse(fires("icmp_seq:4;", i));
        assertFalse(fires("icmp_id:77;", p));
    }

    @Test
    void sameip() {
        assertTrue(fires("sameip;", TestSupport.tcp("10.0.0.5", 1, "10.0.0.5", 2, "x")));
        assertFalse(fires("sameip;", TestSupport.tcp("x")));
    }

    @Test
    void tagParsesAndDoesNotChangeMatching() {
        assertTrue(fires("content:\"x\"; tag:session,5,packets;", TestSupport.tcp("x")));
        assertTrue(fires("content:\"x\"; tag:host,10,seconds,src;", TestSupport.tcp("x")));
        assertTrue(error("tag:flow;").contains("expected session or host"));
    }

    @Test
    void appLayerProtocolWaits() {
        RuleLoadResult r = new RuleLoader().load("alert tcp any any -> any any (app-layer-protocol:!http; sid:1;)", "k",
                RuleVariables.suricataDefaults());
        assertEquals(List.of(), r.errors());
        assertEquals("app-layer protocol http", r.signatures().get(0).waitingOn());
        assertTrue(error("app-layer-protocol:gopher;").contains("unknown app-layer protocol"));
    }

    @Test
    void base64DecodeAndData() {
        String enc = Base64.getEncoder().encodeToString("secret command".getBytes(StandardCharsets.US_ASCII));
        Packet p = TestSupport.tcp("auth=" + enc + "&x=1");
        assertTrue(fires("content:\"auth=\"; base64_decode:relative; base64_data; content:\"command\";", p));
        assertTrue(fires("content:\"auth=\"; base64_decode:bytes 12, offset 0, relative; base64_data; content:\"secret\"; startswith;", p));
        assertFalse(fires("content:\"auth=\"; base64_decode:bytes 4, relative; base64_data; content:\"command\";", p));
        assertFalse(fires("content:\"auth=\"; base64_decode:relative; base64_data; content:\"auth\";", p));
        assertTrue(error("base64_data; content:\"x\";").contains("needs a preceding base64_decode"));
        byte[] out = new byte[64];
        byte[] in = "aGVsbG8=".getBytes(StandardCharsets.US_ASCII);
        int n = io.crowsnest.detection.inspect.Base64DecodeMatch.decode(in, 0, in.length, out);
        assertEquals("hello", new String(out, 0, n, StandardCharsets.US_ASCII));
    }

    @Test
    void bsizeAndUrilenBindToBuffers() {
        RuleLoadResult r = new RuleLoader().load(
                "alert http any any -> any any (urilen:5<>10; http.method; content:\"GET\"; http.host; bsize:>3; sid:1;)",
                "k", RuleVariables.suricataDefaults());
        assertEquals(List.of(), r.errors());
        var s = r.signatures().get(0);
        assertEquals(1, s.buffers().get("http.uri").size());
        assertEquals(1, s.buffers().get("http.method").size());
        assertEquals(1, s.buffers().get("http.host").size());
        assertTrue(error("bsize:10;").contains("bsize needs a sticky buffer"));
        // the element itself, on buffer bytes
        var m = new io.crowsnest.detection.inspect.BufferSizeMatch(v -> v == 3, "bsize:3");
        var els = new io.crowsnest.detection.inspect.PayloadElement[] {m};
        var ctx = new io.crowsnest.detection.inspect.InspectionContext();
        assertTrue(io.crowsnest.detection.inspect.PayloadInspector.inspect(els, "abc".getBytes(), 0, 3, ctx));
        assertFalse(io.crowsnest.detection.inspect.PayloadInspector.inspect(els, "abcd".getBytes(), 0, 4, ctx));
    }

    @Test
    void transforms() {
        byte[] b = " Hello   World\t".getBytes(StandardCharsets.US_ASCII);
        assertEquals(" hello   world\t", new String(Transforms.toLowercase(b)));
        assertEquals(" HELLO   WORLD\t", new String(Transforms.toUppercase(b)));
        assertEquals("HelloWorld", new String(Transforms.stripWhitespace(b)));
        assertEquals(" Hello World ", new String(Transforms.compressWhitespace(b)));
        assertEquals(".a.b", new String(Transforms.dotprefix("a.b".getBytes())));
        assertEquals("/a b/c%zz", new String(Transforms.urlDecode("/a%20b%2Fc%zz".getBytes())));
        assertEquals("host: A\r\nuser-agent: X", new String(Transforms.headerLowercase("Host: A\r\nUser-Agent: X".getBytes())));
        assertEquals(32, Transforms.digest("SHA-256").apply("abc".getBytes()).length);
        assertEquals(16, Transforms.digest("MD5").apply("abc".getBytes()).length);
        RuleLoadResult r = new RuleLoader().load("alert http any any -> any any (http.uri; xor:\"0102\"; "
                + "pcrexform:\"[a-z]+\"; to_sha256; content:\"x\"; sid:1;)", "k", RuleVariables.suricataDefaults());
        assertEquals(List.of(), r.errors());
        var s = r.signatures().get(0);
        assertEquals(3, s.transforms().get("http.uri").size());
        assertArrayEquals(new byte[] {0x61 ^ 1, 0x62 ^ 2, 0x63 ^ 1},
                new RuleLoader().load("alert http any any -> any any (http.uri; xor:\"0102\"; content:\"x\"; sid:1;)", "k",
                        RuleVariables.suricataDefaults()).signatures().get(0).transform("http.uri", "abc".getBytes()));
        assertTrue(error("http.uri; xor:\"0g\"; content:\"x\";").contains("hex"));
    }
}
