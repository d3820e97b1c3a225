package io.crowsnest.identity.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.crowsnest.identity.IpKey;
import io.crowsnest.identity.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityJournalTest {

    static final long S = 1_000_000_000L;
    static final long T0 = 1_700_000_000L * S;

    @Test
    void journalReplaysToTheSameHistory(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("identity.jsonl");
        IdentityHistory live = new IdentityHistory(Long.MAX_VALUE / 4, 1000);
        IpKey a = IpKey.parse("10.244.1.5");
        IpKey b = IpKey.parse("10.244.1.6");
        Workload scanned = new Workload(Workload.Kind.CONTAINER, null, null, null, "c1", null, null, "n", null);
        Workload named = Workload.container("c1", "web", "nginx:1.27", Map.of("app", "web"), "n");
        live.open(b, Workload.host("n"), T0); // before the journal: written as the initial snapshot
        try (IdentityJournal j = IdentityJournal.attach(live, file, 1)) {
            live.open(a, scanned, T0 + 5 * S); // the /proc scan saw it first
            live.upgrade(a, named, T0 + 2 * S); // Docker: same container, started earlier, with names
            live.closeContainer("c1", T0 + 10 * S);
            live.open(a, Workload.container("c2", "api", "api:2", null, "n"), T0 + 12 * S);
            live.open(b, Workload.container("c3", "db", "pg:16", null, "n"), T0 + 20 * S); // takeover
            assertEquals(0, j.failures());
        }
        IdentityHistory replay = IdentityHistory.load(file, Long.MAX_VALUE / 4, 1000);
        assertEquals(live.snapshot(), replay.snapshot());
        assertEquals("web", replay.lookup(a, T0 + 3 * S).container());
        assertEquals("api", replay.lookup(a, T0 + 12 * S).container());
        assertSame(null, replay.lookup(a, T0 + 11 * S));
        assertEquals(Workload.Kind.HOST, replay.lookup(b, T0 + 19 * S).kind());
    }
}
