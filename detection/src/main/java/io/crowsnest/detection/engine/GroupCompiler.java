package io.crowsnest.detection.engine;

import io.crowsnest.detection.inspect.ContentMatch;
import io.crowsnest.detection.prefilter.MultiPatternMatcher;
import io.crowsnest.detection.prefilter.PatternSetBuilder;
import io.crowsnest.detection.rules.Signature;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles the signature groups of a {@link DetectionEngine}. The automata are built per bucket, over all its packet rules, and shared by the
 * bucket's port groups (Suricata's {@code sgh-mpm-context: single}): a port group keeps the automaton and
 * narrows what a pattern hit selects to its own rules ({@link DetectionEngine.Group#patternSigs},
 * {@link DetectionEngine.Group#ipOnly}, {@link DetectionEngine.Group#always}). One automaton per port group (Suricata's {@code full}) compiled ~200 packet automata
 * for ET Open (build 1.2 s -> 19-33 s, 2-core machine, and a dense table each) for groups that mostly hold
 * the same any-port rules. The transaction rules are not split by port either: a bucket's port groups share
 * its transaction lists and per-buffer prefilters (one per app protocol); a candidate of another port fails
 * the memoized header check (ET Open: 87 of the 13.6k TCP to_server transaction rules name ports). The
 * distinct automata are built in parallel (Hyperscan's compiles above all are most of an ET Open build), on
 * the common pool plus this thread.
 */
final class GroupCompiler {
    /**
     * One group to compile: the bucket it serves, the packet rules of the group (ascending; the same array as
     * {@code bucketNums} when the bucket is not grouped by port) and the bucket's rules (ascending).
     */
    record GroupSpec(int bucket, int[] nums, int[] bucketNums) {}

    /** An int array with value equality: the key under which identical rule lists share what is built over them. */
    private record Key(int tag, int[] nums) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.tag == tag && Arrays.equals(k.nums, nums);
        }

        @Override
        public int hashCode() {
            return 31 * tag + Arrays.hashCode(nums);
        }
    }

    /** What a group evaluates on the packet itself: IP-only and always lists, its payload prefilter. */
    private static final class PacketPart {
        int[] ipOnly, always;
        MultiPatternMatcher matcher;
        int[][] patternSigs = new int[0][];
        int maxPatternLength, fastPatterns, maxPatternCount;
    }

    private static final int[] NO_SIGS = new int[0];

    private final Signature[] sigs;
    /** App-layer binding per signature num (null: packet-only rule, or parked). */
    private final AppBinding[] app;
    private final boolean txPrefilterOn;
    private final Map<Key, int[]> interned = new HashMap<>();
    private final Map<Key, PacketPart> packetParts = new LinkedHashMap<>();
    private final Map<Key, TransactionPrefilter[]> txParts = new LinkedHashMap<>();

    GroupCompiler(Signature[] sigs, AppBinding[] app, boolean txPrefilterOn) {
        this.sigs = sigs;
        this.app = app;
        this.txPrefilterOn = txPrefilterOn;
    }

    private int[] intern(int[] a) {
        return a.length == 0 ? NO_SIGS : interned.computeIfAbsent(new Key(-1, a), k -> a);
    }

    DetectionEngine.Group[] build(List<GroupSpec> specs) {
        int n = specs.size();
        Key[] bucketPacketKey = new Key[n];
        int[][] txOf = new int[n][];
        int[][][] byProto = new int[n][][];
        Key[][] txKey = new Key[n][];
        for (int i = 0; i < n; i++) {
            GroupSpec sp = specs.get(i);
            int pb = sp.bucket / DetectionEngine.DIR_BUCKETS, db = sp.bucket % DetectionEngine.DIR_BUCKETS;
            int[] packet = new int[sp.bucketNums.length], tx = new int[sp.bucketNums.length];
            int np = 0, nt = 0;
            for (int num : sp.bucketNums) {
                if (app[num] != null && app[num].tx()) {
                    tx[nt++] = num;
                } else {
                    packet[np++] = num;
                }
            }
            bucketPacketKey[i] = new Key(0, Arrays.copyOf(packet, np));
            packetParts.putIfAbsent(bucketPacketKey[i], null);
            txOf[i] = intern(Arrays.copyOf(tx, nt));
            byProto[i] = byAppProto(txOf[i]);
            for (int proto = 0; proto < byProto[i].length; proto++) {
                byProto[i][proto] = intern(byProto[i][proto]);
            }
            // only TCP and UDP packets with a flow direction ever carry app-layer state
            if (txPrefilterOn && nt > 0 && pb <= 1 && db <= 1) {
                txKey[i] = new Key[byProto[i].length];
                for (int proto = 0; proto < byProto[i].length; proto++) {
                    txKey[i][proto] = new Key(1 + db, byProto[i][proto]);
                    txParts.putIfAbsent(txKey[i][proto], null);
                }
            }
        }
        List<Runnable> tasks = new ArrayList<>();
        for (Key k : packetParts.keySet()) {
            tasks.add(() -> {
                PacketPart part = buildPacketPart(k.nums);
                synchronized (packetParts) {
                    packetParts.put(k, part);
                }
            });
        }
        for (Key k : txParts.keySet()) {
            tasks.add(() -> {
                TransactionPrefilter[] tp = {TransactionPrefilter.build(k.nums, app, sigs, k.tag == 1)};
                synchronized (txParts) {
                    txParts.put(k, tp);
                }
            });
        }
        tasks.parallelStream().forEach(Runnable::run);
        DetectionEngine.Group[] out = new DetectionEngine.Group[n];
        boolean[] member = new boolean[sigs.length];
        for (int i = 0; i < n; i++) {
            GroupSpec sp = specs.get(i);
            PacketPart bucket = packetParts.get(bucketPacketKey[i]);
            int[] packetNums = bucketPacketKey[i].nums;
            // a group of all the bucket's packet rules (no port grouping, or no port-specific rule) is the bucket
            boolean whole = sp.nums == sp.bucketNums || sp.nums.length == packetNums.length;
            PacketPart pp = whole ? bucket : narrow(bucket, sp.nums, member);
            int size = (whole ? packetNums.length : sp.nums.length) + txOf[i].length;
            String name = DetectionEngine.PROTO_NAMES[sp.bucket / DetectionEngine.DIR_BUCKETS] + "/"
                    + DetectionEngine.DIR_NAMES[sp.bucket % DetectionEngine.DIR_BUCKETS];
            DetectionEngine.Group g = new DetectionEngine.Group(name, pp.ipOnly, pp.always, txOf[i], pp.matcher, pp.patternSigs, size, pp.maxPatternLength);
            g.fastPatterns = pp.fastPatterns;
            g.maxPatternCount = pp.maxPatternCount;
            g.txByProto = byProto[i];
            if (txKey[i] != null) {
                TransactionPrefilter[] tps = new TransactionPrefilter[txKey[i].length];
                for (int proto = 0; proto < tps.length; proto++) {
                    tps[proto] = txParts.get(txKey[i][proto])[0];
                    if (tps[proto] != null) {
                        g.maxPatternCount = Math.max(g.maxPatternCount, tps[proto].maxPatterns);
                        g.txPatterns += tps[proto].patternTotal();
                    }
                }
                g.txPrefilter = tps;
            }
            out[i] = g;
        }
        return out;
    }

    /**
     * The bucket's packet part narrowed to the rules {@code nums} (a subset of the bucket's packet rules):
     * same automaton, each pattern selecting only those rules. Lists equal to the bucket's are shared.
     */
    private PacketPart narrow(PacketPart bucket, int[] nums, boolean[] member) {
        for (int num : nums) {
            member[num] = true;
        }
        PacketPart p = new PacketPart();
        p.matcher = bucket.matcher;
        p.maxPatternLength = bucket.maxPatternLength;
        p.fastPatterns = bucket.fastPatterns;
        p.maxPatternCount = bucket.maxPatternCount;
        p.ipOnly = intern(filter(bucket.ipOnly, member));
        p.always = intern(filter(bucket.always, member));
        p.patternSigs = new int[bucket.patternSigs.length][];
        for (int i = 0; i < p.patternSigs.length; i++) {
            int[] l = filter(bucket.patternSigs[i], member);
            p.patternSigs[i] = l.length == bucket.patternSigs[i].length ? bucket.patternSigs[i] : intern(l);
        }
        for (int num : nums) {
            member[num] = false;
        }
        return p;
    }

    private int[] filter(int[] list, boolean[] member) {
        int n = 0;
        for (int num : list) {
            if (member[num]) {
                n++;
            }
        }
        if (n == list.length) {
            return list;
        }
        int[] out = new int[n];
        n = 0;
        for (int num : list) {
            if (member[num]) {
                out[n++] = num;
            }
        }
        return out;
    }

    /** IP-only, always and fast-pattern lists of the packet rules {@code nums}, and their automaton. */
    private PacketPart buildPacketPart(int[] nums) {
        List<Integer> ipOnly = new ArrayList<>(), always = new ArrayList<>();
        Map<String, Integer> patIndex = new HashMap<>();
        List<List<Integer>> patSigs = new ArrayList<>();
        PatternSetBuilder builder = new PatternSetBuilder();
        PacketPart part = new PacketPart();
        for (int num : nums) {
            Signature s = sigs[num];
            if (s.isIpOnly() && app[num] == null) {
                ipOnly.add(num);
                continue;
            }
            ContentMatch fp = s.fastPattern();
            if (fp == null) {
                always.add(num);
                continue;
            }
            byte[] bytes = fp.fastPatternBytes();
            part.maxPatternLength = Math.max(part.maxPatternLength, bytes.length);
            String key = (fp.nocase ? "i:" : "c:") + new String(bytes, StandardCharsets.ISO_8859_1);
            Integer id = patIndex.get(key);
            if (id == null) {
                id = builder.add(bytes, fp.nocase);
                patIndex.put(key, id);
                while (patSigs.size() <= id) {
                    patSigs.add(new ArrayList<>());
                }
            }
            patSigs.get(id).add(num);
        }
        if (!patIndex.isEmpty()) {
            part.matcher = builder.build();
            int[][] ps = new int[Math.max(part.matcher.patternCount(), patSigs.size())][];
            for (int i = 0; i < ps.length; i++) {
                ps[i] = i < patSigs.size() ? toArray(patSigs.get(i)) : new int[0];
            }
            part.patternSigs = ps;
            part.maxPatternCount = part.matcher.patternCount();
            part.fastPatterns = patIndex.size();
        }
        part.ipOnly = toArray(ipOnly);
        part.always = toArray(always);
        return part;
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
            out[proto] = Arrays.copyOf(l, n);
        }
        return out;
    }

    private static int[] toArray(List<Integer> l) {
        int[] a = new int[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }
}
