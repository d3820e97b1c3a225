package io.crowsnest.detection.engine;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.FlowFlags;
import io.crowsnest.detection.inspect.ContentMatch;
import io.crowsnest.detection.prefilter.MultiPatternMatcher;
import io.crowsnest.detection.prefilter.PatternSetBuilder;
import io.crowsnest.detection.rules.Signature;
import io.crowsnest.detection.threshold.ThresholdStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

/**
 * The compiled rule set: signatures sorted in Suricata's order (action, flowbits set before read, priority,
 * sid) and grouped by packet protocol and flow direction; each group has a multi-pattern prefilter over the
 * signatures' fast patterns. Immutable and shared by all workers; each worker uses its own
 * {@link #newContext() DetectionContext}. Threshold state is shared (thread-safe).
 */
public final class DetectionEngine {
    static final int PROTO_BUCKETS = 6; // tcp, udp, icmp4, icmp6, other ip, non-ip
    static final int DIR_BUCKETS = 3;   // to_server, to_client, no flow direction
    static final String[] PROTO_NAMES = {"tcp", "udp", "icmp", "icmpv6", "ip-other", "non-ip"};
    static final String[] DIR_NAMES = {"toserver", "toclient", "nodir"};

    /** Default cap of alerts per packet (Suricata packet-alert-max). */
    public static final int DEFAULT_MAX_ALERTS = 15;

    final Signature[] sigs;
    final Group[] groups = new Group[PROTO_BUCKETS * DIR_BUCKETS];
    final ThresholdStore thresholds = new ThresholdStore();
    final int maxGroupSize;
    final int maxPatterns;
    private final int flowbitCount;
    private String rulesetHash;
    private String rulesetLoadedAt;
    private final int flowintCount;
    private final int waitingCount;
    private final int ipOnlyCount, prefilterCount, fastPatternCount;
    /** Buffer fast patterns over all groups and protocols (a rule in several groups counts in each). */
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

    /** Suricata's signature order. */
    public static final Comparator<Signature> ORDER = Comparator
            .comparingInt((Signature s) -> s.actionType().order())
            .thenComparingInt(s -> -s.flowbitsOrderClass())
            .thenComparingInt(Signature::priority)
            .thenComparingLong(Signature::sid)
            .thenComparingInt(Signature::gid);

    private DetectionEngine(List<Signature> list) {
        this(list, true);
    }

    private DetectionEngine(List<Signature> list, boolean txPrefilterOn) {
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
        // Groups are independent: they are built in parallel (the automata, Hyperscan's compiles above all,
        // are most of an ET Open build), on the common pool plus this thread.
        IntStream.range(0, PROTO_BUCKETS * DIR_BUCKETS).parallel()
                .forEach(i -> groups[i] = buildGroup(i / DIR_BUCKETS, i % DIR_BUCKETS, txPrefilterOn));
        int maxSize = 0, maxPat = 0, fps = 0, txPatterns = 0;
        for (Group g : groups) {
            maxSize = Math.max(maxSize, g.size);
            maxPat = Math.max(maxPat, g.maxPatternCount);
            fps += g.fastPatterns;
            txPatterns += g.txPatterns;
        }
        maxGroupSize = maxSize;
        maxPatterns = maxPat;
        fastPatternCount = fps;
        txFastPatternCount = txPatterns;
    }

    /** One signature group: its packet prefilter, IP-only / always / transaction lists, transaction prefilters. */
    private Group buildGroup(int pb, int db, boolean txPrefilterOn) {
        List<Integer> ipOnly = new ArrayList<>(), always = new ArrayList<>(), txs = new ArrayList<>();
        Map<String, Integer> patIndex = new HashMap<>();
        List<List<Integer>> patSigs = new ArrayList<>();
        PatternSetBuilder builder = new PatternSetBuilder();
        int size = 0;
        int longest = 0;
        for (Signature s : sigs) {
            // rules bound to app-layer buffers are kept but not fed until the app layer lands
            if (parked[s.num()] || !inProto(s, pb) || !inDir(s, db)) {
                continue;
            }
            size++;
            if (app[s.num()] != null && app[s.num()].tx()) {
                txs.add(s.num());
                continue;
            }
            if (s.isIpOnly() && app[s.num()] == null) {
                ipOnly.add(s.num());
                continue;
            }
            ContentMatch fp = s.fastPattern();
            if (fp == null) {
                always.add(s.num());
                continue;
            }
            byte[] bytes = fp.fastPatternBytes();
            longest = Math.max(longest, bytes.length);
            String key = (fp.nocase ? "i:" : "c:") + new String(bytes, StandardCharsets.ISO_8859_1);
            Integer id = patIndex.get(key);
            if (id == null) {
                id = builder.add(bytes, fp.nocase);
                patIndex.put(key, id);
                while (patSigs.size() <= id) {
                    patSigs.add(new ArrayList<>());
                }
            }
            patSigs.get(id).add(s.num());
        }
        int g0maxPat = 0, g0fps = 0;
        MultiPatternMatcher m = null;
        int[][] ps = new int[0][];
        if (!patIndex.isEmpty()) {
            m = builder.build();
            ps = new int[Math.max(m.patternCount(), patSigs.size())][];
            for (int i = 0; i < ps.length; i++) {
                ps[i] = i < patSigs.size() ? toArray(patSigs.get(i)) : new int[0];
            }
            g0maxPat = m.patternCount();
            g0fps = patIndex.size();
        }
        Group g = new Group(PROTO_NAMES[pb] + "/" + DIR_NAMES[db],
                toArray(ipOnly), toArray(always), toArray(txs), m, ps, size, longest);
        g.fastPatterns = g0fps;
        g.maxPatternCount = g0maxPat;
        g.txByProto = byAppProto(g.txSigs);
        // only TCP and UDP packets with a flow direction ever carry app-layer state
        if (txPrefilterOn && g.txSigs.length > 0 && pb <= 1 && db <= 1) {
            TransactionPrefilter[] tps = new TransactionPrefilter[g.txByProto.length];
            int[][] byProto = g.txByProto;
            IntStream.range(0, tps.length).parallel()
                    .forEach(proto -> tps[proto] = TransactionPrefilter.build(byProto[proto], app, sigs, db == 0));
            g.txPrefilter = tps;
            for (TransactionPrefilter tp : tps) {
                if (tp != null) {
                    g.maxPatternCount = Math.max(g.maxPatternCount, tp.maxPatterns);
                    g.txPatterns += tp.patternTotal();
                }
            }
        }
        return g;
    }

    /** Splits tx signatures by the app protocol they are bound to (any-protocol ones go in every list); order kept. */
    private int[][] byAppProto(int[] tx) {
        int[][] out = new int[io.crowsnest.applayer.AppProto.COUNT][];
        for (int proto = 0; proto < out.length; proto++) {
            int n = 0;
            int[] l = new int[tx.length];
            for (int num : tx) {
                AppBinding ab = app[num];
                if (ab == null || ab.appProto < 0 || ab.appProto == proto) {
                    l[n++] = num;
                }
            }
            out[proto] = java.util.Arrays.copyOf(l, n);
        }
        return out;
    }

    /** Sorts, groups and compiles the signatures. */
    public static DetectionEngine build(List<Signature> signatures) {
        return new DetectionEngine(signatures);
    }

    /** As {@link #build} but every transaction rule is evaluated on every update (tests: prefilter equivalence). */
    static DetectionEngine buildWithoutTransactionPrefilter(List<Signature> signatures) {
        return new DetectionEngine(signatures, false);
    }

    /** Buffer fast patterns in the transaction prefilters, summed over groups and app protocols. */
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

    /** Group sizes by name ("tcp/toserver" …). */
    public Map<String, Integer> groupSizes() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (Group g : groups) {
            m.put(g.name, g.size);
        }
        return m;
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
        return groups[pb * DIR_BUCKETS + db];
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

    private static int[] toArray(List<Integer> l) {
        int[] a = new int[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }
}
