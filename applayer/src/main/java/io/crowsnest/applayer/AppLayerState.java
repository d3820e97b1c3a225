package io.crowsnest.applayer;

import io.crowsnest.applayer.dns.DnsParser;
import io.crowsnest.applayer.http.HttpParser;
import io.crowsnest.applayer.ssh.SshParser;
import io.crowsnest.applayer.tls.TlsParser;
import io.crowsnest.decoders.stream.FlowData;

/** The app-layer state of one flow: detected protocol, its parser, and the transactions this packet touched. */
public final class AppLayerState implements FlowData {
    public int proto = AppProto.UNKNOWN;
    final ByteBuf[] detectBuf = new ByteBuf[2];
    final boolean[] detectFailed = new boolean[2];
    HttpParser http;
    DnsParser dns;
    TlsParser tls;
    SshParser ssh;
    io.crowsnest.applayer.redis.RedisParser redis;
    io.crowsnest.applayer.postgresql.PgsqlParser pgsql;
    io.crowsnest.applayer.mysql.MysqlParser mysql;
    io.crowsnest.applayer.ftp.FtpParser ftp;

    // transactions updated while processing the current packet (tx, direction)
    private Transaction[] updatedTx = new Transaction[4];
    private boolean[] updatedDir = new boolean[4];
    private int updatedCount;
    /** Transactions that completed and are ready for a log record (EVE http/dns/tls …). */
    final java.util.ArrayList<Transaction> toLog = new java.util.ArrayList<>();
    /** Anomaly events raised while processing the current packet. */
    final java.util.ArrayList<String> anomalies = new java.util.ArrayList<>();
    /** The flow was reversed while processing the current packet (see {@link #reversedThisPacket()}). */
    boolean reversed;

    void beginPacket() {
        reversed = false;
        for (int i = 0; i < updatedCount; i++) {
            updatedTx[i] = null;
        }
        updatedCount = 0;
        anomalies.clear();
    }

    void touched(Transaction tx, boolean toServer) {
        for (int i = 0; i < updatedCount; i++) {
            if (updatedTx[i] == tx && updatedDir[i] == toServer) {
                return;
            }
        }
        if (updatedCount == updatedTx.length) {
            if (updatedCount >= 64) {
                return;
            }
            updatedTx = java.util.Arrays.copyOf(updatedTx, updatedCount * 2);
            updatedDir = java.util.Arrays.copyOf(updatedDir, updatedCount * 2);
        }
        updatedTx[updatedCount] = tx;
        updatedDir[updatedCount++] = toServer;
    }

    /**
     * Protocol detection reversed the flow on this packet (a mid-stream pickup whose first speaker is the
     * server): the packet's direction flags from the flow table are now the wrong way round.
     */
    public boolean reversedThisPacket() {
        return reversed;
    }

    /** The detection buffers follow the flow's sides when it is reversed. */
    void swapDetection() {
        ByteBuf b = detectBuf[0];
        detectBuf[0] = detectBuf[1];
        detectBuf[1] = b;
        boolean f = detectFailed[0];
        detectFailed[0] = detectFailed[1];
        detectFailed[1] = f;
    }

    /** Transactions touched by the current packet. */
    public int updatedCount() {
        return updatedCount;
    }

    public Transaction updatedTx(int i) {
        return updatedTx[i];
    }

    public boolean updatedToServer(int i) {
        return updatedDir[i];
    }

    /** The transaction rules and alerts refer to for this packet (the last touched), or null. */
    public Transaction currentTx() {
        return updatedCount == 0 ? null : updatedTx[updatedCount - 1];
    }

    /** Completed transactions awaiting a log record; the caller drains the list. */
    public java.util.List<Transaction> toLog() {
        return toLog;
    }

    public java.util.List<String> anomalies() {
        return anomalies;
    }

    /**
     * Transactions that never completed and were never logged (a request whose response the capture does
     * not hold, a TLS handshake cut short, a DNS query nobody answered), for the flow's end: Suricata logs
     * such transactions when their flow ends, so an attempt without an answer still has its record.
     */
    public java.util.List<Transaction> unfinished() {
        java.util.List<Transaction> out = new java.util.ArrayList<>();
        if (http != null) {
            for (io.crowsnest.applayer.http.HttpTx t : http.transactions()) {
                if (!t.logged && t.requestSeen) {
                    out.add(t);
                }
            }
        }
        if (tls != null && !tls.tx.logged && tls.tx.clientHelloSeen) {
            out.add(tls.tx);
        }
        if (dns != null) {
            for (io.crowsnest.applayer.dns.DnsTx t : dns.transactions()) {
                if (!t.logged && t.request != null) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    /** The flow's DNS parser (its transactions), or null. */
    public DnsParser dns() {
        return dns;
    }

    public HttpParser http() {
        return http;
    }

    @Override
    public void reset() {
        proto = AppProto.UNKNOWN;
        detectBuf[0] = detectBuf[1] = null;
        detectFailed[0] = detectFailed[1] = false;
        http = null;
        dns = null;
        tls = null;
        ssh = null;
        redis = null;
        pgsql = null;
        mysql = null;
        ftp = null;
        beginPacket();
        toLog.clear();
    }
}
