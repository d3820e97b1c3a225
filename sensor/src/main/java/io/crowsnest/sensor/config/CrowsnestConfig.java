package io.crowsnest.sensor.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.crowsnest.decoders.DecoderConfig;
import io.crowsnest.decoders.defrag.DefragConfig;
import io.crowsnest.decoders.defrag.DefragPolicy;
import io.crowsnest.decoders.defrag.HostPolicies;
import io.crowsnest.outputs.kafka.KafkaUrl;
import io.crowsnest.sensor.live.LiveOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code crowsnest.yaml}: what {@code crowsnest live} reads from {@code /etc/crowsnest/crowsnest.yaml}
 * (or {@code --config FILE}). Every field is null when the file does not set it, so the
 * command-line defaults stay in one place ({@link LiveOptions}) and flags can override the file.
 *
 * <p>Unknown keys and bad values are errors with file, line, column and what is allowed; all
 * of them are collected, not just the first.
 */
public final class CrowsnestConfig {
    /** Where {@code live} looks when {@code --config} is not given. */
    public static final Path DEFAULT_PATH = Path.of("/etc/crowsnest/crowsnest.yaml");
    public static final Set<String> FORWARD_SCHEMES = Set.of("syslog+udp", "syslog+tcp", "syslog+tls", "relp", "http", "https", "kafka");

    // capture
    public String interfaces;
    public String exclude;
    public String bpf;
    public Integer snaplen;
    public Integer bufferMb;
    public DecoderConfig.ChecksumMode checksum;
    // pipeline
    public Integer workers;
    public Integer ringSize;
    // limits
    public Integer flowsPerWorker;
    public Integer streamDepth;
    public Integer streamMemcapMb;
    // rules
    public Boolean defaultRules;
    public List<Path> ruleFiles;
    public Map<String, String> vars;
    // outputs
    public Path eveDir;
    public Integer statsInterval;
    public List<String> forward;
    public Path spoolDir;
    public Integer spoolCapMb;
    // metrics
    /** The metrics address; {@code null} inside a set optional means "none". */
    public java.util.Optional<InetSocketAddress> metricsAddress;
    public java.util.Optional<InetSocketAddress> adminAddress;
    // identity
    public String node;
    public io.crowsnest.identity.kubernetes.KubeConnect.Mode kubernetes;
    /** The kubeconfig; an empty optional means "" (in-cluster credentials). */
    public java.util.Optional<Path> kubeconfig;
    public Boolean kubernetesRemotePods;
    /** containerd's state directory; an empty optional means "none" (off). */
    public java.util.Optional<Path> containerdState;
    // defrag
    /** The {@code defrag:} section over the defaults; null when the file has none. */
    public DefragConfig defrag;

    private final transient List<ConfigError> errors = new ArrayList<>();
    private transient String file;
    private transient Path baseDir;

    /** Reads and validates a file; relative paths in it are taken relative to the file's directory. */
    public static CrowsnestConfig load(Path path) throws ConfigException {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigError(path.toString(), 0, 0, "cannot read: " + e.getMessage())));
        }
        Path dir = path.toAbsolutePath().getParent();
        return parse(text, path.toString(), dir);
    }

    /** Parses {@code text}; {@code file} names it in errors, {@code baseDir} resolves relative paths (null: as given). */
    public static CrowsnestConfig parse(String text, String file, Path baseDir) throws ConfigException {
        CrowsnestConfig c = new CrowsnestConfig();
        c.file = file;
        c.baseDir = baseDir;
        YamlNode root;
        try (JsonParser p = new YAMLFactory().createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return c; // empty file: every default
            }
            root = YamlNode.read(p, file, c.errors);
            if (p.nextToken() != null) {
                c.errors.add(new ConfigError(file, p.currentTokenLocation().getLineNr(), p.currentTokenLocation().getColumnNr(),
                        "only one YAML document is allowed"));
            }
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String msg = e.getOriginalMessage().replace('\n', ' ').replaceAll("\\s+", " ").trim();
            throw new ConfigException(List.of(new ConfigError(file, loc == null ? 0 : loc.getLineNr(),
                    loc == null ? 0 : loc.getColumnNr(), "YAML syntax error: " + msg)));
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigError(file, 0, 0, "cannot read: " + e.getMessage())));
        }
        c.walk(root);
        c.errors.sort(java.util.Comparator.comparingInt(ConfigError::line).thenComparingInt(ConfigError::column));
        if (!c.errors.isEmpty()) {
            throw new ConfigException(c.errors);
        }
        return c;
    }

    // ---- schema --------------------------------------------------------------------------------

    private void walk(YamlNode root) {
        if (root.kind == YamlNode.Kind.NULL) {
            return;
        }
        Map<String, YamlNode> top = mapping(root, null, List.of("capture", "pipeline", "limits", "defrag", "rules", "outputs", "metrics",
                "identity"));
        if (top == null) {
            return;
        }
        Map<String, YamlNode> m;
        if ((m = section(top, "capture", List.of("interfaces", "exclude", "bpf", "snaplen", "buffer_mb", "checksum"))) != null) {
            YamlNode n = m.get("interfaces");
            if (n != null) {
                List<String> l = stringList(n, "capture.interfaces", "\"auto\" or a list of interface names", false);
                if (l != null) {
                    if (l.isEmpty()) {
                        bad(n, "capture.interfaces", "\"auto\" or a list of interface names");
                    } else {
                        interfaces = String.join(",", l);
                    }
                }
            }
            if ((n = m.get("exclude")) != null) {
                List<String> l = stringList(n, "capture.exclude", "a list of interface name globs", true);
                if (l != null) {
                    exclude = String.join(",", l);
                }
            }
            if ((n = m.get("bpf")) != null) {
                bpf = string(n, "capture.bpf", "a BPF filter expression, \"\" for none", true);
            }
            snaplen = integer(m.get("snaplen"), "capture.snaplen", 64, 262_144);
            bufferMb = integer(m.get("buffer_mb"), "capture.buffer_mb", 1, 2048);
            if ((n = m.get("checksum")) != null) {
                String s = string(n, "capture.checksum", "one of all, none", false);
                if ("all".equals(s)) {
                    checksum = DecoderConfig.ChecksumMode.ALL;
                } else if ("none".equals(s)) {
                    checksum = DecoderConfig.ChecksumMode.NONE;
                } else if (s != null) {
                    bad(n, "capture.checksum", "one of all, none");
                }
            }
        }
        if ((m = section(top, "pipeline", List.of("workers", "ring_size"))) != null) {
            workers = integer(m.get("workers"), "pipeline.workers", 0, 256);
            YamlNode n = m.get("ring_size");
            Integer r = integer(n, "pipeline.ring_size", 64, 1 << 20, "a power of two 64..1048576");
            if (r != null && Integer.bitCount(r) != 1) {
                bad(n, "pipeline.ring_size", "a power of two 64..1048576");
            } else {
                ringSize = r;
            }
        }
        if ((m = section(top, "limits", List.of("flows_per_worker", "stream_depth", "stream_memcap_mb"))) != null) {
            flowsPerWorker = integer(m.get("flows_per_worker"), "limits.flows_per_worker", 1024, 16_777_216);
            streamDepth = integer(m.get("stream_depth"), "limits.stream_depth", 4096, 1 << 30);
            streamMemcapMb = integer(m.get("stream_memcap_mb"), "limits.stream_memcap_mb", 1, 65_536);
        }
        if ((m = section(top, "defrag", List.of("policy", "host_os_policy", "memcap_mb", "timeout", "max_fragments",
                "trackers"))) != null) {
            defrag = defragSection(m);
        }
        if ((m = section(top, "rules", List.of("default_rules", "files", "vars"))) != null) {
            defaultRules = bool(m.get("default_rules"), "rules.default_rules");
            YamlNode n = m.get("files");
            if (n != null) {
                List<String> l = stringList(n, "rules.files", "a list of rule file paths", true);
                if (l != null) {
                    ruleFiles = new ArrayList<>();
                    for (String s : l) {
                        ruleFiles.add(path(s));
                    }
                }
            }
            if ((n = m.get("vars")) != null) {
                if (n.kind == YamlNode.Kind.NULL) {
                    vars = new LinkedHashMap<>();
                } else if (n.kind != YamlNode.Kind.MAP) {
                    bad(n, "rules.vars", "a mapping of variable name to value, e.g. HOME_NET: \"[10.0.0.0/8]\"");
                } else {
                    vars = new LinkedHashMap<>();
                    for (Map.Entry<String, YamlNode> e : n.map.entrySet()) {
                        String v = string(e.getValue(), "rules.vars." + e.getKey(), "an address or port group (a string)", false);
                        if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                            int[] at = n.keyPos.get(e.getKey());
                            errors.add(new ConfigError(file, at[0], at[1], "bad variable name '" + e.getKey()
                                    + "' under 'rules.vars' (allowed: letters, digits and _, not starting with a digit)"));
                        } else if (v != null) {
                            vars.put(e.getKey(), v);
                        }
                    }
                }
            }
        }
        if ((m = section(top, "outputs", List.of("eve", "stats_interval", "forward", "spool"))) != null) {
            Map<String, YamlNode> eve = section(m, "eve", "outputs.eve", List.of("dir"));
            if (eve != null && eve.get("dir") != null) {
                String s = string(eve.get("dir"), "outputs.eve.dir", "a directory path", false);
                eveDir = s == null ? null : path(s);
            }
            statsInterval = integer(m.get("stats_interval"), "outputs.stats_interval", 1, 86_400);
            YamlNode n = m.get("forward");
            if (n != null) {
                String allowed = "a list of URLs: syslog+udp|syslog+tcp|syslog+tls|relp://HOST:PORT[?...], http(s)://HOST[:PORT]/PATH[?...]"
                        + " or kafka://HOST:PORT[,HOST:PORT]/TOPIC[?...]";
                List<String> l = stringList(n, "outputs.forward", allowed, true);
                if (l != null) {
                    forward = new ArrayList<>();
                    for (int i = 0; i < l.size(); i++) {
                        YamlNode at = n.kind == YamlNode.Kind.LIST ? n.list.get(i) : n;
                        if (checkForwardUrl(l.get(i))) {
                            forward.add(l.get(i));
                        } else {
                            bad(at, "outputs.forward", allowed);
                        }
                    }
                }
            }
            Map<String, YamlNode> spool = section(m, "spool", "outputs.spool", List.of("dir", "cap_mb"));
            if (spool != null) {
                if (spool.get("dir") != null) {
                    String s = string(spool.get("dir"), "outputs.spool.dir", "a directory path, \"\" for EVE_DIR/spool", true);
                    spoolDir = s == null || s.isEmpty() ? null : path(s);
                }
                spoolCapMb = integer(spool.get("cap_mb"), "outputs.spool.cap_mb", 1, 1 << 20);
            }
        }
        if ((m = section(top, "metrics", List.of("address", "admin_address"))) != null) {
            metricsAddress = address(m.get("address"), "metrics.address");
            adminAddress = address(m.get("admin_address"), "metrics.admin_address");
        }
        if ((m = section(top, "identity", List.of("node", "kubernetes", "kubeconfig", "kubernetes_remote_pods",
                "containerd_state"))) != null) {
            YamlNode n;
            if ((n = m.get("node")) != null) {
                node = string(n, "identity.node", "a node name, \"\" for $NODE_NAME or the host name", true);
            }
            if ((n = m.get("kubernetes")) != null) {
                String s = string(n, "identity.kubernetes", "one of auto, on, off", false);
                kubernetes = s == null ? null : io.crowsnest.identity.kubernetes.KubeConnect.Mode.parse(s);
                if (s != null && (kubernetes == null || !s.equals(s.trim().toLowerCase(java.util.Locale.ROOT)))) {
                    kubernetes = null;
                    bad(n, "identity.kubernetes", "one of auto, on, off");
                }
            }
            if ((n = m.get("kubeconfig")) != null) {
                String s = string(n, "identity.kubeconfig", "a kubeconfig path, \"\" for in-cluster credentials", true);
                kubeconfig = s == null ? null : s.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(path(s));
            }
            kubernetesRemotePods = bool(m.get("kubernetes_remote_pods"), "identity.kubernetes_remote_pods");
            if ((n = m.get("containerd_state")) != null) {
                String s = string(n, "identity.containerd_state", "containerd's state directory, or none", false);
                containerdState = s == null ? null : s.equals("none") ? java.util.Optional.empty() : java.util.Optional.of(path(s));
            }
        }
    }

    /**
     * {@code defrag:}: limits (Suricata's {@code defrag.memcap}, {@code timeout}, {@code trackers},
     * per decoding thread here), the default overlap policy and, as Suricata's
     * {@code host-os-policy}, lists of addresses/CIDR blocks per OS or policy name.
     */
    private DefragConfig defragSection(Map<String, YamlNode> m) {
        DefragConfig d = DefragConfig.defaults();
        Integer memcapMb = integer(m.get("memcap_mb"), "defrag.memcap_mb", 1, 65_536);
        Integer timeout = integer(m.get("timeout"), "defrag.timeout", 1, DefragConfig.MAX_TIMEOUT_SECONDS);
        Integer fragments = integer(m.get("max_fragments"), "defrag.max_fragments", 2, 8192);
        Integer trackers = integer(m.get("trackers"), "defrag.trackers", 1, 1 << 20);
        d = d.withLimits(memcapMb == null ? d.memcapBytes() : (long) memcapMb << 20,
                timeout == null ? d.timeoutSeconds() : timeout,
                fragments == null ? d.maxFragments() : fragments,
                trackers == null ? d.maxTrackers() : trackers);
        String allowedPolicies = "one of " + DefragPolicy.allowedNames();
        YamlNode n = m.get("policy");
        if (n != null) {
            String s = string(n, "defrag.policy", allowedPolicies, false);
            DefragPolicy p = DefragPolicy.byName(s);
            if (s != null && (p == null || !s.equals(s.toLowerCase(java.util.Locale.ROOT)))) {
                bad(n, "defrag.policy", allowedPolicies);
            } else if (p != null) {
                d = d.withPolicy(p);
            }
        }
        Map<String, YamlNode> hosts = section(m, "host_os_policy", "defrag.host_os_policy",
                new ArrayList<>(new java.util.TreeSet<>(DefragPolicy.NAMES.keySet())));
        if (hosts != null) {
            HostPolicies.Builder b = new HostPolicies.Builder();
            Map<String, String> listedUnder = new java.util.HashMap<>();
            for (Map.Entry<String, YamlNode> e : hosts.entrySet()) {
                DefragPolicy p = DefragPolicy.NAMES.get(e.getKey());
                if (p == null) {
                    continue; // reported as an unknown key
                }
                String key = "defrag.host_os_policy." + e.getKey();
                YamlNode list = e.getValue();
                List<YamlNode> items = list.kind == YamlNode.Kind.LIST ? list.list
                        : list.kind == YamlNode.Kind.NULL ? List.of() : List.of(list);
                for (YamlNode item : items) {
                    if (item.kind != YamlNode.Kind.SCALAR || item.text.isEmpty()) {
                        bad(item, key, "a list of IPv4/IPv6 addresses or CIDR blocks");
                        continue;
                    }
                    long[] block;
                    try {
                        block = HostPolicies.block(item.text);
                    } catch (IllegalArgumentException x) {
                        bad(item, key, x.getMessage());
                        continue;
                    }
                    String id = java.util.Arrays.toString(block);
                    String before = listedUnder.putIfAbsent(id, e.getKey());
                    if (before != null) {
                        bad(item, key, "the block is already listed under " + before);
                        continue;
                    }
                    b.add(item.text, p);
                }
            }
            d = d.withHostPolicies(b.build());
        }
        return d;
    }

    static boolean checkForwardUrl(String url) {
        if (KafkaUrl.isKafka(url)) {
            try {
                KafkaUrl.parse(url); // several bootstrap hosts: not a java.net.URI authority
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        try {
            URI u = new URI(url);
            return u.getScheme() != null && FORWARD_SCHEMES.contains(u.getScheme().toLowerCase(java.util.Locale.ROOT))
                    && u.getHost() != null && (u.getScheme().startsWith("http") || u.getPort() > 0);
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** "HOST:PORT" (":PORT" = every address) or "none" (empty optional); null when invalid. */
    public static java.util.Optional<InetSocketAddress> parseAddress(String s) {
        if ("none".equals(s)) {
            return java.util.Optional.empty();
        }
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            return null;
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        if (port < 0 || port > 65535) {
            return null;
        }
        String host = colon == 0 ? "0.0.0.0" : s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return java.util.Optional.of(InetSocketAddress.createUnresolved(host, port));
    }

    private java.util.Optional<InetSocketAddress> address(YamlNode n, String key) {
        if (n == null) {
            return null;
        }
        String allowed = "HOST:PORT or none";
        String s = string(n, key, allowed, false);
        if (s == null) {
            return null;
        }
        java.util.Optional<InetSocketAddress> a = parseAddress(s);
        if (a == null) {
            bad(n, key, allowed);
            return null;
        }
        return a.map(x -> new InetSocketAddress(x.getHostString(), x.getPort()));
    }

    private Path path(String s) {
        Path p = Path.of(s);
        return baseDir == null || p.isAbsolute() ? p : baseDir.resolve(p);
    }

    private Map<String, YamlNode> section(Map<String, YamlNode> parent, String key, List<String> allowed) {
        return section(parent, key, key, allowed);
    }

    private Map<String, YamlNode> section(Map<String, YamlNode> parent, String key, String path, List<String> allowed) {
        YamlNode n = parent.get(key);
        if (n == null || n.kind == YamlNode.Kind.NULL) {
            return null;
        }
        return mapping(n, path, allowed);
    }

    private Map<String, YamlNode> mapping(YamlNode n, String path, List<String> allowed) {
        if (n.kind != YamlNode.Kind.MAP) {
            errors.add(new ConfigError(file, n.line, n.column, "bad value " + n.describe() + (path == null ? " at top level" : " for " + path)
                    + ": a mapping with the keys " + String.join(", ", allowed)));
            return null;
        }
        for (String k : n.map.keySet()) {
            if (!allowed.contains(k)) {
                int[] at = n.keyPos.get(k);
                errors.add(new ConfigError(file, at[0], at[1], "unknown key '" + k + "'"
                        + (path == null ? "" : " under '" + path + "'") + " (allowed: " + String.join(", ", allowed) + ")"));
            }
        }
        return n.map;
    }

    private void bad(YamlNode n, String key, String allowed) {
        errors.add(new ConfigError(file, n.line, n.column, "bad value " + n.describe() + " for " + key + ": " + allowed));
    }

    private Integer integer(YamlNode n, String key, int lo, int hi) {
        return integer(n, key, lo, hi, "an integer " + lo + ".." + hi);
    }

    private Integer integer(YamlNode n, String key, int lo, int hi, String allowed) {
        if (n == null) {
            return null;
        }
        if (n.kind == YamlNode.Kind.SCALAR && n.text.matches("-?[0-9]{1,10}")) {
            long v = Long.parseLong(n.text);
            if (v >= lo && v <= hi) {
                return (int) v;
            }
        }
        bad(n, key, allowed);
        return null;
    }

    private Boolean bool(YamlNode n, String key) {
        if (n == null) {
            return null;
        }
        if (n.kind == YamlNode.Kind.SCALAR && (n.text.equals("true") || n.text.equals("false"))) {
            return Boolean.valueOf(n.text);
        }
        bad(n, key, "true or false");
        return null;
    }

    private String string(YamlNode n, String key, String allowed, boolean emptyOk) {
        if (n.kind == YamlNode.Kind.NULL && emptyOk) {
            return "";
        }
        if (n.kind != YamlNode.Kind.SCALAR || (!emptyOk && n.text.isEmpty())) {
            bad(n, key, allowed);
            return null;
        }
        return n.text;
    }

    /** A list of non-empty strings; a single scalar counts as a list of one. */
    private List<String> stringList(YamlNode n, String key, String allowed, boolean emptyOk) {
        List<String> out = new ArrayList<>();
        if (n.kind == YamlNode.Kind.NULL && emptyOk) {
            return out;
        }
        if (n.kind == YamlNode.Kind.SCALAR && !n.text.isEmpty()) {
            out.add(n.text);
            return out;
        }
        if (n.kind != YamlNode.Kind.LIST) {
            bad(n, key, allowed);
            return null;
        }
        boolean ok = true;
        for (YamlNode e : n.list) {
            if (e.kind != YamlNode.Kind.SCALAR || e.text.isEmpty()) {
                bad(e, key, allowed);
                ok = false;
            } else {
                out.add(e.text);
            }
        }
        return ok ? out : null;
    }

    // ---- use -----------------------------------------------------------------------------------

    /** Sets in {@code o} every value this file sets (flags applied afterwards override them). */
    public void applyTo(LiveOptions o) {
        if (interfaces != null) o.interfaces = interfaces;
        if (exclude != null) o.exclude = exclude;
        if (bpf != null) o.bpf = bpf.isEmpty() ? null : bpf;
        if (snaplen != null) o.snaplen = snaplen;
        if (bufferMb != null) o.bufferMb = bufferMb;
        if (checksum != null) o.checksum = checksum;
        if (workers != null && workers > 0) o.workers = workers;
        if (ringSize != null) o.ringSize = ringSize;
        if (flowsPerWorker != null) o.maxFlowsPerWorker = flowsPerWorker;
        if (streamDepth != null) o.streamDepth = streamDepth;
        if (streamMemcapMb != null) o.streamMemcap = (long) streamMemcapMb << 20;
        if (defaultRules != null) o.defaultRules = defaultRules;
        if (ruleFiles != null) {
            o.ruleFiles.clear();
            o.ruleFiles.addAll(ruleFiles);
        }
        if (vars != null) o.variables.putAll(vars);
        if (eveDir != null) o.outDir = eveDir;
        if (statsInterval != null) o.statsInterval = Duration.ofSeconds(statsInterval);
        if (forward != null) {
            o.forward.clear();
            o.forward.addAll(forward);
        }
        if (spoolDir != null) o.spoolDir = spoolDir;
        if (spoolCapMb != null) o.spoolCapMb = spoolCapMb;
        if (metricsAddress != null) o.metricsAddress = metricsAddress.orElse(null);
        if (adminAddress != null) o.adminAddress = adminAddress.orElse(null);
        if (node != null) o.node = node.isEmpty() ? null : node;
        if (kubernetes != null) o.kubernetes = kubernetes;
        if (kubeconfig != null) o.kubeconfig = kubeconfig.orElse(null);
        if (kubernetesRemotePods != null) o.kubernetesRemotePods = kubernetesRemotePods;
        if (containerdState != null) o.containerdState = containerdState.orElse(null);
        if (defrag != null) o.defrag = defrag;
    }
}
