package io.crowsnest.applayer;

/**
 * One app-layer transaction (an HTTP request/response pair, a DNS query/answer, a TLS handshake, an SSH
 * banner exchange, a Redis command/reply, a PostgreSQL or MySQL login or query, an FTP command/reply). Rules read its buffers; the detection engine records here which
 * signatures already alerted on it, per direction (Suricata: at most once per transaction and direction).
 */
public abstract class Transaction {
    /** Sequence number of the transaction within its flow (0-based). */
    public int id;
    private long[] alertedToServer, alertedToClient;
    /** Set when a log record for the transaction was written (EVE http/dns/tls event types). */
    public boolean logged;
    /**
     * The detection engine's own per-transaction state (how far it has scanned the growing body buffers);
     * opaque to the app layer, dropped with the transaction.
     */
    public Object detectState;
    /** Packet time (ns) of the first and of the completing packet (behaviour: what happened while it was served). */
    public long startNanos, endNanos;

    /** Most app-layer events kept per transaction (Suricata's tx events); further ones are dropped. */
    public static final int MAX_EVENTS = 8;
    private String[] events;
    private int eventCount;

    /**
     * Records an app-layer event on this transaction ({@code http.invalid_transfer_encoding_value_in_request}
     * …), the name as the {@code app-layer-event} keyword spells it; a repeated event is kept once.
     */
    public final void addEvent(String event) {
        if (hasEvent(event) || eventCount == MAX_EVENTS) {
            return;
        }
        if (events == null) {
            events = new String[2];
        } else if (eventCount == events.length) {
            events = java.util.Arrays.copyOf(events, Math.min(MAX_EVENTS, eventCount * 2));
        }
        events[eventCount++] = event;
    }

    /** Was {@code event} raised on this transaction? Allocation-free. */
    public final boolean hasEvent(String event) {
        for (int i = 0; i < eventCount; i++) {
            if (events[i].equals(event)) {
                return true;
            }
        }
        return false;
    }

    /** The protocol ({@link AppProto}). */
    public abstract int proto();

    /**
     * Fills {@code out} with the {@code index}-th instance of buffer {@code buf} ({@link Buf}) for direction
     * {@code toServer}; false when there is none (multi-instance buffers such as DNS queries have several).
     */
    public abstract boolean buffer(int buf, boolean toServer, int index, Slice out);

    /** Both directions are complete (the transaction will not change any more). */
    public abstract boolean complete();

    /** Has signature {@code num} alerted on this transaction in that direction? */
    public final boolean alerted(int num, boolean toServer) {
        long[] a = toServer ? alertedToServer : alertedToClient;
        return a != null && (num >>> 6) < a.length && (a[num >>> 6] & (1L << (num & 63))) != 0;
    }

    public final void markAlerted(int num, boolean toServer) {
        long[] a = toServer ? alertedToServer : alertedToClient;
        int w = (num >>> 6) + 1;
        if (a == null || a.length < w) {
            long[] n = new long[Math.max(w, 2)];
            if (a != null) {
                System.arraycopy(a, 0, n, 0, a.length);
            }
            a = n;
            if (toServer) {
                alertedToServer = n;
            } else {
                alertedToClient = n;
            }
        }
        a[num >>> 6] |= 1L << (num & 63);
    }

    /** A snapshot of the EVE object for this transaction ({@code http{…}}, {@code dns{…}} …), or null. */
    public java.util.Map<String, Object> eve() {
        return null;
    }

    protected static boolean slice(Slice out, byte[] b) {
        if (b == null) {
            return false;
        }
        out.set(b, 0, b.length);
        return true;
    }

    protected static boolean slice(Slice out, ByteBuf b) {
        if (b == null) {
            return false;
        }
        out.set(b.array(), 0, b.length());
        return true;
    }
}
