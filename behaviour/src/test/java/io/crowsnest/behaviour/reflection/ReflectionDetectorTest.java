package io.crowsnest.behaviour.reflection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.behaviour.BehaviourAlert;
import io.crowsnest.behaviour.BehaviourConfig;
import io.crowsnest.behaviour.BehaviourContext;
import io.crowsnest.behaviour.FlowRecord;
import io.crowsnest.behaviour.TxRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReflectionDetectorTest {
    static final long T0 = 1_700_000_000_000_000_000L;
    static final long MS = 1_000_000L;
    static final String VICTIM = "10.244.3.7";
    static final String RESOLVER = "10.96.0.10";
    static final String RESOLVER2 = "10.96.0.11";

    final List<BehaviourAlert> alerts = new ArrayList<>();

    static ReflectionDetector detector(String... settings) {
        BehaviourConfig cfg = BehaviourConfig.defaults();
        for (String s : settings) {
            cfg.set(s);
        }
        return new ReflectionDetector(new BehaviourContext(null, cfg, null));
    }

    static FlowRecord udp(String client, int clientPort, String server, int serverPort, long t, long req, long resp) {
        FlowRecord f = new FlowRecord();
        f.client = client;
        f.clientPort = clientPort;
        f.server = server;
        f.serverPort = serverPort;
        f.proto = 17;
        f.appProto = serverPort == 53 ? "dns" : null;
        f.startNanos = t;
        f.endNanos = t + 2 * MS;
        f.pktsToServer = 1;
        f.pktsToClient = resp > 0 ? Math.max(1, resp / 1400) : 0;
        f.bytesToServer = req;
        f.bytesToClient = resp;
        return f;
    }

    static TxRecord dns(String client, String server, long t, String name, String type, int edns) {
        TxRecord x = new TxRecord();
        x.proto = "dns";
        x.client = client;
        x.clientPort = 40000;
        x.server = server;
        x.serverPort = 53;
        x.startNanos = t;
        x.endNanos = t + MS;
        x.dnsName = name;
        x.dnsType = type;
        x.ednsSize = edns;
        x.dnsQuerySeen = true;
        x.dnsResponse = true;
        x.dnsAnswers = 1;
        return x;
    }

    /** Spoofed DNS queries "from" the victim, 10 a second for {@code seconds}; RESOLVER answers 2 of 3. */
    void dnsAmplification(ReflectionDetector d, int seconds) {
        for (int i = 0; i < seconds * 10; i++) {
            String reflector = i % 3 == 2 ? RESOLVER2 : RESOLVER;
            d.flow(udp(VICTIM, 1024 + i % 60000, reflector, 53, T0 + i * 100 * MS, 64, 3000), alerts::add);
            if (i % 10 == 0) {
                d.tick(T0 + i * 100 * MS, alerts::add);
            }
        }
    }

    @Test
    void dnsAmplificationFiresWithExplanation() {
        ReflectionDetector d = detector();
        dnsAmplification(d, 3);
        assertEquals(1, alerts.size(), alerts.toString());
        BehaviourAlert a = alerts.get(0);
        assertEquals(ReflectionDetector.SID_DNS_AMPLIFICATION, a.sid);
        assertEquals("Attempted Denial of Service", a.category);
        assertEquals(2, a.severity);
        assertEquals(RESOLVER, a.src, "the reflector sending most bytes is the source");
        assertEquals(VICTIM, a.dst);
        assertEquals(17, a.proto);
        // 20480 response bytes are reached by the 7th flow (7 × 3000), ratio 3000 / 64
        assertEquals(21000L, a.behaviour.get("response_bytes"));
        assertEquals(7 * 64L, a.behaviour.get("request_bytes"));
        assertEquals(Math.round(3000.0 / 64 * 100) / 100.0, a.behaviour.get("observed"));
        assertEquals(5.0, a.behaviour.get("threshold"));
        assertEquals(5.0, a.behaviour.get("baseline"));
        assertEquals("default", a.behaviour.get("baseline_source"));
        assertEquals(60.0, a.behaviour.get("window_s"));
        assertEquals(2L, a.behaviour.get("reflectors"));
        assertEquals("reflection", a.behaviour.get("detector"));
        @SuppressWarnings("unchecked")
        List<String> top = (List<String>) a.behaviour.get("top_flows");
        assertTrue(top.get(0).startsWith(VICTIM + ":1024 -> " + RESOLVER + ":53 udp"), top.toString());
        assertTrue(top.size() <= 6, "5 flows and a '… and N more' line at most");
    }

    @Test
    void longAttackAlertsOncePerCooldown() {
        ReflectionDetector d = detector();
        dnsAmplification(d, 300); // 5 minutes, many windows
        assertEquals(1, alerts.size());
    }

    @Test
    void shorterCooldownAlertsAgainAfterIt() {
        ReflectionDetector d = detector("reflection.cooldown_s=60");
        dnsAmplification(d, 300);
        assertTrue(alerts.size() >= 4 && alerts.size() <= 5, alerts.size() + " alerts");
        for (int i = 1; i < alerts.size(); i++) {
            assertTrue(alerts.get(i).tsNanos - alerts.get(i - 1).tsNanos >= 60_000 * MS);
        }
    }

    @Test
    void normalDnsDoesNotFire() {
        ReflectionDetector d = detector();
        // a busy client: 600 lookups a minute with ordinary answers (ratio ~3, 120 KB)
        for (int i = 0; i < 600; i++) {
            d.flow(udp(VICTIM, 30000 + i, RESOLVER, 53, T0 + i * 100 * MS, 70, 200), alerts::add);
            d.tx(dns(VICTIM, RESOLVER, T0 + i * 100 * MS, "svc" + i % 7 + ".example.com", "A", 1232), alerts::add);
        }
        // a few big (DNSSEC / TXT) answers: high ratio but little volume
        for (int i = 0; i < 4; i++) {
            d.flow(udp("10.244.3.8", 30000 + i, RESOLVER, 53, T0 + i * MS, 70, 4000), alerts::add);
        }
        assertTrue(alerts.isEmpty(), alerts.toString());
    }

    @Test
    void ratioThresholdOverrideSuppresses() {
        ReflectionDetector d = detector("reflection.dns_ratio=100");
        dnsAmplification(d, 3);
        assertTrue(alerts.isEmpty());
    }

    @Test
    void volumeThresholdOverrideFiresEarlier() {
        ReflectionDetector d = detector("reflection.dns_min_response_bytes=5000");
        dnsAmplification(d, 1);
        assertEquals(1, alerts.size());
        assertEquals(6000L, alerts.get(0).behaviour.get("response_bytes"));
        assertEquals(5000L, alerts.get(0).behaviour.get("min_response_bytes"));
    }

    @Test
    void anyAndLargeEdnsQueriesFire() {
        ReflectionDetector d = detector();
        for (int i = 0; i < 30; i++) {
            String type = i % 2 == 0 ? "ANY" : "TXT";
            int edns = i % 2 == 0 ? 0 : 4096;
            d.tx(dns(VICTIM, RESOLVER, T0 + i * 500 * MS, "isc.org", type, edns), alerts::add);
        }
        assertEquals(1, alerts.size());
        BehaviourAlert a = alerts.get(0);
        assertEquals(ReflectionDetector.SID_DNS_AMPLIFYING_QUERIES, a.sid);
        assertEquals(20L, a.behaviour.get("observed"));
        assertEquals(RESOLVER, a.src);
        assertEquals(VICTIM, a.dst);
        assertEquals("TXT isc.org edns=4096", a.behaviour.get("sample"));
    }

    @Test
    void fewAnyQueriesAndSmallEdnsDoNotFire() {
        ReflectionDetector d = detector();
        for (int i = 0; i < 19; i++) {
            d.tx(dns(VICTIM, RESOLVER, T0 + i * 500 * MS, "isc.org", "ANY", 0), alerts::add);
        }
        for (int i = 0; i < 200; i++) {
            d.tx(dns(VICTIM, RESOLVER, T0 + i * 100 * MS, "api.example.com", "AAAA", 1232), alerts::add);
        }
        assertTrue(alerts.isEmpty(), alerts.toString());
    }

    @Test
    void unsolicitedAnswersFire() {
        ReflectionDetector d = detector();
        for (int i = 0; i < 15; i++) {
            TxRecord x = dns(VICTIM, RESOLVER2, T0 + i * 1000 * MS, "x" + i + ".example.net", "A", 0);
            x.dnsQuerySeen = false;
            d.tx(x, alerts::add);
        }
        assertEquals(1, alerts.size());
        BehaviourAlert a = alerts.get(0);
        assertEquals(ReflectionDetector.SID_DNS_UNSOLICITED, a.sid);
        assertEquals(RESOLVER2, a.src);
        assertEquals(VICTIM, a.dst);
        assertEquals(10L, a.behaviour.get("unsolicited_answers"));
        assertEquals("x9.example.net", a.behaviour.get("sample"));
    }

    @Test
    void unsolicitedAnswersSpreadOverWindowsDoNotFire() {
        ReflectionDetector d = detector();
        for (int i = 0; i < 30; i++) { // one every 10 s: at most 6 per 60 s window
            TxRecord x = dns(VICTIM, RESOLVER2, T0 + i * 10_000 * MS, "late.example.net", "A", 0);
            x.dnsQuerySeen = false;
            d.tx(x, alerts::add);
        }
        assertTrue(alerts.isEmpty(), alerts.toString());
    }

    @Test
    void memcachedReflectionFires() {
        ReflectionDetector d = detector();
        for (int i = 0; i < 10; i++) {
            d.flow(udp(VICTIM, 5000 + i, "10.244.9.9", 11211, T0 + i * 200 * MS, 15, 14000), alerts::add);
        }
        assertEquals(1, alerts.size());
        BehaviourAlert a = alerts.get(0);
        assertEquals(ReflectionDetector.SID_UDP_REFLECTOR, a.sid);
        assertEquals("10.244.9.9", a.src);
        assertEquals(11211, a.srcPort);
        assertEquals(VICTIM, a.dst);
        assertEquals("memcached", a.behaviour.get("service"));
        assertEquals(28000L, a.behaviour.get("response_bytes"));
        assertEquals(Math.round(28000.0 / 30 * 100) / 100.0, a.behaviour.get("observed"));
        assertTrue(a.msg.contains("memcached"));
    }

    @Test
    void ordinaryNtpDoesNotFire() {
        ReflectionDetector d = detector();
        for (int i = 0; i < 1000; i++) {
            d.flow(udp("10.244.3." + i % 50, 123, "10.0.0.1", 123, T0 + i * 50 * MS, 48, 48), alerts::add);
        }
        // and an unlisted port with a big ratio is not this detector's business
        d.flow(udp(VICTIM, 5000, "10.0.0.2", 8125, T0, 10, 100_000), alerts::add);
        assertTrue(alerts.isEmpty(), alerts.toString());
    }

    @Test
    void stateStaysBounded() {
        ReflectionDetector d = detector("max_keys=16");
        for (int i = 0; i < 100; i++) {
            d.flow(udp("10.1." + i / 250 + "." + i % 250, 1000, RESOLVER, 53, T0 + i * MS, 60, 3000), alerts::add);
            d.flow(udp("10.1." + i / 250 + "." + i % 250, 1000, RESOLVER, 123, T0 + i * MS, 48, 48), alerts::add);
        }
        assertEquals(16L, d.stats().get("dns_victims_tracked"));
        assertEquals(84L, d.stats().get("dns_victims_evicted"));
        assertEquals(16L, d.stats().get("udp_victim_ports_tracked"));
        assertEquals(84L, d.stats().get("udp_victim_ports_evicted"));
    }

    @Test
    void endedWindowsAreDropped() {
        ReflectionDetector d = detector();
        for (int i = 0; i < 50; i++) {
            d.flow(udp("10.1.0." + i, 1000, RESOLVER, 53, T0, 60, 100), alerts::add);
        }
        assertEquals(50L, d.stats().get("dns_victims_tracked"));
        d.tick(T0 + 61_000 * MS, alerts::add);
        assertEquals(0L, d.stats().get("dns_victims_tracked"));
    }
}
