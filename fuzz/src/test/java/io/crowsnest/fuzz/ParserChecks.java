package io.crowsnest.fuzz;

import io.crowsnest.applayer.Buf;
import io.crowsnest.applayer.Slice;
import io.crowsnest.applayer.Transaction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * What every parser target asserts beside "nothing is thrown": anomalies are named events of the parser's
 * own protocol ({@code dns.name_loop}, never an exception's text), and every transaction the parser reports
 * is of its protocol and can be read as rules and loggers read it (each buffer within its array, the EVE
 * object) without throwing.
 */
final class ParserChecks {
    private static final Pattern EVENT = Pattern.compile("[a-z0-9]+\\.[a-z0-9_]+");
    private static final int MAX_INSTANCES = 4096;

    private final int proto;
    private final String prefix;
    private final Slice slice = new Slice();
    final BiConsumer<Transaction, Boolean> updated = this::updated;
    final Consumer<String> anomaly = this::anomaly;
    /** Seen so far (what {@code SeedsTest} asks of a seed: transactions, no anomaly). */
    final Set<Transaction> transactions = Collections.newSetFromMap(new IdentityHashMap<>());
    final List<String> anomalies = new ArrayList<>();

    ParserChecks(int proto, String prefix) {
        this.proto = proto;
        this.prefix = prefix;
    }

    private void anomaly(String event) {
        if (event == null || !event.startsWith(prefix + ".") || !EVENT.matcher(event).matches()) {
            throw new AssertionError("not a named " + prefix + " anomaly event: " + event);
        }
        if (anomalies.size() < 64) {
            anomalies.add(event);
        }
    }

    void updated(Transaction tx, boolean toServer) {
        if (tx == null || tx.proto() != proto) {
            throw new AssertionError("transaction of protocol " + (tx == null ? null : tx.proto()) + ", want " + proto);
        }
        for (int buf = 0; buf < Buf.COUNT; buf++) {
            for (int dir = 0; dir < 2; dir++) {
                int n = 0;
                while (tx.buffer(buf, dir == 0, n, slice.set(null, 0, 0))) {
                    if (slice.buf == null || slice.off < 0 || slice.len < 0 || slice.off + slice.len > slice.buf.length) {
                        throw new AssertionError(Buf.name(buf) + " instance " + n + " outside its array");
                    }
                    if (++n > MAX_INSTANCES) {
                        throw new AssertionError(Buf.name(buf) + ": more than " + MAX_INSTANCES + " instances");
                    }
                }
            }
        }
        tx.complete();
        tx.eve();
        if (transactions.size() < 1024) {
            transactions.add(tx);
        }
    }
}
