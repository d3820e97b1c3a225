package io.crowsnest.detection.keywords;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.decoders.flow.FlowFlags;
import io.crowsnest.detection.TestSupport;
import io.crowsnest.detection.rules.RuleLoadResult;
import io.crowsnest.detection.rules.RuleLoader;
import io.crowsnest.detection.rules.RuleVariables;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One test per keyword: load a rule with it and run packets through the engine. */
class KeywordTest {
    static final int TS = FlowFlags.TO_SERVER | FlowFlags.ESTABLISHED;

    static boolean fires(String opts, Packet p) {
        return fires(opts, p, TestSupport.flow(), TS);
    }

    static boolean fires(String opts, Packet p, Flow f, int flags) {
        TestSupport.Harness h = TestSupport.harness("alert ip any any -> any any (" + opts + " sid:1;)");
        return !h.run(p, f, flags).isEmpty();
    }

    static String error(String opts) {
        RuleLoadResult r = new RuleLoader().load("alert ip any any -> any any (" + opts + " sid:1;)", "k",
                RuleVariables.suricataDefaults());
        assertEquals(1, r.errors().size(), () -> "expected an error for " + opts);
        return r.errors().get(0).message();
    }

    @Test
    void registryHasEveryKeywordOnce() {
        long distinct = KeywordRegistry.all().stream().map(Keyword::name).distinct().count();
        assertEquals(KeywordRegistry.all().size(), distinct);
        for (String k : List.of("msg", "sid", "rev", "gid", "classtype", "priority", "metadata", "reference",
                "target", "content", "nocase", "depth", "offset", "distance", "within", "startswith", "endswith",
                "fast_pattern", "rawbytes", "pcre", "dsize", "flags", "itype", "icode", "ip_proto", "ttl", "flow",
                "flowbits", "noalert", "threshold", "detection_filter", "byte_test", "byte_jump", "isdataat")) {
            assertTrue(KeywordRegistry.get(k) != null, k);
        }
    }

    @Test
    void content() {
        assertTrue(fires("content:\"evil\";", TestSupport.tcp("an evil thing")));
        assertFalse(fires("content:\"evil\";", TestSupport.tcp("a good thing")));
        assertFalse(fires("content:\"evil\";", TestSupport.tcp("")));
    }

    @Test
    void nocaseDepthOffsetDistanceWithin() {
        assertTrue(fires("content:\"EVIL\"; nocase;", TestSupport.tcp("evil")));
        assertTrue(fires("content:\"ab\"; depth:2;", TestSupport.tcp("abc")));
        assertFalse(fires("content:\"bc\"; depth:2;", TestSupport.tcp("abc")));
        assertTrue(fires("content:\"bc\"; offset:1;", TestSupport.tcp("abc")));
        assertFalse(fires("content:\"ab\"; offset:1;", TestSupport.tcp("abc")));
        assertTrue(fires("content:\"a\"; content:\"c\"; distance:1;", TestSupport.tcp("abc")));
        assertFalse(fires("content:\"a\"; content:\"c\"; distance:2;", TestSupport.tcp("abc")));
        assertTrue(fires("content:\"a\"; content:\"c\"; within:2;", TestSupport.tcp("abc")));
        assertFalse(fires("content:\"a\"; content:\"c\"; within:1;", TestSupport.tcp("abc")));
    }

    @Test
    void startswithEndswithRawbytesFastPattern() {
        assertTrue(fires("content:\"ab\"; startswith;", TestSupport.tcp("abc")));
        assertTrue(fires("content:\"bc\"; endswith;", TestSupport.tcp("abc")));
        assertTrue(fires("content:\"ab\"; rawbytes;", TestSupport.tcp("abc")));
        assertTrue(fires("content:\"a\"; content:\"bc\"; fast_pattern;", TestSupport.tcp("abc")));
        assertTrue(fires("content:\"abc\"; fast_pattern:only;", TestSupport.tcp("xabc")));
        assertTrue(fires("content:\"abcdef\"; fast_pattern:1,3;", TestSupport.tcp("abcdef")));
        assertFalse(fires("content:\"abcdef\"; fast_pattern:1,3;", TestSupport.tcp("bcd")));
    }

    @Test
    void pcre() {
        assertTrue(fires("pcre:\"/ev[i1]l/i\";", TestSupport.tcp("EV1L")));
        assertFalse(fires("pcre:\"/^evil/\";", TestSupport.tcp("xevil")));
        assertTrue(error("pcre:\"/(unclosed/\";").startsWith("bad value"));
    }

    @Test
    void dsize() {
        assertTrue(fires("dsize:3;", TestSupport.tcp("abc")));
        assertTrue(fires("dsize:<4;", TestSupport.tcp("abc")));
        assertTrue(fires("dsize:>2;", TestSupport.tcp("abc")));
        assertTrue(fires("dsize:2<>4;", TestSupport.tcp("abc")));
        assertFalse(fires("dsize:3<>4;", TestSupport.tcp("abc")));
        assertTrue(fires("dsize:!4;", TestSupport.tcp("abc")));
        assertFalse(fires("dsize:!3;", TestSupport.tcp("abc")));
        assertTrue(error("dsize:abc;").startsWith("bad value 'abc' for dsize"));
    }

    @Test
    void flags() {
        Packet syn = TestSupport.tcp("");
        syn.tcpFlags = 0x02;
        Packet synAck = TestSupport.tcp("");
        synAck.tcpFlags = 0x12;
        Packet synEce = TestSupport.tcp("");
        synEce.tcpFlags = 0x42;
        assertTrue(fires("flags:S;", syn));
        assertFalse(fires("flags:S;", synAck));
        assertTrue(fires("flags:SA;", synAck));
        assertTrue(fires("flags:S+;", synAck));
        assertTrue(fires("flags:+S;", synAck));
        assertTrue(fires("flags:*SR;", syn));
        assertFalse(fires("flags:!S;", syn));
        assertTrue(fires("flags:!R;", syn));
        assertTrue(fires("flags:S,12;", synEce));
        assertFalse(fires("flags:S;", synEce));
        assertTrue(fires("flags:S2;", synEce));
        Packet none = TestSupport.tcp("");
        none.tcpFlags = 0;
        assertTrue(fires("flags:0;", none));
        assertFalse(fires("flags:0;", syn));
        assertFalse(fires("flags:S;", TestSupport.udp("10.0.0.1", 1, "10.0.0.2", 2, "")));
        assertTrue(error("flags:SX;").startsWith("bad value 'SX' for flags"));
    }

    @Test
    void itypeIcode() {
        assertTrue(fires("itype:8;", TestSupport.icmp(8, 0)));
        assertFalse(fires("itype:8;", TestSupport.icmp(0, 0)));
        assertTrue(fires("itype:>5;", TestSupport.icmp(8, 0)));
        assertTrue(fires("itype:<5;", TestSupport.icmp(3, 0)));
        assertTrue(fires("itype:2<>9;", TestSupport.icmp(8, 0)));
        assertTrue(fires("icode:3;", TestSupport.icmp(3, 3)));
        assertFalse(fires("icode:>3;", TestSupport.icmp(3, 3)));
        assertFalse(fires("itype:8;", TestSupport.tcp("x")));
    }

    @Test
    void ipProtoAndTtl() {
        assertTrue(fires("ip_proto:6;", TestSupport.tcp("x")));
        assertTrue(fires("ip_proto:tcp;", TestSupport.tcp("x")));
        assertTrue(fires("ip_proto:!17;", TestSupport.tcp("x")));
        assertTrue(fires("ip_proto:<17;", TestSupport.tcp("x")));
        assertFalse(fires("ip_proto:>17;", TestSupport.tcp("x")));
        assertTrue(fires("ttl:64;", TestSupport.tcp("x")));
        assertTrue(fires("ttl:<65;", TestSupport.tcp("x")));
        assertFalse(fires("ttl:>64;", TestSupport.tcp("x")));
        assertTrue(fires("ttl:60<>70;", TestSupport.tcp("x")));
    }

    @Test
    void flow() {
        Packet p = TestSupport.tcp("x");
        Flow f = TestSupport.flow();
        assertTrue(fires("flow:established,to_server;", p, f, TS));
        assertFalse(fires("flow:established,to_client;", p, f, TS));
        assertTrue(fires("flow:from_server;", p, f, FlowFlags.TO_CLIENT));
        assertFalse(fires("flow:established;", p, f, FlowFlags.TO_SERVER));
        assertTrue(fires("flow:not_established;", p, f, FlowFlags.TO_SERVER));
        assertTrue(fires("flow:to_server,only_stream;", p, f, TS));
        assertTrue(fires("flow:stateless;", p, f, TS));
        assertFalse(fires("flow:established;", p, null, 0));
        assertTrue(error("flow:sideways;").startsWith("bad value 'sideways' for flow"));
        assertTrue(error("flow:to_server,to_client;").contains("conflict"));
    }

    @Test
    void flowbitsAndNoalert() {
        TestSupport.Harness h = TestSupport.harness(
                "alert tcp any any -> any any (content:\"login\"; flowbits:set,auth; flowbits:noalert; sid:1;)\n"
                        + "alert tcp any any -> any any (content:\"cmd\"; flowbits:isset,auth; sid:2;)\n"
                        + "alert tcp any any -> any any (content:\"cmd\"; flowbits:isnotset,auth|other; sid:3;)\n"
                        + "alert tcp any any -> any any (content:\"logout\"; flowbits:unset,auth; noalert; sid:4;)\n"
                        + "alert tcp any any -> any any (content:\"flip\"; flowbits:toggle,auth; sid:5;)\n");
        Flow f = TestSupport.flow();
        assertEquals(List.of(3L), h.run(TestSupport.tcp("cmd"), f, TS));
        assertEquals(List.of(), h.run(TestSupport.tcp("login"), f, TS));
        assertEquals(List.of(2L, 3L), h.run(TestSupport.tcp("cmd"), f, TS));
        assertEquals(List.of(), h.run(TestSupport.tcp("logout"), f, TS));
        assertEquals(List.of(3L), h.run(TestSupport.tcp("cmd"), f, TS));
        assertEquals(List.of(5L), h.run(TestSupport.tcp("flip"), f, TS));
        assertEquals(List.of(2L, 3L), h.run(TestSupport.tcp("cmd"), f, TS));
        assertTrue(error("flowbits:set,a|b;").contains("only work with isset/isnotset"));
        assertTrue(error("flowbits:frob,a;").contains("unknown flowbits command"));
    }

    @Test
    void byteTestByteJumpIsdataat() {
        assertTrue(fires("byte_test:1,=,97,0;", TestSupport.tcp("abc")));
        assertTrue(fires("byte_jump:1,0; isdataat:!1,relative;", TestSupport.tcp("\u0001x")));
        assertTrue(fires("isdataat:2;", TestSupport.tcp("abc")));
        assertFalse(fires("isdataat:3;", TestSupport.tcp("abc")));
        assertTrue(error("byte_test:9,=,1,0;").startsWith("bad value"));
        assertTrue(error("byte_test:1,~,1,0;").contains("unknown operator"));
        assertTrue(error("byte_jump:1;").startsWith("bad value"));
        assertTrue(error("isdataat:foo;").contains("byte_extract variable"));
    }

    @Test
    void metadataKeywordsDoNotAffectMatching() {
        assertTrue(fires("msg:\"m\"; rev:2; gid:3; classtype:misc-activity; priority:1; metadata:a b; "
                + "reference:cve,2020-1; target:src_ip; content:\"x\";", TestSupport.tcp("x")));
        assertTrue(error("target:nowhere;").startsWith("bad value 'nowhere' for target"));
        assertTrue(error("priority:0;").startsWith("bad value '0' for priority"));
        assertTrue(error("sid:abc;").startsWith("bad value 'abc' for sid"));
    }

    @Test
    void thresholdAndDetectionFilterParse() {
        assertTrue(error("threshold:type limit, track by_src, count 1;").contains("needs type, track, count and seconds"));
        assertTrue(error("threshold:type sometimes, track by_src, count 1, seconds 1;").contains("unknown type"));
        assertTrue(error("detection_filter:track by_nobody, count 1, seconds 1;").contains("unknown track"));
    }
}
