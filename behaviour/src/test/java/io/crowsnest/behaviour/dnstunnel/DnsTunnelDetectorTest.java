package io.crowsnest.behaviour.dnstunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.behaviour.BehaviourAlert;
import io.crowsnest.behaviour.BehaviourConfig;
import io.crowsnest.behaviour.BehaviourContext;
import io.crowsnest.behaviour.TxRecord;
import io.crowsnest.behaviour.profile.Profile;
import io.crowsnest.behaviour.profile.WorkloadProfile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DnsTunnelDetectorTest {
    static final long T0 = 1_700_000_000_000_000_000L;
    static final long SEC = 1_000_000_000L;
    static final String CLIENT = "10.244.6.6";
    static final String RESOLVER = "10.96.0.10";

    final List<BehaviourAlert> alerts = new ArrayList<>();

    static DnsTunnelDetector detector(Profile p, String... settings) {
        BehaviourConfig cfg = BehaviourConfig.defaults();
        for (String s : settings) {
            cfg.set(s);
        }
        return new DnsTunnelDetector(new BehaviourContext(p, cfg, null));
    }

    static TxRecord query(String client, long t, String name, String type) {
        TxRecord x = new TxRecord();
        x.proto = "dns";
        x.client = client;
        x.clientPort = 53001;
        x.server = RESOLVER;
        x.serverPort = 53;
        x.startNanos = t;
        x.endNanos = t + SEC / 100;
        x.dnsName = name;
        x.dnsType = type;
        x.dnsQuerySeen = true;
        x.dnsResponse = true;
        return x;
    }

    /** Random lower-case hex of length {@code n}: what dnscat-style tunnels put in the first label. */
    static String hex(Random r, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(Character.forDigit(r.nextInt(16), 16));
        }
        return sb.toString();
    }

    static List<String> tunnelNames(int count) {
        Random r = new Random(42);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(hex(r, 40) + ".t.evil-tunnel.com");
        }
        return names;
    }

    /** Entropy computed here independently of the detector's helper. */
    static double shannon(String s) {
        Map<Character, Integer> counts = new HashMap<>();
        for (char c : s.toCharArray()) {
            counts.merge(c, 1, Integer::sum);
        }
        double h = 0;
        for (int c : counts.values()) {
            double p = (double) c / s.length();
            h -= p * Math.log(p) / Math.log(2);
        }
        return h;
    }

    @Test
    void encodedSubdomainsFire() {
        DnsTunnelDetector d = detector(null);
        List<String> names = tunnelNames(50);
        for (int i = 0; i < names.size(); i++) {
            d.tx(query(CLIENT, T0 + i * 2 * SEC, names.get(i), "TXT"), alerts::add);
        }
        assertEquals(1, alerts.size());
        BehaviourAlert a = alerts.get(0);
        assertEquals(DnsTunnelDetector.SID_ENCODED_SUBDOMAINS, a.sid);
        assertEquals("Potentially Bad Traffic", a.category);
        assertEquals(2, a.severity);
        assertEquals(CLIENT, a.src);
        assertEquals(RESOLVER, a.dst);
        assertEquals(53, a.dstPort);
        assertEquals(T0 + 29 * 2 * SEC + SEC / 100, a.tsNanos, "fires at the 30th distinct name");
        assertEquals("evil-tunnel.com", a.behaviour.get("base_domain"));
        assertEquals(30L, a.behaviour.get("unique_subdomains"));
        assertEquals(30L, a.behaviour.get("observed"));
        assertEquals(30.0, a.behaviour.get("threshold"));
        assertEquals("default", a.behaviour.get("baseline_source"));
        assertEquals(300.0, a.behaviour.get("window_s"));
        assertEquals(40.0, a.behaviour.get("mean_label_length"));
        double entropy = 0;
        for (int i = 0; i < 30; i++) {
            entropy += shannon(names.get(i).substring(0, 40)) / 30;
        }
        assertEquals(Math.round(entropy * 100) / 100.0, a.behaviour.get("mean_entropy"));
        assertTrue(entropy >= 3.5, "random hex is ~4 bits/char: " + entropy);
        assertEquals(1.0, a.behaviour.get("unusual_type_share"));
        assertEquals(30L * names.get(0).length(), a.behaviour.get("qname_bytes"));
        assertEquals(names.subList(0, 3), a.behaviour.get("sample"));
    }

    @Test
    void shortButRandomLabelsFireOnEntropy() {
        DnsTunnelDetector d = detector(null);
        Random r = new Random(3);
        String alphabet = "abcdefghijklmnopqrstuvwxyz234567"; // base32
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            StringBuilder sb = new StringBuilder();
            for (int j = 0; j < 20; j++) {
                sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            labels.add(sb.toString());
            d.tx(query(CLIENT, T0 + i * SEC, sb + ".c2.example.net", "NULL"), alerts::add);
        }
        assertEquals(1, alerts.size());
        BehaviourAlert a = alerts.get(0);
        assertEquals(DnsTunnelDetector.SID_ENCODED_SUBDOMAINS, a.sid);
        assertEquals(20.0, a.behaviour.get("mean_label_length"), "below the length rule: entropy decides");
        double entropy = 0;
        for (String l : labels.subList(0, 30)) {
            entropy += shannon(l) / 30;
        }
        assertEquals(Math.round(entropy * 100) / 100.0, a.behaviour.get("mean_entropy"));
        assertTrue(entropy >= 3.5, "" + entropy);
    }

    @Test
    void lowEntropyHighVolumeFiresTheVolumeSid() {
        DnsTunnelDetector d = detector(null);
        int nameLength = 0;
        for (int i = 0; i < 200; i++) {
            // data spelled in two letters over eight short labels: low entropy, short labels, long names
            String label = Integer.toBinaryString(4096 + i).replace('0', 'a').replace('1', 'b');
            String name = String.join(".", label, label, label, label, label, label, label, label)
                    + ".data.slow-exfil.net";
            nameLength = name.length();
            d.tx(query(CLIENT, T0 + i * SEC, name, "A"), alerts::add);
        }
        assertEquals(1, alerts.size());
        BehaviourAlert a = alerts.get(0);
        assertEquals(DnsTunnelDetector.SID_VOLUME, a.sid);
        long needed = (10240 + nameLength - 1) / nameLength;
        assertEquals(needed, a.behaviour.get("unique_subdomains"));
        assertEquals(needed * nameLength, a.behaviour.get("qname_bytes"));
        assertTrue((double) a.behaviour.get("mean_entropy") < 3.5);
        assertTrue((double) a.behaviour.get("mean_label_length") < 25);
        assertEquals("slow-exfil.net", a.behaviour.get("base_domain"));
    }

    @Test
    void cdnAndOrdinaryBrowsingDoNotFire() {
        DnsTunnelDetector d = detector(null);
        Random r = new Random(1);
        String[] cdn = new String[5];
        for (int i = 0; i < cdn.length; i++) {
            cdn[i] = "d" + hex(r, 30) + ".cloudfront.net";
        }
        for (int i = 0; i < 1000; i++) {
            long t = T0 + i * SEC / 4;
            d.tx(query(CLIENT, t, cdn[i % cdn.length], i % 2 == 0 ? "A" : "AAAA"), alerts::add);  // long, repeated
            d.tx(query(CLIENT, t, "api" + (i % 60) + ".example.com", "A"), alerts::add);         // many, short
            d.tx(query(CLIENT, t, "shop.example.co.uk", "CNAME"), alerts::add);
        }
        assertTrue(alerts.isEmpty(), alerts.toString());
    }

    @Test
    void clusterLocalAndReverseLookupsAreIgnored() {
        DnsTunnelDetector d = detector(null);
        List<String> names = tunnelNames(60);
        for (int i = 0; i < names.size(); i++) {
            long t = T0 + i * SEC;
            d.tx(query(CLIENT, t, names.get(i) + ".default.svc.cluster.local", "A"), alerts::add);
            d.tx(query(CLIENT, t, (i % 250) + "." + (i / 250) + ".244.10.in-addr.arpa.", "PTR"), alerts::add);
        }
        assertTrue(alerts.isEmpty(), alerts.toString());
        assertEquals(0L, d.stats().get("client_domains_tracked"));
    }

    @Test
    void baselineNamesAreNeverCounted() {
        List<String> names = tunnelNames(50);
        Profile p = new Profile();
        WorkloadProfile w = new WorkloadProfile();
        w.dnsNames.addAll(names);
        p.workloads.put(CLIENT, w);
        DnsTunnelDetector d = detector(p);
        for (int i = 0; i < names.size(); i++) {
            d.tx(query(CLIENT, T0 + i * SEC, names.get(i).toUpperCase() + ".", "TXT"), alerts::add);
        }
        assertTrue(alerts.isEmpty(), alerts.toString());
        assertEquals(50L, d.stats().get("baseline_names_skipped"));
    }

    @Test
    void withABaselineTheAlertShowsTheLearnedNameCount() {
        Profile p = new Profile();
        WorkloadProfile w = new WorkloadProfile();
        w.dnsNames.add("www.evil-tunnel.com");
        w.dnsNames.add("cdn.evil-tunnel.com");
        w.dnsNames.add("www.example.com");
        p.workloads.put(CLIENT, w);
        DnsTunnelDetector d = detector(p);
        for (String n : tunnelNames(30)) {
            d.tx(query(CLIENT, T0, n, "A"), alerts::add);
        }
        assertEquals(1, alerts.size());
        assertEquals(2L, alerts.get(0).behaviour.get("baseline"));
        assertEquals("profile", alerts.get(0).behaviour.get("baseline_source"));
        assertEquals(0.0, alerts.get(0).behaviour.get("unusual_type_share"));
    }

    @Test
    void longTunnelAlertsOncePerCooldown() {
        DnsTunnelDetector d = detector(null);
        List<String> names = tunnelNames(540);
        for (int i = 0; i < names.size(); i++) { // 9 minutes, one query a second
            d.tx(query(CLIENT, T0 + i * SEC, names.get(i), "TXT"), alerts::add);
            d.tick(T0 + i * SEC, alerts::add);
        }
        assertEquals(1, alerts.size());
        DnsTunnelDetector shortCooldown = detector(null, "dns-tunnel.cooldown_s=120");
        alerts.clear();
        for (int i = 0; i < names.size(); i++) {
            shortCooldown.tx(query(CLIENT, T0 + i * SEC, names.get(i), "TXT"), alerts::add);
        }
        // the attack qualifies from 29 s on (and from 329 s in the second window): one alert per 120 s,
        // at 29, 149, 269, 389 and 509 s
        assertEquals(5, alerts.size());
        for (int i = 0; i < alerts.size(); i++) {
            assertEquals(T0 + (29 + 120L * i) * SEC + SEC / 100, alerts.get(i).tsNanos);
        }
    }

    @Test
    void thresholdOverride() {
        DnsTunnelDetector d = detector(null, "dns-tunnel.min_unique=100");
        List<String> names = tunnelNames(120);
        for (int i = 0; i < 99; i++) {
            d.tx(query(CLIENT, T0 + i * SEC, names.get(i), "TXT"), alerts::add);
        }
        assertTrue(alerts.isEmpty());
        for (int i = 99; i < 120; i++) {
            d.tx(query(CLIENT, T0 + i * SEC, names.get(i), "TXT"), alerts::add);
        }
        assertEquals(1, alerts.size());
        assertEquals(100L, alerts.get(0).behaviour.get("unique_subdomains"));
        assertEquals("config", alerts.get(0).behaviour.get("baseline_source"));
    }

    @Test
    void distinctNamesAreCountedUpToACap() {
        DnsTunnelDetector d = detector(null, "dns-tunnel.min_qname_bytes=12000");
        for (int i = 0; i < 600; i++) { // ~24-byte low-entropy names: the volume is only reached past the cap
            d.tx(query(CLIENT, T0 + i * SEC / 10, "n" + (100000 + i) + ".x.plain-names.org", "A"), alerts::add);
        }
        assertEquals(1, alerts.size());
        BehaviourAlert a = alerts.get(0);
        assertEquals(DnsTunnelDetector.SID_VOLUME, a.sid);
        assertEquals((long) DomainWindow.MAX_UNIQUE, a.behaviour.get("unique_subdomains"));
        assertEquals(true, a.behaviour.get("unique_capped"));
        assertTrue((long) a.behaviour.get("qname_bytes") >= 12000);
    }

    @Test
    void stateStaysBounded() {
        DnsTunnelDetector d = detector(null, "max_keys=20");
        for (int i = 0; i < 100; i++) {
            d.tx(query(CLIENT, T0 + i * SEC, "www.site" + i + ".com", "A"), alerts::add);
        }
        assertEquals(20L, d.stats().get("client_domains_tracked"));
        assertEquals(80L, d.stats().get("client_domains_evicted"));
        d.tick(T0 + 1000 * SEC, alerts::add);
        assertEquals(0L, d.stats().get("client_domains_tracked"));
    }

    @Test
    void domainNameHelpers() {
        assertEquals("example.com", DomainNames.base("a.b.example.com"));
        assertEquals("example.co.uk", DomainNames.base("x.example.co.uk"));
        assertEquals("example.com.au", DomainNames.base("www.example.com.au"));
        assertEquals("example.de", DomainNames.base("co.example.de"));
        assertEquals("localhost", DomainNames.base("localhost"));
        assertEquals("abcdef", DomainNames.longestLabel("ab.abcdef.cd.example.com", "example.com"));
        assertEquals("", DomainNames.longestLabel("example.com", "example.com"));
        assertEquals(0.0, DomainNames.entropy("aaaa"));
        assertEquals(2.0, DomainNames.entropy("abcd"), 1e-9);
        assertEquals("x.example.com", DomainNames.normalise("X.Example.COM."));
        assertTrue(DomainNames.unusualType("txt"));
        assertTrue(DomainNames.unusualType("TYPE65399"));
        assertTrue(DomainNames.unusualType("16"));
        assertFalse(DomainNames.unusualType("AAAA"));
        assertFalse(DomainNames.unusualType("28"));
    }

    @Test
    void hashSetCountsDistinctUpToCap() {
        HashSet64 s = new HashSet64(100);
        for (int i = 0; i < 1000; i++) {
            s.add(DomainNames.hash("name" + (i % 80)));
        }
        assertEquals(80, s.size());
        for (int i = 0; i < 1000; i++) {
            s.add(DomainNames.hash("other" + i));
        }
        assertEquals(100, s.size());
        assertEquals(HashSet64.PRESENT, s.add(DomainNames.hash("name5")));
        assertEquals(HashSet64.FULL, s.add(DomainNames.hash("brand-new")));
    }
}
