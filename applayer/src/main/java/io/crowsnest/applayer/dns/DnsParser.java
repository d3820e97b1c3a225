package io.crowsnest.applayer.dns;

import io.crowsnest.applayer.ByteBuf;
import io.crowsnest.applayer.Transaction;
import java.util.ArrayDeque;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * DNS of one flow: UDP datagrams ({@link #datagram}) or TCP streams with the two-byte length prefix
 * ({@link #stream}, incremental). Queries open transactions; responses close the oldest one with the same
 * id (or open their own).
 */
public final class DnsParser {
    static final int MAX_TXS = 64;
    private final BiConsumer<Transaction, Boolean> updated;
    private final Consumer<String> anomaly;
    private final ArrayDeque<DnsTx> txs = new ArrayDeque<>();
    private final ByteBuf[] tcp = new ByteBuf[2];
    private int nextId;

    public DnsParser(BiConsumer<Transaction, Boolean> updated, Consumer<String> anomaly) {
        this.updated = updated;
        this.anomaly = anomaly;
    }

    public Iterable<DnsTx> transactions() {
        return txs;
    }

    public void datagram(boolean toServer, byte[] b, int off, int len) {
        DnsMessage m;
        try {
            m = DnsMessage.parse(b, off, len);
        } catch (DnsMessage.Malformed e) {
            anomaly.accept(e.getMessage());
            return;
        }
        DnsTx tx = null;
        if (m.response) {
            for (DnsTx t : txs) {
                if (t.txid == m.id && t.response == null) {
                    tx = t;
                    break;
                }
            }
        }
        if (tx == null) {
            tx = new DnsTx(m.id);
            tx.id = nextId++;
            txs.addLast(tx);
            while (txs.size() > MAX_TXS) {
                txs.removeFirst();
            }
        }
        // the direction of a message is its QR bit (a response is to_client even on an odd flow)
        boolean dirToServer = !m.response;
        if (m.response) {
            tx.response = m;
        } else {
            tx.request = m;
        }
        updated.accept(tx, dirToServer);
    }

    /** TCP: length-prefixed messages, bytes in any split. */
    public void stream(boolean toServer, byte[] b, int off, int len) {
        int d = toServer ? 0 : 1;
        if (tcp[d] == null) {
            tcp[d] = new ByteBuf(512, 65_537 + 2);
        }
        ByteBuf buf = tcp[d];
        int end = off + len;
        while (off < end) {
            int have = buf.length();
            if (have < 2) {
                int n = Math.min(2 - have, end - off);
                buf.append(b, off, n);
                off += n;
                continue;
            }
            int msgLen = DnsMessage.u16(buf.array(), 0);
            int need = 2 + msgLen - have;
            int n = Math.min(need, end - off);
            buf.append(b, off, n);
            off += n;
            if (buf.length() == 2 + msgLen) {
                datagram(toServer, buf.array(), 2, msgLen);
                buf.clear();
            }
        }
    }
}
