package io.crowsnest.applayer.ftp;

import io.crowsnest.applayer.ByteBuf;
import io.crowsnest.applayer.Transaction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * FTP control channel of one connection (RFC 959), incremental and bounded: each client line is a
 * transaction (command word + argument, PASS's argument dropped); the server's replies answer the oldest
 * unanswered one. A reply is "ddd text" or a multi-line "ddd-text" … "ddd text"; 1xx replies are
 * preliminary, the first 2xx–5xx completes the transaction. The greeting before any command is kept as the
 * banner. After AUTH TLS/SSL is accepted (234) the channel is encrypted and parsing stops.
 */
public final class FtpParser {
    static final int MAX_TXS = 64;
    static final int MAX_LINE = 2048;
    static final int MAX_ARG = 512;

    private final BiConsumer<Transaction, Boolean> updated;
    private final Consumer<String> anomaly;
    private final ArrayDeque<FtpTx> txs = new ArrayDeque<>();
    private final ByteBuf reqLine = new ByteBuf(64, MAX_LINE), respLine = new ByteBuf(64, MAX_LINE);
    /** Code of the multi-line reply being read (-1: none) and the transaction it answers. */
    private int multiCode = -1;
    private FtpTx multiTx;
    private String banner;
    private boolean encrypted;
    private int nextId;

    public FtpParser(BiConsumer<Transaction, Boolean> updated, Consumer<String> anomaly) {
        this.updated = updated;
        this.anomaly = anomaly;
    }

    /** The server's greeting (first line of the reply before any command), or null. */
    public String banner() {
        return banner;
    }

    public boolean encrypted() {
        return encrypted;
    }

    public void parse(boolean toServer, byte[] b, int off, int len) {
        ByteBuf line = toServer ? reqLine : respLine;
        int i = off, end = off + len;
        while (i < end && !encrypted) {
            int nl = i;
            while (nl < end && b[nl] != '\n') {
                nl++;
            }
            line.append(b, i, nl - i);
            if (nl == end) {
                return;
            }
            i = nl + 1;
            int n = line.length();
            if (n > 0 && line.array()[n - 1] == '\r') {
                n--;
            }
            if (line.full()) {
                anomaly.accept(toServer ? "ftp.request_line_too_long" : "ftp.reply_line_too_long");
            }
            String l = new String(line.array(), 0, n, StandardCharsets.UTF_8);
            line.clear();
            if (toServer) {
                command(l);
            } else {
                reply(l);
            }
        }
    }

    private void command(String l) {
        int k = 0;
        while (k < l.length() && l.charAt(k) > 0x7F) {
            k++; // Telnet IAC IP / IAC DM before an urgent ABOR
        }
        l = l.substring(k);
        int sp = l.indexOf(' ');
        String word = (sp < 0 ? l : l.substring(0, sp)).toUpperCase(Locale.ROOT);
        if (word.isEmpty()) {
            return; // an empty line: nothing asked
        }
        if (word.length() > 8 || !letters(word)) {
            anomaly.accept("ftp.invalid_command");
            return;
        }
        FtpTx tx = new FtpTx();
        tx.id = nextId++;
        tx.command = word;
        if (sp >= 0 && !word.equals("PASS")) {
            byte[] a = l.substring(sp + 1).getBytes(StandardCharsets.UTF_8);
            tx.commandData = a.length > MAX_ARG ? java.util.Arrays.copyOf(a, MAX_ARG) : a;
        }
        txs.addLast(tx);
        while (txs.size() > MAX_TXS) {
            txs.removeFirst();
        }
        updated.accept(tx, true);
    }

    private void reply(String l) {
        if (multiCode >= 0) {
            boolean last = l.length() >= 4 && l.charAt(3) == ' ' && code(l) == multiCode;
            if (multiTx != null && multiTx.replies.size() < FtpTx.MAX_REPLY_LINES) {
                multiTx.replies.add(last ? l.substring(4) : l);
            }
            if (last) {
                int c = multiCode;
                FtpTx tx = multiTx;
                multiCode = -1;
                multiTx = null;
                answered(tx, c);
            }
            return;
        }
        int c = code(l);
        if (c < 0 || (l.length() > 3 && l.charAt(3) != ' ' && l.charAt(3) != '-')) {
            anomaly.accept("ftp.invalid_reply");
            return;
        }
        FtpTx tx = unanswered();
        String text = l.length() > 4 ? l.substring(4) : "";
        if (tx == null && banner == null && nextId == 0) {
            banner = l;
        }
        if (tx != null && tx.replies.size() < room(c)) {
            tx.replies.add(text);
        }
        if (l.length() > 3 && l.charAt(3) == '-') {
            multiCode = c;
            multiTx = tx;
            return;
        }
        answered(tx, c);
    }

    private void answered(FtpTx tx, int c) {
        if (tx == null) {
            return;
        }
        if (tx.codes.size() < room(c)) {
            tx.codes.add(c);
        }
        if (c >= 200) {
            tx.code = c;
            if (c == 234 && "AUTH".equals(tx.command)) {
                encrypted = true;
            }
        }
        updated.accept(tx, false);
    }

    /**
     * How many reply lines (and codes) a transaction may hold when a reply with code {@code c} arrives:
     * preliminary (1xx) replies leave the last place to the completing one, so a server repeating "150"
     * forever grows nothing and the verdict is still kept.
     */
    private static int room(int c) {
        return c >= 200 ? FtpTx.MAX_REPLY_LINES : FtpTx.MAX_REPLY_LINES - 1;
    }

    private FtpTx unanswered() {
        for (FtpTx x : txs) {
            if (x.code == 0) {
                return x;
            }
        }
        return null;
    }

    /** The 3-digit reply code at the start of the line (1xx–5xx), or -1. */
    private static int code(String l) {
        if (l.length() < 3) {
            return -1;
        }
        int c = 0;
        for (int k = 0; k < 3; k++) {
            char ch = l.charAt(k);
            if (ch < '0' || ch > '9') {
                return -1;
            }
            c = c * 10 + (ch - '0');
        }
        return c >= 100 && c < 600 ? c : -1;
    }

    private static boolean letters(String w) {
        for (int k = 0; k < w.length(); k++) {
            char ch = w.charAt(k);
            if (ch < 'A' || ch > 'Z') {
                return false;
            }
        }
        return true;
    }
}
