package io.crowsnest.detection.rules;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The classtypes a rule set may use, parsed from Suricata's {@code classification.config} format
 * ({@code config classification: shortname,description,priority}).
 */
public final class ClassificationConfig {
    /** Classpath resource looked up by {@link #defaults()} (shipped by the signatures module). */
    public static final String RESOURCE = "/classification.config";

    private final Map<String, Classification> byName;

    private ClassificationConfig(Map<String, Classification> byName) {
        this.byName = Collections.unmodifiableMap(byName);
    }

    public Classification get(String name) {
        return byName.get(name);
    }

    public Map<String, Classification> all() {
        return byName;
    }

    /** The classpath {@value #RESOURCE} when present, else Suricata's stock list built in here. */
    public static ClassificationConfig defaults() {
        InputStream in = ClassificationConfig.class.getResourceAsStream(RESOURCE);
        if (in != null) {
            try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                return parse(r);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return builtin();
    }

    /** Suricata's stock classification.config, independent of the classpath. */
    public static ClassificationConfig builtin() {
        try {
            return parse(new StringReader(STOCK));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ClassificationConfig load(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(r);
        }
    }

    public static ClassificationConfig parse(Reader reader) throws IOException {
        Map<String, Classification> map = new LinkedHashMap<>();
        BufferedReader br = new BufferedReader(reader);
        String line;
        while ((line = br.readLine()) != null) {
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String prefix = "config classification:";
            if (!t.startsWith(prefix)) {
                continue;
            }
            String[] parts = t.substring(prefix.length()).split(",");
            if (parts.length < 3) {
                continue;
            }
            String name = parts[0].trim();
            String desc = parts[1].trim();
            int prio;
            try {
                prio = Integer.parseInt(parts[2].trim());
            } catch (NumberFormatException e) {
                continue;
            }
            map.put(name, new Classification(name, desc, prio));
        }
        return new ClassificationConfig(map);
    }

    private static final String STOCK = String.join("\n",
            "config classification: not-suspicious,Not Suspicious Traffic,3",
            "config classification: unknown,Unknown Traffic,3",
            "config classification: bad-unknown,Potentially Bad Traffic, 2",
            "config classification: attempted-recon,Attempted Information Leak,2",
            "config classification: successful-recon-limited,Information Leak,2",
            "config classification: successful-recon-largescale,Large Scale Information Leak,2",
            "config classification: attempted-dos,Attempted Denial of Service,2",
            "config classification: successful-dos,Denial of Service,2",
            "config classification: attempted-user,Attempted User Privilege Gain,1",
            "config classification: unsuccessful-user,Unsuccessful User Privilege Gain,1",
            "config classification: successful-user,Successful User Privilege Gain,1",
            "config classification: attempted-admin,Attempted Administrator Privilege Gain,1",
            "config classification: successful-admin,Successful Administrator Privilege Gain,1",
            "config classification: rpc-portmap-decode,Decode of an RPC Query,2",
            "config classification: shellcode-detect,Executable code was detected,1",
            "config classification: string-detect,A suspicious string was detected,3",
            "config classification: suspicious-filename-detect,A suspicious filename was detected,2",
            "config classification: suspicious-login,An attempted login using a suspicious username was detected,2",
            "config classification: system-call-detect,A system call was detected,2",
            "config classification: tcp-connection,A TCP connection was detected,4",
            "config classification: trojan-activity,A Network Trojan was detected, 1",
            "config classification: unusual-client-port-connection,A client was using an unusual port,2",
            "config classification: network-scan,Detection of a Network Scan,3",
            "config classification: denial-of-service,Detection of a Denial of Service Attack,2",
            "config classification: non-standard-protocol,Detection of a non-standard protocol or event,2",
            "config classification: protocol-command-decode,Generic Protocol Command Decode,3",
            "config classification: web-application-activity,access to a potentially vulnerable web application,2",
            "config classification: web-application-attack,Web Application Attack,1",
            "config classification: misc-activity,Misc activity,3",
            "config classification: misc-attack,Misc Attack,2",
            "config classification: icmp-event,Generic ICMP event,3",
            "config classification: inappropriate-content,Inappropriate Content was Detected,1",
            "config classification: policy-violation,Potential Corporate Privacy Violation,1",
            "config classification: default-login-attempt,Attempt to login by a default username and password,2",
            "config classification: targeted-activity,Targeted Malicious Activity was Detected,1",
            "config classification: exploit-kit,Exploit Kit Activity Detected,1",
            "config classification: external-ip-check,Device Retrieving External IP Address Detected,2",
            "config classification: domain-c2,Domain Observed Used for C2 Detected,1",
            "config classification: pup-activity,Possibly Unwanted Program Detected,2",
            "config classification: credential-theft,Successful Credential Theft Detected,1",
            "config classification: social-engineering,Possible Social Engineering Attempted,2",
            "config classification: coin-mining,Crypto Currency Mining Activity Detected,2",
            "config classification: command-and-control,Malware Command and Control Activity Detected,1");
}
