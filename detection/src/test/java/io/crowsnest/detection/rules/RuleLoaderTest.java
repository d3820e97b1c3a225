package io.crowsnest.detection.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.detection.TestSupport;
import io.crowsnest.detection.inspect.ContentMatch;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleLoaderTest {
    private final RuleVariables vars = RuleVariables.suricataDefaults();

    private RuleLoadResult load(String text) {
        return new RuleLoader().load(text, "t.rules", vars);
    }

    private Signature one(String rule) {
        RuleLoadResult r = load(rule);
        assertEquals(List.of(), r.errors());
        assertEquals(1, r.signatures().size());
        return r.signatures().get(0);
    }

    private RuleError err(String rule) {
        RuleLoadResult r = load(rule);
        assertEquals(1, r.errors().size(), () -> "expected one error, got " + r.errors());
        return r.errors().get(0);
    }

    @Test
    void basicFieldsAndDefaults() {
        Signature s = one("alert tcp any any -> any any (msg:\"hello \\\"x\\\" \\; y\"; sid:7; rev:3;)");
        assertEquals(7, s.sid());
        assertEquals(1, s.gid());
        assertEquals(3, s.rev());
        assertEquals("hello \"x\" ; y", s.msg());
        assertEquals(Action.ALERT, s.actionType());
        assertEquals("alert", s.action());
        assertEquals(3, s.priority());
        assertEquals("", s.category());
        assertNull(s.classtype());
        assertEquals("t.rules", s.sourceFile());
        assertEquals(1, s.sourceLine());
    }

    @Test
    void actionsAndProtocols() {
        for (String a : new String[] {"alert", "drop", "pass", "reject", "rejectsrc", "rejectdst", "rejectboth"}) {
            assertEquals(a, one(a + " ip any any -> any any (sid:1;)").action());
        }
        for (String p : new String[] {"tcp", "udp", "icmp", "icmpv6", "ip", "pkthdr"}) {
            one("alert " + p + " any any -> any any (sid:1;)");
        }
        Signature h = one("alert http any any -> any any (sid:5;)");
        assertEquals("app-layer protocol http", h.waitingOn());
        assertEquals(Signature.Proto.TCP, h.proto());
        assertEquals(Signature.Proto.IP, one("alert dns any any -> any any (sid:5;)").proto());
        RuleError e = err("alert tcp any any -> any any (bogus; sid:5;)");
        assertEquals(5, e.sid());
        assertEquals("unknown protocol 'foo'", err("alert foo any any -> any any (sid:5;)").message());
        assertEquals("unknown action 'warn'", err("warn tcp any any -> any any (sid:5;)").message());
    }

    @Test
    void classtypeAndPriority() {
        Signature s = one("alert tcp any any -> any any (classtype:web-application-attack; sid:1;)");
        assertEquals("web-application-attack", s.classtype());
        assertEquals("Web Application Attack", s.category());
        assertEquals(1, s.priority());
        Signature t = one("alert tcp any any -> any any (classtype:bad-unknown; priority:4; sid:1;)");
        assertEquals(4, t.priority());
        assertEquals(4, t.severity());
        assertEquals("Potentially Bad Traffic", t.category());
        assertTrue(err("alert tcp any any -> any any (classtype:nope; sid:1;)").message()
                .startsWith("unknown classtype 'nope'"));
    }

    @Test
    void metadataReferenceTarget() {
        Signature s = one("alert tcp any any -> any any (metadata: former_category MALWARE, tag a, tag b; "
                + "reference:url,example.com; target:dest_ip; sid:1;)");
        assertEquals(List.of("MALWARE"), s.metadata().get("former_category"));
        assertEquals(List.of("a", "b"), s.metadata().get("tag"));
        assertEquals(List.of("former_category", "tag"), List.copyOf(s.metadata().keySet()));
        assertEquals(List.of("url,example.com"), s.references());
        assertEquals("dest_ip", s.target());
    }

    @Test
    void contentEscapesAndHex() {
        Signature s = one("alert tcp any any -> any any (content:\"a|3b 3A|\\;\\\"\\\\|00|\"; sid:1;)");
        ContentMatch c = s.lastContent();
        assertEquals("a;:;\"\\\0", new String(c.pattern, StandardCharsets.ISO_8859_1));
        assertTrue(one("alert tcp any any -> any any (content:!\"x\"; sid:1;)").lastContent().negated);
        assertTrue(err("alert tcp any any -> any any (content:\"|4|\"; sid:3;)").message().contains("for content"));
        assertTrue(err("alert tcp any any -> any any (content:\"\\x\"; sid:3;)").message().contains("invalid escape"));
        assertTrue(err("alert tcp any any -> any any (content:abc; sid:3;)").message().contains("double quotes"));
    }

    @Test
    void multiLineCommentsAndDisabled() {
        String text = "# a comment\n\n# alert tcp any any -> any any (sid:9;)\n"
                + "alert tcp any any -> any any (msg:\"x\"; \\\n   content:\"abc\"; \\\n sid:2;)\n"
                + "alert tcp any any -> any any (bogus; sid:3;)\n";
        RuleLoadResult r = load(text);
        assertEquals(2, r.total());
        assertEquals(1, r.signatures().size());
        assertEquals(4, r.signatures().get(0).sourceLine());
        assertEquals(1, r.errors().size());
        RuleError e = r.errors().get(0);
        assertEquals(7, e.line());
        assertEquals(3, e.sid());
        assertEquals("t.rules", e.file());
        assertTrue(e.message().startsWith("unknown keyword 'bogus'"), e.message());
    }

    @Test
    void badValueWithColumn() {
        String rule = "alert tcp any any -> any any (content:\"ab\"; depth:x; sid:4;)";
        RuleError e = err(rule);
        assertEquals("bad value 'x' for depth (not a number nor a byte_extract variable of this rule) at column "
                + (rule.indexOf("x;") + 1), e.message());
        assertEquals(4, e.sid());
    }

    @Test
    void undefinedVariables() {
        assertEquals("undefined variable $FOO", err("alert tcp $FOO any -> any any (sid:1;)").message());
        assertEquals("undefined variable $BAR", err("alert tcp any $BAR -> any any (sid:1;)").message());
        assertTrue(err("alert tcp $HTTP_PORTS any -> any any (sid:1;)").message().contains("port variable"));
    }

    @Test
    void errorsHaveSidZeroWhenUnknown() {
        RuleError e = err("alert tcp any any -> any any (msg:\"x\";)");
        assertEquals(0, e.sid());
        assertEquals("rule has no sid", e.message());
        assertTrue(err("alert tcp any any -> any any (msg:\"x\"; sid:1;").message().contains("end with ')'"));
        assertTrue(err("alert tcp any any any any (sid:1;)").message().contains("7 fields"));
        assertTrue(err("alert tcp any any <- any any (sid:1;)").message().contains("bad direction"));
    }

    @Test
    void appLayerBuffers() {
        // legacy modifier: the content moves to the buffer; the rule loads and waits on it
        Signature s = one("alert tcp any any -> any any (content:\"x\"; http_uri; content:\"y\"; sid:1;)");
        assertEquals("app-layer buffer http.uri", s.waitingOn());
        assertEquals(1, s.buffers().get("http.uri").size());
        assertEquals(1, s.payload().size());
        // sticky buffers bind what follows; pkt_data goes back to the payload
        s = one("alert tcp any any -> any any (http.uri; content:\"a\"; bsize:5; pkt_data; content:\"b\"; sid:1;)");
        assertEquals(2, s.buffers().get("http.uri").size());
        assertEquals(1, s.payload().size());
        assertEquals("app-layer buffer dns.query",
                one("alert dns any any -> any any (dns.query; content:\"x\"; sid:1;)").waitingOn());
        s = one("alert tcp any any -> any any (content:\"x\"; pcre:\"/a/U\"; sid:1;)");
        assertEquals("app-layer buffer http.uri", s.waitingOn());
        assertEquals(1, s.payload().size());
        assertEquals("app-layer buffer file.data",
                one("alert tcp any any -> any any (file_data; content:\"x\"; sid:1;)").waitingOn());
        s = one("alert http any any -> any any (http.host; dotprefix; content:\".example.com\"; endswith; sid:1;)");
        assertEquals(List.of("dotprefix"), s.transforms().get("http.host"));
        assertEquals(".www.example.com", new String(s.transform("http.host", "www.example.com".getBytes())));
        assertTrue(err("alert tcp any any -> any any (to_lowercase; content:\"x\"; sid:1;)").message()
                .startsWith("transform to_lowercase needs a sticky buffer"));
        // app-layer rules are bound to the app layer's buffers: never matched on the bare packet payload
        TestSupport.Harness hh = TestSupport.harness("alert tcp any any -> any any (http.uri; content:\"evil\"; sid:1;)");
        assertEquals(0, hh.engine.waitingCount());
        assertEquals(1, hh.engine.appLayerBoundCount());
        assertTrue(hh.run(TestSupport.tcp("GET /evil HTTP/1.1"), TestSupport.flow(), 0).isEmpty());
        // buffers the app layer does not feed stay parked
        hh = TestSupport.harness("alert tcp any any -> any any (smb.share; content:\"evil\"; sid:1;)");
        assertEquals(1, hh.engine.waitingCount());
    }

    @Test
    void contentModifierErrors() {
        assertTrue(err("alert tcp any any -> any any (depth:3; sid:1;)").message().startsWith("depth needs a preceding content"));
        assertTrue(err("alert tcp any any -> any any (content:\"a\"; nocase:1; sid:1;)").message().contains("takes no value"));
        assertTrue(err("alert tcp any any -> any any (content:\"abc\"; within:2; sid:1;)").message().contains("within smaller"));
        assertTrue(err("alert tcp any any -> any any (content:\"a\"; content:\"b\"; distance:0; depth:3; sid:1;)")
                .message().contains("relative keyword"));
        assertTrue(err("alert tcp any any -> any any (content:\"a\"; fast_pattern:2,5; sid:1;)").message()
                .contains("exceeds content length"));
    }

    @Test
    void duplicateSid() {
        RuleLoadResult r = load("alert tcp any any -> any any (sid:1; rev:1;)\nalert tcp any any -> any any (sid:1; rev:1;)");
        assertEquals(1, r.signatures().size());
        assertEquals(1, r.errors().size());
        assertEquals(2, r.errors().get(0).line());
        assertTrue(r.errors().get(0).message().startsWith("duplicate signature"));
    }

    @Test
    void addressesMatch() throws Exception {
        AddressSet home = AddressSet.parse("$HOME_NET", vars);
        long[] a = TestSupport.addr("192.168.1.5"), b = TestSupport.addr("8.8.8.8");
        assertTrue(home.matches(a[0], a[1], true));
        assertFalse(home.matches(b[0], b[1], true));
        AddressSet ext = AddressSet.parse("$EXTERNAL_NET", vars);
        assertFalse(ext.matches(a[0], a[1], true));
        assertTrue(ext.matches(b[0], b[1], true));
        AddressSet nested = AddressSet.parse("[10.0.0.0/8,![10.1.0.0/16,!10.1.2.3],1.2.3.4-1.2.3.6]", vars);
        long[] x1 = TestSupport.addr("10.9.9.9"), x2 = TestSupport.addr("10.1.1.1"), x3 = TestSupport.addr("1.2.3.5");
        assertTrue(nested.matches(x1[0], x1[1], true));
        assertFalse(nested.matches(x2[0], x2[1], true));
        assertTrue(nested.matches(x3[0], x3[1], true));
        AddressSet v6 = AddressSet.parse("2001:db8::/32", vars);
        assertTrue(v6.matches(0x20010db800000000L, 1, false));
        assertFalse(v6.matches(0x20010db900000000L, 1, false));
        assertFalse(v6.matches(a[0], a[1], true));
        assertTrue(AddressSet.parse("!1.2.3.4", vars).matches(a[0], a[1], true));
        assertThrows("address !any matches nothing", () -> AddressSet.parse("!any", vars));
        assertThrows("bad address '1.2.3'", () -> AddressSet.parse("1.2.3", vars));
    }

    @Test
    void portsMatch() throws Exception {
        PortSet p = PortSet.parse("[1024:,!8080,$HTTP_PORTS]", vars);
        assertTrue(p.matches(80));
        assertTrue(p.matches(5000));
        assertFalse(p.matches(8080));
        assertFalse(p.matches(443));
        assertTrue(PortSet.parse(":1023", vars).matches(0));
        assertFalse(PortSet.parse(":1023", vars).matches(1024));
        assertTrue(PortSet.parse("80:90", vars).matches(85));
        assertFalse(PortSet.parse("$SHELLCODE_PORTS", vars).matches(80));
        assertTrue(PortSet.parse("$FILE_DATA_PORTS", vars).matches(143));
        assertThrows("bad port '70000'", () -> PortSet.parse("70000", vars));
    }

    @Test
    void setOverridesVariables() throws Exception {
        RuleVariables v = RuleVariables.suricataDefaults().set("HOME_NET", "[1.2.3.0/24]").set("HTTP_PORTS", "[80,8080]");
        long[] a = TestSupport.addr("1.2.3.9");
        assertTrue(AddressSet.parse("$HOME_NET", v).matches(a[0], a[1], true));
        assertTrue(PortSet.parse("$HTTP_PORTS", v).matches(8080));
        assertTrue(PortSet.parse("$FILE_DATA_PORTS", v).matches(8080));
    }

    private interface Thrower {
        void run() throws Exception;
    }

    private static void assertThrows(String msg, Thrower t) {
        try {
            t.run();
        } catch (RuleParseException e) {
            assertEquals(msg, e.getMessage());
            return;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("no exception, expected " + msg);
    }
}
