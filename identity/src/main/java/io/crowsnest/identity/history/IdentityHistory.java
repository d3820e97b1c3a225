package io.crowsnest.identity.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crowsnest.identity.IpKey;
import io.crowsnest.identity.Workload;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Address → workload intervals, looked up by (address, time).
 *
 * <p>Reads ({@link #lookup}) take no lock: each address maps to an immutable array of intervals, ordered by start,
 * that writers replace as a whole (copy-on-write). Writers ({@link #open}, {@link #close}, {@link #closeWorkload},
 * {@link #expire}) serialise on one lock; they are rare (container start/die), the packet path only reads.
 *
 * <p>An address held by one workload and then opened by another without a close (a missed die event, a reused
 * address) has the old interval closed at the new one's start. Intervals closed more than {@code retentionNanos}
 * before "now" (the latest time {@link #expire} was given) are dropped. When the table holds more than
 * {@code maxIntervals}, the intervals that closed first are evicted (then, if every interval is open, the oldest
 * open ones) down to 90 % of the cap, and counted in {@link #evictions()}.
 */
public final class IdentityHistory {

    private static final Interval[] NONE = new Interval[0];

    private final ConcurrentHashMap<IpKey, Interval[]> byAddress = new ConcurrentHashMap<>();
    private final long retentionNanos;
    private final int maxIntervals;
    private final Object writeLock = new Object();
    private int size; // guarded by writeLock
    private final AtomicLong evictions = new AtomicLong();
    private final AtomicLong expired = new AtomicLong();
    private volatile Consumer<Interval> listener = iv -> { };

    public IdentityHistory(long retentionNanos, int maxIntervals) {
        if (retentionNanos < 0 || maxIntervals < 1) {
            throw new IllegalArgumentException("retention must be >= 0 and the cap >= 1");
        }
        this.retentionNanos = retentionNanos;
        this.maxIntervals = maxIntervals;
    }

    /** Per-thread lookup keys: the packet path allocates nothing (an {@code IpKey} per miss did, 32 B). */
    private static final ThreadLocal<IpKey.Probe> PROBE = ThreadLocal.withInitial(IpKey.Probe::new);

    /** The workload that held the address at {@code epochNanos}, or null. Lock-free, allocation-free. */
    public Workload lookup(long hi, long lo, long epochNanos) {
        Interval i = find(byAddress.get(PROBE.get().set(hi, lo)), epochNanos);
        return i == null ? null : i.workload();
    }

    public Workload lookup(IpKey address, long epochNanos) {
        Interval i = lookupInterval(address, epochNanos);
        return i == null ? null : i.workload();
    }

    public Interval lookupInterval(IpKey address, long epochNanos) {
        return find(byAddress.get(address), epochNanos);
    }

    private static Interval find(Interval[] a, long epochNanos) {
        if (a == null) {
            return null;
        }
        for (int i = a.length - 1; i >= 0; i--) { // newest first: the common case is "now"
            Interval iv = a[i];
            if (iv.covers(epochNanos)) {
                return iv;
            }
        }
        return null;
    }

    /** Every interval of an address, oldest first. */
    public List<Interval> intervals(IpKey address) {
        return List.of(byAddress.getOrDefault(address, NONE));
    }

    /** {@code address} is held by {@code w} from {@code fromNanos}; idempotent for the holder already open. */
    public void open(IpKey address, Workload w, long fromNanos) {
        Objects.requireNonNull(w);
        synchronized (writeLock) {
            Interval[] a = byAddress.getOrDefault(address, NONE);
            List<Interval> out = new ArrayList<>(a.length + 1);
            boolean already = false;
            for (Interval iv : a) {
                if (iv.isOpen() && iv.workload().equals(w) && iv.fromNanos() <= fromNanos) {
                    already = true;
                    out.add(iv);
                } else if (iv.isOpen() && iv.fromNanos() == fromNanos) {
                    size--; // replaced from the same instant: nothing left of it
                } else if (iv.isOpen() && iv.fromNanos() < fromNanos) {
                    out.add(iv.closedAt(fromNanos)); // taken over without a close event
                    listener.accept(iv.closedAt(fromNanos));
                } else if (iv.fromNanos() <= fromNanos && iv.untilNanos() > fromNanos && iv.fromNanos() < fromNanos) {
                    out.add(iv.closedAt(fromNanos)); // late-arriving facts: the newer holder wins from its start
                    listener.accept(iv.closedAt(fromNanos));
                } else {
                    out.add(iv);
                }
            }
            if (!already) {
                long until = Interval.OPEN; // an older fact learnt late ends where the next holder starts
                for (Interval iv : a) {
                    if (iv.fromNanos() > fromNanos) {
                        until = Math.min(until, iv.fromNanos());
                    }
                }
                Interval added = new Interval(address, w, fromNanos, until);
                out.add(added);
                size++;
                listener.accept(added);
            }
            publish(address, out);
            enforceCap();
        }
    }

    /**
     * Richer facts about the holder already open on {@code address}: when the open interval belongs to the same
     * holder - the same container id, or the same pod uid (label {@code io.kubernetes.pod.uid}: the /proc scan names
     * a pod by its sandbox's container id, containerd by its one app container's) - its workload is replaced in place
     * (its start becomes the earlier of the two); otherwise this is {@link #open}. Returns true when an interval was
     * upgraded. A journal replayed with {@link #readJsonLines} goes through the same rule, so it rebuilds the same
     * intervals.
     */
    public boolean upgrade(IpKey address, Workload w, long fromNanos) {
        synchronized (writeLock) {
            Interval[] a = byAddress.get(address);
            if (a != null) {
                for (int i = a.length - 1; i >= 0; i--) {
                    Interval iv = a[i];
                    if (iv.isOpen() && sameHolder(w, iv.workload())) {
                        Interval[] b = a.clone();
                        long from = Math.min(iv.fromNanos(), fromNanos);
                        b[i] = new Interval(address, w, from, Interval.OPEN);
                        listener.accept(b[i]);
                        List<Interval> out = new ArrayList<>(Arrays.asList(b));
                        if (from < iv.fromNanos()) { // an earlier start must not overlap the previous holder
                            for (int k = 0; k < out.size(); k++) {
                                Interval o = out.get(k);
                                if (k != i && o.untilNanos() > from && o.fromNanos() < from) {
                                    out.set(k, o.closedAt(from));
                                }
                            }
                        }
                        publish(address, out);
                        return true;
                    }
                }
            }
        }
        open(address, w, fromNanos);
        return false;
    }

    private static final String POD_UID = "io.kubernetes.pod.uid";

    static boolean sameHolder(Workload a, Workload b) {
        if (a.containerId() != null && a.containerId().equals(b.containerId())) {
            return true;
        }
        String uid = a.labels() == null ? null : a.labels().get(POD_UID);
        return uid != null && b.labels() != null && uid.equals(b.labels().get(POD_UID));
    }

    /** The interval open on {@code address} now, or null. */
    public Interval current(IpKey address) {
        Interval[] a = byAddress.get(address);
        if (a == null) {
            return null;
        }
        for (int i = a.length - 1; i >= 0; i--) {
            if (a[i].isOpen()) {
                return a[i];
            }
        }
        return null;
    }

    /** Closes the open interval(s) on {@code address} (held by {@code w}, or by anyone when {@code w} is null). */
    public void close(IpKey address, Workload w, long untilNanos) {
        synchronized (writeLock) {
            Interval[] a = byAddress.get(address);
            if (a == null) {
                return;
            }
            Interval[] b = a.clone();
            boolean changed = false;
            for (int i = 0; i < b.length; i++) {
                if (b[i].isOpen() && (w == null || b[i].workload().equals(w))) {
                    b[i] = b[i].closedAt(Math.max(untilNanos, b[i].fromNanos()));
                    changed = true;
                    listener.accept(b[i]);
                }
            }
            if (changed) {
                byAddress.put(address, b);
            }
        }
    }

    /** Closes every open interval whose workload matches (e.g. by container id on a die event); returns how many. */
    public int closeWorkload(Predicate<Workload> which, long untilNanos) {
        int n = 0;
        synchronized (writeLock) {
            for (var e : byAddress.entrySet()) {
                Interval[] a = e.getValue();
                Interval[] b = null;
                for (int i = 0; i < a.length; i++) {
                    if (a[i].isOpen() && which.test(a[i].workload())) {
                        if (b == null) {
                            b = a.clone();
                        }
                        b[i] = a[i].closedAt(Math.max(untilNanos, a[i].fromNanos()));
                        n++;
                        listener.accept(b[i]);
                    }
                }
                if (b != null) {
                    byAddress.put(e.getKey(), b);
                }
            }
        }
        return n;
    }

    /** Closes every open interval of the container with this id. */
    public int closeContainer(String containerId, long untilNanos) {
        return closeWorkload(w -> containerId.equals(w.containerId()), untilNanos);
    }

    /** Drops intervals that closed before {@code nowNanos - retention}; returns how many. */
    public int expire(long nowNanos) {
        long horizon = nowNanos - retentionNanos;
        int n = 0;
        synchronized (writeLock) {
            for (var e : byAddress.entrySet()) {
                Interval[] a = e.getValue();
                int keep = 0;
                for (Interval iv : a) {
                    if (iv.untilNanos() >= horizon) {
                        keep++;
                    }
                }
                if (keep == a.length) {
                    continue;
                }
                n += a.length - keep;
                List<Interval> out = new ArrayList<>(keep);
                for (Interval iv : a) {
                    if (iv.untilNanos() >= horizon) {
                        out.add(iv);
                    }
                }
                publish(e.getKey(), out);
            }
            size -= n;
        }
        expired.addAndGet(n);
        return n;
    }

    private void publish(IpKey address, List<Interval> out) {
        if (out.isEmpty()) {
            byAddress.remove(address);
        } else {
            out.sort(Comparator.comparingLong(Interval::fromNanos));
            byAddress.put(address, out.toArray(NONE));
        }
    }

    private void enforceCap() {
        if (size <= maxIntervals) {
            return;
        }
        int target = Math.max(1, maxIntervals - maxIntervals / 10);
        int drop = size - target;
        List<Interval> all = new ArrayList<>(size);
        for (Interval[] a : byAddress.values()) {
            all.addAll(Arrays.asList(a));
        }
        // closed ones first, earliest close first; then open ones, earliest start first
        all.sort(Comparator.comparing(Interval::isOpen).thenComparingLong(Interval::untilNanos)
                .thenComparingLong(Interval::fromNanos));
        for (int k = 0; k < drop; k++) {
            Interval victim = all.get(k);
            Interval[] a = byAddress.get(victim.address());
            List<Interval> out = new ArrayList<>(Arrays.asList(a));
            out.remove(victim);
            publish(victim.address(), out);
        }
        size -= drop;
        evictions.addAndGet(drop);
    }

    /**
     * Called under the write lock for every interval opened, closed or upgraded (e.g. an {@link IdentityJournal}
     * appending {@code --identity-out}); must be quick and must not call back into this history.
     */
    public void onChange(Consumer<Interval> listener) {
        this.listener = listener == null ? iv -> { } : listener;
    }

    public int size() {
        synchronized (writeLock) {
            return size;
        }
    }

    public long evictions() {
        return evictions.get();
    }

    public long expired() {
        return expired.get();
    }

    public long retentionNanos() {
        return retentionNanos;
    }

    public int maxIntervals() {
        return maxIntervals;
    }

    /** A snapshot of every interval, by address then start. */
    public List<Interval> snapshot() {
        List<Interval> all = new ArrayList<>();
        for (Interval[] a : byAddress.values()) {
            all.addAll(Arrays.asList(a));
        }
        all.sort(Comparator.comparing((Interval i) -> i.address().hi()).thenComparing(i -> i.address().lo())
                .thenComparingLong(Interval::fromNanos));
        return all;
    }

    // ---- JSON lines -------------------------------------------------------------------------------------------

    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** One line of an identity file; {@code until_ns} absent while open. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Line(@JsonProperty("address") String address, @JsonProperty("from_ns") long fromNanos,
            @JsonProperty("until_ns") Long untilNanos, @JsonProperty("workload") Workload workload) {
    }

    /** Writes every interval as one JSON object per line. */
    public void writeJsonLines(Writer out) throws IOException {
        for (Interval iv : snapshot()) {
            out.write(toJsonLine(iv));
            out.write('\n');
        }
        out.flush();
    }

    public static String toJsonLine(Interval iv) {
        try {
            return JSON.writeValueAsString(new Line(iv.address().toString(), iv.fromNanos(),
                    iv.isOpen() ? null : iv.untilNanos(), iv.workload()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void save(Path file) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            writeJsonLines(w);
        }
    }

    /**
     * Reads intervals written by {@link #writeJsonLines} (or appended by a live sensor) into this history; blank
     * lines are skipped, a line that does not parse throws with its line number. Returns the lines read.
     */
    public int readJsonLines(Reader in) throws IOException {
        BufferedReader r = in instanceof BufferedReader ? (BufferedReader) in : new BufferedReader(in);
        int n = 0;
        int lineNo = 0;
        String s;
        while ((s = r.readLine()) != null) {
            lineNo++;
            if (s.isBlank()) {
                continue;
            }
            Line l;
            try {
                l = JSON.readValue(s, Line.class);
            } catch (IOException e) {
                throw new IOException("identity line " + lineNo + ": " + e.getMessage(), e);
            }
            IpKey a = IpKey.parse(l.address());
            upgrade(a, l.workload(), l.fromNanos()); // a journal re-states an open interval when facts improve
            if (l.untilNanos() != null) {
                close(a, l.workload(), l.untilNanos());
            }
            n++;
        }
        return n;
    }

    public static IdentityHistory load(Path file, long retentionNanos, int maxIntervals) throws IOException {
        IdentityHistory h = new IdentityHistory(retentionNanos, maxIntervals);
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            h.readJsonLines(r);
        }
        return h;
    }
}
