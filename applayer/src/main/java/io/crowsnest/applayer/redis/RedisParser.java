package io.crowsnest.applayer.redis;

import io.crowsnest.applayer.ByteBuf;
import io.crowsnest.applayer.Transaction;
import java.util.ArrayDeque;
import java.util.function.BiConsumer;

/**
 * RESP of one connection, incremental and bounded: client commands (RESP arrays of bulk strings, or
 * inline commands) become transactions; the server's first reply line (+simple, -error, :int, $bulk
 * header, *array header) answers the oldest open one.
 */
public final class RedisParser {
    static final int MAX_TXS = 64;
    private final BiConsumer<Transaction, Boolean> updated;
    private final ArrayDeque<RedisTx> txs = new ArrayDeque<>();
    private final ByteBuf reqLine = new ByteBuf(128, 64 << 10), respLine = new ByteBuf(128, 4096);
    private final ByteBuf cmd = new ByteBuf(128, 64 << 10);
    private int argsLeft, bulkLeft = -1, nextId;
    private long respSkip;

    public RedisParser(BiConsumer<Transaction, Boolean> updated) {
        this.updated = updated;
    }

    public void parse(boolean toServer, byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (toServer) {
                request(b[i]);
            } else {
                response(b[i]);
            }
        }
    }

    private void request(byte c) {
        if (bulkLeft >= 0) {
            if (bulkLeft > 0) {
                cmd.append(c);
                bulkLeft--;
                return;
            }
            if (c == '\n') {
                bulkLeft = -1;
                if (--argsLeft == 0) {
                    emit();
                }
            }
            return;
        }
        if (c != '\n') {
            reqLine.append(c);
            return;
        }
        String l = reqLine.toString().trim();
        reqLine.clear();
        if (l.isEmpty()) {
            return;
        }
        if (l.charAt(0) == '*') {
            argsLeft = parse(l.substring(1));
            cmd.clear();
            if (argsLeft <= 0) {
                argsLeft = 0;
            }
        } else if (l.charAt(0) == '$' && argsLeft > 0) {
            if (cmd.length() > 0) {
                cmd.append(' ');
            }
            bulkLeft = Math.max(0, parse(l.substring(1)));
        } else if (argsLeft == 0) {
            cmd.clear();
            byte[] in = l.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            cmd.append(in, 0, in.length);
            emit();
        }
    }

    private void emit() {
        RedisTx tx = new RedisTx();
        tx.id = nextId++;
        tx.command = cmd.toArray();
        cmd.clear();
        txs.addLast(tx);
        while (txs.size() > MAX_TXS) {
            txs.removeFirst();
        }
        updated.accept(tx, true);
    }

    private void response(byte c) {
        if (respSkip > 0) {
            respSkip--;
            return;
        }
        if (c != '\n') {
            respLine.append(c);
            return;
        }
        String l = respLine.toString().trim();
        respLine.clear();
        if (l.isEmpty()) {
            return;
        }
        char t = l.charAt(0);
        if (t == '$') {
            int n = parse(l.substring(1));
            respSkip = n > 0 ? (long) n + 2 : 0; // a long: $2147483647 + CRLF overflowed an int into a negative skip
        }
        RedisTx tx = null;
        for (RedisTx x : txs) {
            if (x.reply == null) {
                tx = x;
                break;
            }
        }
        if (tx == null || (t != '+' && t != '-' && t != ':' && t != '$' && t != '*')) {
            return;
        }
        tx.reply = l;
        tx.replyError = t == '-';
        updated.accept(tx, false);
    }

    private static int parse(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
