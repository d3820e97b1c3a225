package io.crowsnest.capture.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.crowsnest.decoders.LinkType;
import io.crowsnest.decoders.Packet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Reads the real captures in the shared (read-only, never copied) data next to the checkout. */
class ExternalCapturesTest {
    /** Record counts from capinfos (see shared/pcaps-external/README.md). */
    private static final Map<String, Long> EXPECTED_COUNTS = new TreeMap<>(Map.ofEntries(
            Map.entry("log4shell/foxit-ldap-user-agent-ev0.pcap", 404L),
            Map.entry("log4shell/foxit-ldap-uri-params-ev1.pcap", 104L),
            Map.entry("log4shell/foxit-rmi-x-api-version-ev0.pcap", 49L),
            Map.entry("log4shell/ndpi-log4j-webapp-exploit.pcap", 426L),
            Map.entry("reverse-shell/ndpi-log4j-reverse-shell-tcp9001.pcap", 356L),
            Map.entry("cryptominer/ndpi-mining.pcap", 673L),
            Map.entry("dns-tunnel/ndpi-dns-tunnel-iodine.pcap", 438L),
            Map.entry("dns-tunnel/ndpi-dns-exfiltration.pcap", 300L),
            Map.entry("port-scan/nmap-synscan.pcap", 2011L),
            Map.entry("port-scan/zeek-nmap-vsn.pcap", 547L),
            Map.entry("brute-force/zeek-sshguess.pcap", 431L),
            Map.entry("brute-force/zeek-ftp-bruteforce.pcap", 606L),
            Map.entry("container-api/zeek-docker-http-upgrade.pcap", 200L),
            Map.entry("container-api/ndpi-redis-resp.pcap", 39L),
            Map.entry("container-api/zeek-redis-auth.pcap", 12L),
            Map.entry("dns/zeek-dns-long-connection.pcap", 22L),
            Map.entry("vxlan/zeek-vxlan-encapsulated-http.pcap", 12L),
            Map.entry("vxlan/ndpi-vxlan.pcap", 127L),
            Map.entry("geneve/zeek-geneve-many-options.pcap", 10L),
            Map.entry("geneve/zeek-geneve-47101.pcap", 24L),
            Map.entry("vlan/zeek-http-vlan-0.pcap", 14L),
            Map.entry("vlan/zeek-http-qinq-0.pcap", 14L),
            Map.entry("normal/zeek-http-get.pcap", 14L),
            Map.entry("normal/zeek-tls-chrome-34-google.pcap", 42L),
            Map.entry("normal/ndpi-dns.pcap", 5L)));

    private static final Map<String, Integer> EXPECTED_LINK_TYPES = Map.of(
            "log4shell/ndpi-log4j-webapp-exploit.pcap", LinkType.LINUX_SLL,
            "reverse-shell/ndpi-log4j-reverse-shell-tcp9001.pcap", LinkType.LINUX_SLL,
            "container-api/zeek-redis-auth.pcap", LinkType.NULL);

    private final Packet packet = new Packet();

    @Test
    void everyExternalCaptureHasItsKnownRecordCount() throws IOException {
        Path dir = sharedDir().resolve("pcaps-external");
        List<Path> files = pcapFiles(dir);
        Map<String, Long> counts = new TreeMap<>();
        for (Path file : files) {
            String name = dir.relativize(file).toString().replace('\\', '/');
            try (CaptureFileReader reader = CaptureFileReader.open(file)) {
                int linkType = EXPECTED_LINK_TYPES.getOrDefault(name, LinkType.ETHERNET);
                assertEquals(linkType, reader.linkType(), name);
                while (reader.next(packet)) {
                    assertEquals(linkType, packet.linkType, name);
                    assertTrue(packet.length > 0 && packet.length <= packet.wireLength, name);
                }
                assertEquals(Files.size(file), reader.position(), name);
                counts.put(name, reader.recordsRead());
            }
        }
        assertEquals(EXPECTED_COUNTS, counts);
    }

    @Test
    void everySuricataVerifyInputReads() throws IOException {
        Path dir = sharedDir().resolve("conformance").resolve("suricata-verify");
        List<Path> inputs;
        try (Stream<Path> tests = Files.list(dir)) {
            inputs = tests.map(test -> test.resolve("input.pcap")).filter(Files::isRegularFile).sorted()
                    .collect(Collectors.toList());
        }
        assertEquals(338, inputs.size());
        for (Path input : inputs) {
            try (CaptureFileReader reader = CaptureFileReader.open(input)) {
                while (reader.next(packet)) {
                    // just read them
                }
                assertTrue(reader.recordsRead() > 0, input.toString());
            } catch (CaptureFormatException e) {
                fail(e.getMessage() + " (" + input + ")");
            }
        }
    }

    private static List<Path> pcapFiles(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(".pcap")).sorted().collect(Collectors.toList());
        }
    }

    /** {@code <root>/../shared}, the root coming from surefire's crowsnest.root or a walk up from user.dir. */
    static Path sharedDir() throws IOException {
        Path shared = repositoryRoot().resolve("..").resolve("shared").normalize();
        assertTrue(Files.isDirectory(shared), "shared data directory missing: " + shared);
        return shared;
    }

    static Path repositoryRoot() throws IOException {
        String property = System.getProperty("crowsnest.root");
        if (property != null && !property.isBlank() && isRepositoryRoot(Paths.get(property))) {
            return Paths.get(property).toAbsolutePath().normalize();
        }
        for (Path dir = Paths.get(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (isRepositoryRoot(dir)) {
                return dir.normalize();
            }
        }
        throw new IllegalStateException("cannot find the crowsnest repository root from crowsnest.root="
                + property + " or user.dir=" + System.getProperty("user.dir"));
    }

    /** The root has bin/ and the parent pom (module poms mention crowsnest-parent too, but have no bin/). */
    private static boolean isRepositoryRoot(Path dir) throws IOException {
        Path pom = dir.resolve("pom.xml");
        return Files.isDirectory(dir.resolve("bin")) && Files.isRegularFile(pom)
                && Files.readString(pom).contains("<artifactId>crowsnest-parent</artifactId>");
    }
}
