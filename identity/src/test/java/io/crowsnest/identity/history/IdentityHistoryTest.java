package io.crowsnest.identity.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.identity.IpKey;
import io.crowsnest.identity.Workload;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class IdentityHistoryTest {

    static final long S = 1_000_000_000L;
    static final long T0 = 1_700_000_000L * S;
    static final IpKey A = IpKey.parse("10.244.1.5");
    static final IpKey B = IpKey.parse("fd00:1::5");

    static Workload pod(String name, String id) {
        return new Workload(Workload.Kind.POD, "shop", name, "app", id, "nginx:1.27",
                Map.of("app", name), "node-a", "Deployment/" + name);
    }

    static final Workload W1 = pod("web", "c1");
    static final Workload W2 = pod("api", "c2");

    static IdentityHistory history() {
        return new IdentityHistory(TimeUnit.HOURS.toNanos(1), 10_000);
    }

    @Test
    void ipv4KeysMatchTheDecodersForm() {
        // the decoders hold 10.244.1.5 as hi=0, lo=0x0000FFFF0AF40105
        assertEquals(new IpKey(0, 0x0000FFFF0AF40105L), A);
        assertEquals(A, IpKey.of(0, 0x0AF40105L));
        assertTrue(A.isV4());
        assertEquals("10.244.1.5", A.toString());
        assertEquals(new IpKey(0xfd00000100000000L, 5), B);
    }

    @Test
    void theLookupProbeStandsForItsKey() {
        IpKey.Probe p = new IpKey.Probe().set(0, 0x0AF40105L); // bare IPv4: normalised like IpKey.of
        assertTrue(p.equals(A) && A.equals(p), "equal both ways");
        assertEquals(A.hashCode(), p.hashCode());
        assertFalse(p.set(B.hi(), B.lo()).equals(A));
        assertEquals(B.hashCode(), p.hashCode());
        IdentityHistory h = history();
        h.open(A, W1, T0);
        h.open(B, W2, T0);
        assertEquals(W1, h.lookup(0, 0x0AF40105L, T0));
        assertEquals(W1, h.lookup(A.hi(), A.lo(), T0));
        assertEquals(W2, h.lookup(B.hi(), B.lo(), T0));
        assertNull(h.lookup(0, 0x0AF40106L, T0));
    }

    @Test
    void boundariesAreHalfOpen() {
        IdentityHistory h = history();
        h.open(A, W1, T0);
        h.closeContainer("c1", T0 + 10 * S);
        assertNull(h.lookup(A, T0 - 1));
        assertSame(W1, h.lookup(A, T0));
        assertSame(W1, h.lookup(A, T0 + 10 * S - 1));
        assertNull(h.lookup(A, T0 + 10 * S));
        assertSame(W1, h.lookup(0, 0x0AF40105L, T0 + 5 * S)); // bare v4 long works too
    }

    @Test
    void reusedAddressGivesTheHolderAtThatTime() {
        IdentityHistory h = history();
        h.open(A, W1, T0);
        h.close(A, W1, T0 + 10 * S);
        h.open(A, W2, T0 + 10 * S);
        assertSame(W1, h.lookup(A, T0 + 10 * S - 1));
        assertSame(W2, h.lookup(A, T0 + 10 * S));
        assertSame(W2, h.lookup(A, T0 + 1000 * S));
        assertEquals(2, h.intervals(A).size());
    }

    @Test
    void takeoverWithoutDieClosesThePreviousHolder() {
        IdentityHistory h = history();
        h.open(A, W1, T0);
        h.open(A, W2, T0 + 5 * S); // the die event was missed
        assertSame(W1, h.lookup(A, T0 + 4 * S));
        assertSame(W2, h.lookup(A, T0 + 5 * S));
        Interval first = h.intervals(A).get(0);
        assertEquals(T0 + 5 * S, first.untilNanos());
    }

    @Test
    void openIsIdempotentAndLateOlderFactsEndAtTheNextHolder() {
        IdentityHistory h = history();
        h.open(A, W2, T0 + 10 * S);
        h.open(A, W2, T0 + 12 * S);
        assertEquals(1, h.size());
        h.open(A, W1, T0); // learnt late: W1 held it before W2
        assertSame(W1, h.lookup(A, T0 + 9 * S));
        assertSame(W2, h.lookup(A, T0 + 10 * S));
        assertEquals(T0 + 10 * S, h.intervals(A).get(0).untilNanos());
    }

    @Test
    void deadContainerStillResolvesForItsPast() {
        IdentityHistory h = history();
        h.open(A, W1, T0);
        h.open(B, W1, T0);
        assertEquals(2, h.closeContainer("c1", T0 + 3 * S));
        assertSame(W1, h.lookup(A, T0 + 2 * S));
        assertSame(W1, h.lookup(B, T0 + 2 * S));
        assertNull(h.lookup(A, T0 + 4 * S));
    }

    @Test
    void retentionDropsOnlyIntervalsClosedLongAgo() {
        IdentityHistory h = new IdentityHistory(60 * S, 100);
        h.open(A, W1, T0);
        h.close(A, W1, T0 + 10 * S);
        h.open(A, W2, T0 + 10 * S); // open: never expires
        assertEquals(0, h.expire(T0 + 70 * S)); // closed 60 s ago: kept (boundary inclusive)
        assertEquals(1, h.expire(T0 + 70 * S + 1));
        assertNull(h.lookup(A, T0 + 5 * S));
        assertSame(W2, h.lookup(A, T0 + 100 * S));
        assertEquals(1, h.size());
        assertEquals(1, h.expired());
    }

    @Test
    void capEvictsClosedFirstAndCounts() {
        IdentityHistory h = new IdentityHistory(Long.MAX_VALUE / 4, 10);
        IpKey live = IpKey.parse("10.0.0.1");
        h.open(live, W2, T0);
        for (int i = 0; i < 10; i++) {
            IpKey a = IpKey.parse("10.1.0." + (i + 1));
            h.open(a, W1, T0 + i * S);
            h.close(a, W1, T0 + i * S + S / 2);
        }
        // 11 intervals > cap 10: evicted down to 9, the earliest-closed first
        assertEquals(9, h.size());
        assertEquals(2, h.evictions());
        assertSame(W2, h.lookup(live, T0 + 100 * S));
        assertNull(h.lookup(IpKey.parse("10.1.0.1"), T0));
        assertNull(h.lookup(IpKey.parse("10.1.0.2"), T0 + S));
        assertSame(W1, h.lookup(IpKey.parse("10.1.0.3"), T0 + 2 * S));
    }

    @Test
    void jsonLinesRoundTrip() throws IOException {
        IdentityHistory h = history();
        Workload bare = Workload.container("c3", null, null, null, null); // missing facts
        h.open(A, W1, T0);
        h.close(A, W1, T0 + 10 * S);
        h.open(A, W2, T0 + 10 * S);
        h.open(B, bare, T0 + 1);
        h.open(IpKey.parse("172.17.0.1"), Workload.host("node-a"), T0);
        StringWriter out = new StringWriter();
        h.writeJsonLines(out);
        String text = out.toString();
        assertFalse(text.contains("null"), text);
        assertFalse(text.contains("<NA>"), text);
        assertTrue(text.contains("\"kind\":\"pod\""), text);
        assertTrue(text.contains("\"container_id\":\"c1\""), text);
        assertTrue(text.contains("\"until_ns\":" + (T0 + 10 * S)), text);

        IdentityHistory back = history();
        assertEquals(4, back.readJsonLines(new StringReader(text)));
        assertEquals(h.snapshot(), back.snapshot());
        assertEquals(W1, back.lookup(A, T0 + 9 * S));
        assertEquals(bare, back.lookup(B, T0 + 1));
        assertEquals(Workload.Kind.HOST, back.lookup(IpKey.parse("172.17.0.1"), T0).kind());
    }

    @Test
    void aPodNamedByAnotherContainerIdIsUpgradedInPlaceLiveAndFromTheJournal() throws IOException {
        // the /proc scan names a pod by its sandbox's id; containerd later by its app container's, from an earlier start
        Map<String, String> uid = Map.of("io.kubernetes.pod.uid", "u-1");
        Workload scan = new Workload(Workload.Kind.POD, null, null, null, "sandbox", null, uid, "node-a", null);
        Workload cri = new Workload(Workload.Kind.POD, "shop", "web", "web", "app", "web:2", uid, "node-a", null);
        IdentityHistory live = history();
        StringWriter journal = new StringWriter();
        live.onChange(iv -> journal.write(IdentityHistory.toJsonLine(iv) + "\n"));
        live.open(A, scan, T0 + 5 * S);
        assertTrue(live.upgrade(A, cri, T0));
        assertEquals(1, live.intervals(A).size(), live.intervals(A).toString());
        assertEquals(cri, live.lookup(A, T0 + 10 * S));
        assertEquals(cri, live.lookup(A, T0));
        // another pod's workload is not the same holder
        Workload other = new Workload(Workload.Kind.POD, "shop", "api", null, "x", null,
                Map.of("io.kubernetes.pod.uid", "u-2"), "node-a", null);
        assertFalse(live.upgrade(A, other, T0 + 20 * S));
        assertEquals(cri, live.lookup(A, T0 + 20 * S - 1));

        IdentityHistory replayed = history();
        replayed.readJsonLines(new StringReader(journal.toString()));
        assertEquals(live.snapshot(), replayed.snapshot(), journal.toString());
    }

    @Test
    void badLineNamesItsNumber() {
        IOException e = assertThrows(IOException.class,
                () -> history().readJsonLines(new StringReader("\n{\"address\":\"10.0.0.1\",\"from_ns\":")));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void readersNeverSeeATornStateWhileWritersChurn() throws Exception {
        IdentityHistory h = new IdentityHistory(10 * S, 1000);
        h.open(A, W1, T0);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                while (!stop.get()) {
                    assertNotNull(h.lookup(A, T0)); // W1 always held A at T0
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        reader.start();
        for (int i = 1; i < 20_000; i++) {
            IpKey k = IpKey.parse("10.9." + (i % 200) + ".1");
            h.open(k, i % 2 == 0 ? W1 : W2, T0 + i);
            h.close(k, null, T0 + i + 1);
        }
        stop.set(true);
        reader.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertTrue(h.size() <= 1000);
    }

    @Test
    void measureLookups() {
        IdentityHistory h = new IdentityHistory(TimeUnit.HOURS.toNanos(1), 100_000);
        int n = 5000;
        long[] los = new long[n];
        for (int i = 0; i < n; i++) {
            los[i] = 0xFFFF_0A00_0000L | i;
            IpKey k = new IpKey(0, los[i]);
            h.open(k, pod("p" + i, "c" + i), T0);
            h.close(k, null, T0 + 10 * S);
            h.open(k, pod("q" + i, "d" + i), T0 + 10 * S);
        }
        long found = 0;
        for (int round = 0; round < 3; round++) { // warm-up and two measured rounds
            long iters = 5_000_000;
            long t = System.nanoTime();
            for (long i = 0; i < iters; i++) {
                Workload w = h.lookup(0, los[(int) (i % n)], T0 + (i & 1) * 20 * S);
                if (w != null) {
                    found++;
                }
            }
            long dt = System.nanoTime() - t;
            if (round > 0) {
                System.out.printf("IdentityHistory: %,.0f lookups/s (1 thread, %d addresses, 2 intervals each)%n",
                        iters * 1e9 / dt, n);
            }
        }
        assertTrue(found > 0);
    }
}
