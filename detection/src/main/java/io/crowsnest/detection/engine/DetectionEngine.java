package io.crowsnest.detection.engine;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.FlowFlags;
import io.crowsnest.detection.inspect.ContentMatch;
import io.crowsnest.detection.prefilter.MultiPatternMatcher;
import io.crowsnest.detection.rules.PortSet;
import io.crowsnest.detection.rules.Signature;
import io.crowsnest.detection.threshold.ThresholdStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The compiled rule set: signatures sorted in Suricata's order (action, flowbits set before read, priority,
 * sid) and grouped by packet protocol and flow direction, and for TCP and UDP also by port
 * ({@link PortGroups}, Suricata's signature-group heads); each group has a multi-pattern prefilter over the
 * signatures' fast patterns. Groups with the same rules share their automata. Immutable and shared by all
 * workers; each worker uses its own {@link #newContext() DetectionContext}. Threshold state is shared
 * (thread-safe).
 */
public final class DetectionEngine {
    static final int PROTO_BUCKETS = 6; // tcp, udp, icmp4, icmp6, other ip, non-ip
    static final int DIR_BUCKETS = 3;   // to_server, to_client, no flow direction
    static final String[] PROTO_NAMES = {"tcp", "udp", "icmp", "icmpv6", "ip-other", "non-ip"};
    static final String[] DIR_NAMES = {"toserver", "toclient", "nodir"};

    /** Default cap of alerts per packet (Suricata packet-alert-max). */
    public static final int DEFAULT_MAX_ALERTS = 15;

    /**
     * System property that sets the port grouping: {@code off}, or the caps {@code TOSERVER:TOCLIENT} on the
     * port groups per protocol and direction (default {@code 40:20}, Suricata's profile medium; 0: no cap).
     */
    public static final String PORT_GROUPS_PROPERTY = "crowsnest.port-groups";

    /**
     * System property that turns the IP-only index ({@link IpOnlyIndex}) {@code on} (default) or {@code off}
     * (every IP-only rule of the group is evaluated on each flow direction's first packet).
     */
    public static final String IP_ONLY_INDEX_PROPERTY = "crowsnest.ip-only-index";

    final Signature[] sigs;
    /** Per bucket (pb * DIR_BUCKETS + db): its one group, or null when {@link #portLookups} has its groups. */
    final Group[] groups = new Group[PROTO_BUCKETS * DIR_BUCKETS];
    /** Per TCP/UDP bucket (pb * DIR_BUCKETS + db, pb 0..1): its groups by port; null: one group. */
    final PortLookup[] portLookups = new PortLookup[2 * DIR_BUCKETS];
    /** Rules per bucket (over all its port groups). */
    private final int[] bucketSize = new int[PROTO_BUCKETS * DIR_BUCKETS];
    final ThresholdStore thresholds = new ThresholdStore();
    final int maxGroupSize;
    final int maxPatterns;
    private final int flowbitCount;
    private String rulesetHash;
    private String rulesetLoadedAt;
    private final int flowintCount;
    private final int waitingCount;
    private final int ipOnlyCount, prefilterCount, fastPatternCount;
    /** Buffer fast patterns over the distinct transaction prefilters (one shared by several groups counts once). */
    private final int txFastPatternCount;
    private final List<DetectionContext> contexts = new CopyOnWriteArrayList<>();
    /** App-layer binding per signature num (null: packet-only rule, or parked). */
    final AppBinding[] app;
    /** Rule waits on something the app layer does not feed: never evaluated. */
    final boolean[] parked;
    /**
     * Each signature's header class: signatures with the same protocol, addresses, ports and direction
     * share one id, so a packet checks each distinct header once, however many candidates carry it
     * (ET Open: ~25k rules over far fewer distinct headers; the header check was 60 % of the worker).
     */
    final int[] headerOf;
    final int headerCount;
    /** Packet payload rule that may also match the raw reassembled stream (no absolute anchors). */
    final boolean[] streamOk;
    private final int boundCount;
    /**
     * The IP-only rules' address index (null: off); each group's {@link Group#ipOnlyMask} selects from it.
     * Not final only so the equivalence test can put in a mutant before creating a context.
     */
    IpOnlyIndex ipOnlyIndex;
    int maxAlertsPerPacket = DEFAULT_MAX_ALERTS;

    static final class Group {
        final String name;
        final int[] ipOnly;
        final int[] always;
        /** Signatures inspecting app-layer transactions (evaluated when the packet updated one). */
        final int[] txSigs;
        final MultiPatternMatcher matcher;
        final int[][] patternSigs;
        final int size;
        /** Longest fast pattern of the group: how far back a match ending in new stream bytes can start. */
        final int maxPatternLength;
        /**
         * {@link #txSigs} split by the flow's app protocol (index: {@code AppProto} id): the rules bound to
         * that protocol plus those bound to any. An HTTP packet no longer walks the DNS, TLS, SMTP … rules
         * (with ET Open that was most of the per-packet work on HTTP). Null: use {@link #txSigs}.
         */
        int[][] txByProto;
        /**
         * Per app protocol, the per-buffer prefilter over {@link #txByProto}'s rules (null entries: none;
         * null array: prefilter off, every tx rule of the protocol is evaluated on every update).
         */
        TransactionPrefilter[] txPrefilter;
        /** Distinct packet fast patterns; the largest automaton's pattern count; transaction fast patterns. */
        int fastPatterns, maxPatternCount, txPatterns;
        /** {@link #ipOnly} as a bitset over {@link DetectionEngine#ipOnlyIndex}'s rules (null: index off). */
        long[] ipOnlyMask;

        Group(String name, int[] ipOnly, int[] always, int[] txSigs, MultiPatternMatcher matcher, int[][] patternSigs,
              int size, int maxPatternLength) {
            this.maxPatternLength = maxPatternLength;
            this.name = name;
            this.ipOnly = ipOnly;
            this.always = always;
            this.txSigs = txSigs;
            this.matcher = matcher;
            this.patternSigs = patternSigs;
            this.size = size;
        }
    }

    /** The port groups of one TCP/UDP bucket: the layout and the compiled group of each of its groups. */
    static final class PortLookup {
        final PortGroups layout;
        final Group[] byIndex;

        PortLookup(PortGroups layout, Group[] byIndex) {
            this.layout = layout;
            this.byIndex = byIndex;
        }

        Group select(int port) {
            return byIndex[layout.groupOf(port)];
        }
    }

    /**
     * The grouping of one protocol/direction bucket: its rules, its port ranges (1 when not grouped by port),
     * its distinct groups, the largest group's rule count, and the port-specific rule sets merged into the
     * join group by the cap.
     */
    public record GroupCount(String name, int rules, int portRanges, int groups, int largestGroup, int joined) {}

    /** Suricata's signature order. */
    public static final Comparator<Signature> ORDER = Comparator
            .comparingInt((Signature s) -> s.actionType().order())
            .thenComparingInt(s -> -s.flowbitsOrderClass())
            .thenComparingInt(Signature::priority)
            .thenComparingLong(Signature::sid)
            .thenComparingInt(Signature::gid);

    private DetectionEngine(List<Signature> list) {
        this(list, true, portGroupCaps(), ipOnlyIndexOn());
    }

    /**
     * {@code portCaps}: null for no port grouping, else {to_server cap, to_client cap} (0: no cap);
     * {@code ipOnlyIndexOn}: look IP-only rules up by address rather than evaluate each.
     */
    private DetectionEngine(List<Signature> list, boolean txPrefilterOn, int[] portCaps, boolean ipOnlyIndexOn) {
        List<Signature> sorted = new ArrayList<>(list);
        sorted.sort(ORDER);
        sigs = sorted.toArray(new Signature[0]);
        int fb = 0, fi = 0, ipo = 0, pf = 0, wait = 0, bound = 0;
        app = new AppBinding[sigs.length];
        parked = new boolean[sigs.length];
        streamOk = new boolean[sigs.length];
        for (int i = 0; i < sigs.length; i++) {
            sigs[i].setNum(i);
            fb = Math.max(fb, sigs[i].maxFlowbit() + 1);
            fi = Math.max(fi, sigs[i].maxFlowint() + 1);
            streamOk[i] = streamEligible(sigs[i]);
            if (sigs[i].waitingOn() != null) {
                app[i] = AppBinding.bind(sigs[i]);
                if (app[i] == null) {
                    parked[i] = true;
                    wait++;
                } else {
                    bound++;
                }
            } else if (sigs[i].isIpOnly()) {
                ipo++;
            } else if (sigs[i].fastPattern() != null) {
                pf++;
            }
        }
        headerOf = new int[sigs.length];
        java.util.Map<String, Integer> headers = new java.util.HashMap<>();
        for (int i = 0; i < sigs.length; i++) {
            Signature x = sigs[i];
            String key = x.proto() + "|" + x.src().key() + "|" + x.srcPorts().key() + "|" + x.bidirectional() + "|"
                    + x.dst().key() + "|" + x.dstPorts().key();
            headerOf[i] = headers.computeIfAbsent(key, k -> headers.size());
        }
        headerCount = headers.size();
        flowbitCount = fb;
        flowintCount = fi;
        waitingCount = wait;
        boundCount = bound;
        ipOnlyCount = ipo;
        prefilterCount = pf;
        List<GroupCompiler.GroupSpec> specs = new ArrayList<>();
        PortGroups[] layouts = new PortGroups[portLookups.length];
        for (int b = 0; b < groups.length; b++) {
            int pb = b / DIR_BUCKETS, db = b % DIR_BUCKETS;
            int[] nums = bucketMembers(pb, db);
            bucketSize[b] = nums.length;
            if (portCaps != null && pb <= 1 && nums.length > 0) {
                // packet rules only: transaction rules stay with the bucket (see GroupCompiler)
                int[] packetNums = Arrays.stream(nums).filter(num -> app[num] == null || !app[num].tx()).toArray();
                int[][] keyed = new int[packetNums.length][];
                int[] score = new int[packetNums.length];
                for (int i = 0; i < packetNums.length; i++) {
                    keyed[i] = groupingPorts(sigs[packetNums[i]], db);
                    score[i] = keyed[i] == null ? 0 : costScore(packetNums[i]);
                }
                layouts[b] = PortGroups.build(packetNums, keyed, score, db == 1 ? portCaps[1] : portCaps[0],
                        pb == 0 ? PortGroups.TCP_WHITELIST : PortGroups.UDP_WHITELIST);
                for (int[] g : layouts[b].groups) {
                    specs.add(new GroupCompiler.GroupSpec(b, g, nums));
                }
            } else {
                specs.add(new GroupCompiler.GroupSpec(b, nums, nums));
            }
        }
        Group[] built = new GroupCompiler(sigs, app, txPrefilterOn).build(specs);
        for (int i = 0, k = 0; i < groups.length; i++) {
            if (i < layouts.length && layouts[i] != null) {
                Group[] byIndex = Arrays.copyOfRange(built, k, k + layouts[i].groups.size());
                k += byIndex.length;
                portLookups[i] = new PortLookup(layouts[i], byIndex);
            } else {
                groups[i] = built[k++];
            }
        }
        // a packet's candidates are distinct rules of its bucket (its port group's packet rules, the bucket's
        // transaction rules): the bucket bounds them
        int maxSize = 0, maxPat = 0, fps = 0, txPatterns = 0;
        for (int size : bucketSize) {
            maxSize = Math.max(maxSize, size);
        }
        java.util.Set<Object> countedMatchers = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Group g : built) {
            maxSize = Math.max(maxSize, g.size);
            maxPat = Math.max(maxPat, g.maxPatternCount);
            // automata shared by several groups are counted once
            if (g.matcher == null || countedMatchers.add(g.matcher)) {
                fps += g.fastPatterns;
            }
            if (g.txPrefilter != null) {
                for (TransactionPrefilter tp : g.txPrefilter) {
                    if (tp != null && countedMatchers.add(tp)) {
                        txPatterns += tp.patternTotal();
                    }
                }
            }
        }
        ipOnlyIndex = ipOnlyIndexOn ? buildIpOnlyIndex(built) : null;
        maxGroupSize = maxSize;
        maxPatterns = maxPat;
        fastPatternCount = fps;
        txFastPatternCount = txPatterns;
    }

    /**
     * One index over the IP-only rules of all groups (IP-only rules of protocol ip sit in many buckets:
     * one index rather than one per group keeps its memory to one copy) and each group's mask over it.
     */
    private IpOnlyIndex buildIpOnlyIndex(Group[] built) {
        boolean[] ipOnly = new boolean[sigs.length];
        for (Group g : built) {
            for (int num : g.ipOnly) {
                ipOnly[num] = true;
            }
        }
        int[] nums = java.util.stream.IntStream.range(0, sigs.length).filter(i -> ipOnly[i]).toArray();
        IpOnlyIndex index = IpOnlyIndex.build(sigs, nums);
        Map<int[], long[]> masks = new java.util.IdentityHashMap<>();
        for (Group g : built) {
            g.ipOnlyMask = masks.computeIfAbsent(g.ipOnly, index::maskOf);
        }
        return index;
    }

    /** The rules of one protocol/direction bucket, ascending (rules waiting on the app layer left out). */
    private int[] bucketMembers(int pb, int db) {
        int n = 0;
        int[] out = new int[sigs.length];
        for (Signature s : sigs) {
            if (!parked[s.num()] && inProto(s, pb) && inDir(s, db)) {
                out[n++] = s.num();
            }
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * The ports a rule can match on the side a bucket groups by (to_client: source ports, else destination
     * ports), as ranges; null for {@code any}. A bidirectional rule also matches reversed, so its other side
     * counts too.
     */
    static int[] groupingPorts(Signature s, int db) {
        PortSet side = db == 1 ? s.srcPorts() : s.dstPorts();
        PortSet other = db == 1 ? s.dstPorts() : s.srcPorts();
        if (side.isAny() || (s.bidirectional() && other.isAny())) {
            return null;
        }
        if (!s.bidirectional()) {
            return side.ranges();
        }
        int[] a = side.ranges(), b = other.ranges();
        int[][] all = new int[(a.length + b.length) / 2][];
        for (int i = 0; i < a.length; i += 2) {
            all[i / 2] = new int[] {a[i], a[i + 1]};
        }
        for (int i = 0; i < b.length; i += 2) {
            all[(a.length + i) / 2] = new int[] {b[i], b[i + 1]};
        }
        Arrays.sort(all, Comparator.comparingInt((int[] r) -> r[0]));
        int[] out = new int[all.length * 2];
        int m = 0;
        for (int[] r : all) {
            if (m > 0 && r[0] <= out[m - 1] + 1) {
                out[m - 1] = Math.max(out[m - 1], r[1]);
            } else {
                out[m++] = r[0];
                out[m++] = r[1];
            }
        }
        return Arrays.copyOf(out, m);
    }

    /**
     * Suricata's whitelist score of a port-specific rule (RuleSetWhitelist): a packet rule without a fast
     * pattern is evaluated on every packet of its group, one with a one-byte pattern nearly so; their ports get
     * groups of their own first.
     */
    private int costScore(int num) {
        Signature s = sigs[num];
        if ((app[num] != null && app[num].tx()) || (s.isIpOnly() && app[num] == null)) {
            return 0;
        }
        ContentMatch fp = s.fastPattern();
        if (fp == null) {
            return PortGroups.SCORE_NO_FAST_PATTERN;
        }
        return fp.fastPatternBytes().length == 1 ? PortGroups.SCORE_ONE_BYTE_PATTERN : 0;
    }


    /** Sorts, groups and compiles the signatures. */
    public static DetectionEngine build(List<Signature> signatures) {
        return new DetectionEngine(signatures);
    }

    /** As {@link #build} but every transaction rule is evaluated on every update (tests: prefilter equivalence). */
    static DetectionEngine buildWithoutTransactionPrefilter(List<Signature> signatures) {
        return new DetectionEngine(signatures, false, portGroupCaps(), ipOnlyIndexOn());
    }

    /** As {@link #build} but TCP and UDP are not grouped by port (tests: port group equivalence). */
    static DetectionEngine buildWithoutPortGroups(List<Signature> signatures) {
        return new DetectionEngine(signatures, true, null, ipOnlyIndexOn());
    }

    /** As {@link #build} but every IP-only rule of a group is evaluated (tests: IP-only index equivalence). */
    static DetectionEngine buildWithoutIpOnlyIndex(List<Signature> signatures) {
        return new DetectionEngine(signatures, true, portGroupCaps(), false);
    }

    /** As {@link #build} with port groups capped at {@code toServer} / {@code toClient} groups (0: no cap). */
    static DetectionEngine buildWithPortGroupCaps(List<Signature> signatures, int toServer, int toClient) {
        return new DetectionEngine(signatures, true, new int[] {toServer, toClient}, ipOnlyIndexOn());
    }

    /** The port group caps {@link #PORT_GROUPS_PROPERTY} asks for: null for off. */
    static int[] portGroupCaps() {
        return parsePortGroupCaps(System.getProperty(PORT_GROUPS_PROPERTY));
    }

    /** Whether {@link #IP_ONLY_INDEX_PROPERTY} asks for the IP-only index (default on). */
    static boolean ipOnlyIndexOn() {
        return parseIpOnlyIndex(System.getProperty(IP_ONLY_INDEX_PROPERTY));
    }

    static boolean parseIpOnlyIndex(String v) {
        if (v == null || v.isBlank() || v.trim().equals("on")) {
            return true;
        }
        if (v.trim().equals("off")) {
            return false;
        }
        throw new IllegalArgumentException("-D" + IP_ONLY_INDEX_PROPERTY + "=" + v + ": expected on or off");
    }

    static int[] parsePortGroupCaps(String v) {
        if (v == null || v.isBlank()) {
            return new int[] {PortGroups.DEFAULT_TOSERVER_GROUPS, PortGroups.DEFAULT_TOCLIENT_GROUPS};
        }
        if (v.trim().equals("off")) {
            return null;
        }
        String[] parts = v.trim().split(":");
        try {
            if (parts.length == 2) {
                int ts = Integer.parseInt(parts[0].trim()), tc = Integer.parseInt(parts[1].trim());
                if (ts >= 0 && tc >= 0) {
                    return new int[] {ts, tc};
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("-D" + PORT_GROUPS_PROPERTY + "=" + v
                + ": expected off or TOSERVER:TOCLIENT group caps (non-negative integers, 0: no cap), e.g. 40:20");
    }

    /** Buffer fast patterns in the transaction prefilters, summed over distinct prefilters (shared ones once). */
    public int transactionFastPatternCount() {
        return txFastPatternCount;
    }

    /**
     * Names the ruleset this engine was built from (its hash and load time, ISO-8601 UTC), so
     * every alert can carry them and a user can prove which rules are live. Set before the
     * engine is published to the workers (the pipeline's volatile engine write orders it).
     */
    public DetectionEngine identity(String rulesetHash, String loadedAt) {
        this.rulesetHash = rulesetHash;
        this.rulesetLoadedAt = loadedAt;
        return this;
    }

    /** The ruleset's hash, or null when the engine was built without one. */
    public String rulesetHash() {
        return rulesetHash;
    }

    /** When the ruleset was loaded (ISO-8601 UTC), or null. */
    public String rulesetLoadedAt() {
        return rulesetLoadedAt;
    }

    /** A new per-worker context (not thread-safe: one per thread). */
    public DetectionContext newContext() {
        DetectionContext c = new DetectionContext(this);
        contexts.add(c);
        return c;
    }

    /** Caps alerts per packet (Suricata packet-alert-max, default 15); the lowest-ordered signatures are kept. */
    public DetectionEngine maxAlertsPerPacket(int max) {
        this.maxAlertsPerPacket = Math.max(1, max);
        return this;
    }

    /** Signatures in evaluation order ({@code get(s.num()) == s}). */
    public List<Signature> signatures() {
        return Collections.unmodifiableList(java.util.Arrays.asList(sigs));
    }

    /** Number of flowbit names used; size flows with {@link #flowbitWords()} longs. */
    public int flowbitCount() {
        return flowbitCount;
    }

    /** Number of flowint variables used (size of {@code Flow.flowints}). */
    public int flowintCount() {
        return flowintCount;
    }

    /** Signatures bound to the app layer (evaluated on transactions or once the flow's protocol is known). */
    public int appLayerBoundCount() {
        return boundCount;
    }

    /** A payload rule whose contents float (no offset/depth/startswith/endswith, no byte ops or pcre). */
    private static boolean streamEligible(Signature s) {
        if (s.proto() != Signature.Proto.TCP && s.proto() != Signature.Proto.IP) {
            return false;
        }
        if (s.payloadArray() == null || s.payloadArray().length == 0) {
            return false;
        }
        for (io.crowsnest.detection.inspect.PayloadElement e : s.payloadArray()) {
            if (!(e instanceof ContentMatch c)) {
                return false;
            }
            if (c.hasOffset || c.hasDepth || c.startsWith || c.endsWith || c.offsetVar >= 0 || c.depthVar >= 0) {
                return false;
            }
        }
        return true;
    }

    /** Signatures that are loaded but wait on something the app layer does not feed (never evaluated). */
    public int waitingCount() {
        return waitingCount;
    }

    /** True when the signature needs a buffer or protocol the app layer does not feed yet (never evaluated). */
    public boolean isParked(Signature s) {
        return s.num() >= 0 && s.num() < parked.length && sigs[s.num()] == s && parked[s.num()];
    }

    public int flowbitWords() {
        return Math.max(1, (flowbitCount + 63) >>> 6);
    }

    public ThresholdStore thresholds() {
        return thresholds;
    }

    /** Rules per protocol/direction bucket by name ("tcp/toserver" …), over all its port groups. */
    public Map<String, Integer> groupSizes() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int b = 0; b < bucketSize.length; b++) {
            m.put(PROTO_NAMES[b / DIR_BUCKETS] + "/" + DIR_NAMES[b % DIR_BUCKETS], bucketSize[b]);
        }
        return m;
    }

    /** The grouping of each protocol/direction bucket that has rules. */
    public List<GroupCount> groupCounts() {
        List<GroupCount> out = new ArrayList<>();
        for (int b = 0; b < bucketSize.length; b++) {
            if (bucketSize[b] == 0) {
                continue;
            }
            String name = PROTO_NAMES[b / DIR_BUCKETS] + "/" + DIR_NAMES[b % DIR_BUCKETS];
            PortLookup pl = b < portLookups.length ? portLookups[b] : null;
            if (pl == null) {
                out.add(new GroupCount(name, bucketSize[b], 1, 1, groups[b].size, 0));
                continue;
            }
            int largest = 0;
            for (Group g : pl.byIndex) {
                largest = Math.max(largest, g.size);
            }
            out.add(new GroupCount(name, bucketSize[b], pl.layout.starts.length, pl.byIndex.length, largest,
                    pl.layout.joined));
        }
        return out;
    }

    /** Distinct signature groups over all buckets (port groups counted one by one). */
    public int groupCount() {
        int n = 0;
        for (GroupCount c : groupCounts()) {
            n += c.groups();
        }
        return n;
    }

    public EngineStats stats() {
        long packets = 0, cand = 0, candMatch = 0, eval = 0, matched = 0, alerts = 0, budget = 0, txc = 0;
        for (DetectionContext c : contexts) {
            packets += c.packets;
            cand += c.prefilterCandidates;
            candMatch += c.prefilterMatches;
            eval += c.evaluated;
            matched += c.matched;
            alerts += c.alerts;
            budget += c.ictx.budgetExhausted;
            txc += c.txCandidates;
        }
        return new EngineStats(sigs.length, ipOnlyCount, prefilterCount, fastPatternCount, groupSizes(), packets,
                cand, candMatch, eval, matched, alerts, budget, txc);
    }

    Group group(Packet p, int flowFlags) {
        int pb;
        if (p.ipVersion == 0) {
            pb = 5;
        } else {
            switch (p.ipProto) {
                case 6: pb = 0; break;
                case 17: pb = 1; break;
                case 1: pb = 2; break;
                case 58: pb = 3; break;
                default: pb = 4;
            }
        }
        int db = (flowFlags & FlowFlags.TO_SERVER) != 0 ? 0 : (flowFlags & FlowFlags.TO_CLIENT) != 0 ? 1 : 2;
        int b = pb * DIR_BUCKETS + db;
        if (b < portLookups.length && portLookups[b] != null) {
            // to_client by source port, else by destination port; a packet without ports gets the any-port rules
            return portLookups[b].select(p.l4Offset < 0 ? -1 : db == 1 ? p.srcPort : p.dstPort);
        }
        return groups[b];
    }

    private static boolean inProto(Signature s, int pb) {
        switch (s.proto()) {
            case TCP: return pb == 0;
            case UDP: return pb == 1;
            case ICMP: return pb == 2 || pb == 3;
            case ICMPV4: return pb == 2;
            case ICMPV6: return pb == 3;
            case SCTP: return pb == 4;
            case IP: return pb <= 4;
            default: return true;
        }
    }

    private static boolean inDir(Signature s, int db) {
        int d = s.flowDirection();
        if (d == FlowFlags.TO_SERVER) {
            return db == 0;
        }
        if (d == FlowFlags.TO_CLIENT) {
            return db == 1;
        }
        return true;
    }
}
