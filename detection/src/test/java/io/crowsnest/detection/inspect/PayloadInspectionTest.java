package io.crowsnest.detection.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.decoders.Packet;
import io.crowsnest.detection.TestSupport;
import io.crowsnest.detection.rules.RuleLoader;
import io.crowsnest.detection.rules.RuleVariables;
import io.crowsnest.detection.rules.Signature;
import org.junit.jupiter.api.Test;

/** Suricata content-inspection semantics over the packet payload. */
class PayloadInspectionTest {
    private final InspectionContext ctx = new InspectionContext();

    boolean matches(String options, String payload) {
        try {
            Signature s = new RuleLoader().parseRule("alert tcp any any -> any any (" + options + " sid:1;)",
                    RuleVariables.suricataDefaults());
            Packet p = TestSupport.tcp(payload);
            return PayloadInspector.inspect(s.payloadArray(), p.data, p.payloadOffset, p.payloadLength, ctx);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void backtracking() {
        String o = "content:\"a\"; content:\"b\"; distance:0; within:1;";
        assertTrue(matches(o, "a a ab"));
        assertFalse(matches(o, "a a a b"));
    }

    @Test
    void distanceWithinChain() {
        String o = "content:\"AllWorkAndNoPlayMakesWill\"; content:\"DullBoy\"; distance:1; within:7;";
        assertTrue(matches(o, "xxAllWorkAndNoPlayMakesWillADullBoy"));
        assertFalse(matches(o, "AllWorkAndNoPlayMakesWillDullBoy"));
        assertFalse(matches(o, "AllWorkAndNoPlayMakesWillAADullBoy"));
    }

    @Test
    void depthOffset() {
        assertTrue(matches("content:\"GET \"; depth:4;", "GET /x"));
        assertFalse(matches("content:\"GET \"; depth:4;", " GET /x"));
        assertTrue(matches("content:\"b\"; offset:2; depth:1;", "abb"));
        assertFalse(matches("content:\"b\"; offset:2;", "abaa"));
    }

    @Test
    void negatedContent() {
        assertTrue(matches("content:\"a\"; content:!\"x\";", "abc"));
        assertFalse(matches("content:\"a\"; content:!\"b\";", "abc"));
        assertTrue(matches("content:\"a\"; content:!\"b\"; distance:0; within:1;", "ac b"));
        assertFalse(matches("content:\"a\"; content:!\"b\"; distance:0; within:1;", "ab"));
    }

    @Test
    void nocase() {
        assertTrue(matches("content:\"HeLLo\"; nocase;", "say hello"));
        assertFalse(matches("content:\"HeLLo\";", "say hello"));
    }

    @Test
    void startsAndEndsWith() {
        assertTrue(matches("content:\"GET\"; startswith;", "GET /"));
        assertFalse(matches("content:\"GET\"; startswith;", " GET /"));
        assertTrue(matches("content:!\"EHLO\"; startswith; content:\"x\";", "HELO EHLO x"));
        assertFalse(matches("content:!\"EHLO\"; startswith; content:\"x\";", "EHLO x"));
        assertTrue(matches("content:\"AAA\"; endswith;", "xAAAyAAA"));
        assertFalse(matches("content:\"AAA\"; endswith;", "xAAAy"));
        assertTrue(matches("content:\"yYYY\"; distance:2; within:10; endswith;", "abcdyYYY"));
        assertFalse(matches("content:\"yYYY\"; distance:2; within:5; endswith;", "abcdyYYY"));
    }

    @Test
    void isdataat() {
        assertTrue(matches("content:\"ab\"; isdataat:1,relative;", "abc"));
        assertFalse(matches("content:\"ab\"; isdataat:2,relative;", "abc"));
        assertTrue(matches("content:\"ab\"; isdataat:!2,relative;", "abc"));
        assertTrue(matches("isdataat:2;", "abc"));
        assertFalse(matches("isdataat:3;", "abc"));
        assertTrue(matches("isdataat:!3;", "abc"));
    }

    @Test
    void byteJumpFromEndPostOffset() {
        String p = "Question?13When will the pandemic end?";
        assertTrue(matches("content:\"Question?\"; byte_jump:2,0,relative,string,from_end,post_offset -26; "
                + "content:\"pandemic\"; distance:0;", p));
        assertFalse(matches("content:\"Question?\"; byte_jump:0,0,relative,string,from_end,post_offset -3; "
                + "content:\"pandemic\"; distance:0;", p));
        // cursor placed exactly: pandemic must start right at the jump target
        assertFalse(matches("content:\"Question?\"; byte_jump:2,0,relative,string,from_end,post_offset -25; "
                + "content:\"pandemic\"; distance:0; within:8;", p));
    }

    @Test
    void byteJumpBinary() {
        // length byte 3 then skip 3 bytes, then "X"
        String p = "\u0003abcX";
        assertTrue(matches("byte_jump:1,0; content:\"X\"; distance:0; within:1;", p));
        assertTrue(matches("byte_jump:1,0,multiplier 1,from_beginning,post_offset 1; content:\"X\"; distance:0; within:1;", p));
        assertFalse(matches("byte_jump:1,0,align; content:\"X\"; distance:0; within:1;", p));
        assertTrue(matches("byte_jump:2,0,little; isdataat:!1,relative;", "\u0001\u0000y"));
    }

    @Test
    void byteTest() {
        String get = "GET /AllWorkAndNoPlayMakesWillADullBoy HTTP/1.0\r\n";
        assertTrue(matches("content:\"GET \"; depth:4; content:\"HTTP/1.\"; byte_test:1,<=,0,0,relative,string,dec;", get));
        assertTrue(matches("content:\"GET \"; depth:4; content:\"HTTP/1.\"; byte_test:1,>=,0,0,relative,string,dec;", get));
        assertFalse(matches("content:\"HTTP/1.\"; byte_test:1,>,0,0,relative,string,dec;", get));
        assertFalse(matches("byte_test:1,=,65,214748364;", get));
        assertTrue(matches("byte_test:1,=,71,0;", get));
        assertTrue(matches("byte_test:1,!=,70,0;", get));
        assertTrue(matches("byte_test:2,=,0x4745,0;", get));
        assertTrue(matches("byte_test:2,=,0x4547,0,little;", get));
        assertTrue(matches("byte_test:1,&,0x40,0;", get));
        assertTrue(matches("byte_test:1,=,4,0,bitmask 0xF0;", get));
        assertTrue(matches("byte_test:3,=,123,1,string,dec;", "x123"));
        assertTrue(matches("byte_test:2,=,255,1,string,hex;", "xff"));
        assertTrue(matches("byte_test:2,=,8,1,string,oct;", "x10"));
        assertTrue(matches("byte_jump:1,44,string,dec; byte_test:1,=,0,0,relative,string,dec;",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2xx0"));
    }

    @Test
    void pcreRelativeAndCursor() {
        assertTrue(matches("pcre:\"/AllWork\\w+Boy/\"; byte_test:1,=,1,6,relative,string,dec;",
                "GET /AllWorkAndNoPlayMakesWillADullBoy HTTP/1.0"));
        assertTrue(matches("content:\"ab\"; pcre:\"/^c/R\";", "abc"));
        assertFalse(matches("content:\"ab\"; pcre:\"/^d/R\";", "abcd"));
        assertTrue(matches("content:\"ab\"; pcre:\"/^d/R\";", "abcabd"));
        assertTrue(matches("pcre:!\"/zzz/\";", "abc"));
        assertFalse(matches("pcre:!\"/b/\";", "abc"));
        // retry of the pcre when the following relative content fails
        assertTrue(matches("pcre:\"/a./\"; content:\"Z\"; distance:0; within:1;", "ab a1Z"));
    }

    @Test
    void budgetStopsPathologicalBacktracking() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 1500; i++) {
            sb.append('a');
        }
        String o = "content:\"a\"; content:\"a\"; distance:0; content:\"a\"; distance:0; content:\"b\"; distance:0; within:1;";
        InspectionContext small = new InspectionContext(500);
        try {
            Signature s = new RuleLoader().parseRule("alert tcp any any -> any any (" + o + " sid:1;)",
                    RuleVariables.suricataDefaults());
            Packet p = TestSupport.tcp(sb.toString());
            assertFalse(PayloadInspector.inspect(s.payloadArray(), p.data, p.payloadOffset, p.payloadLength, small));
            assertEquals(1, small.budgetExhausted);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
