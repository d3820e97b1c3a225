package io.crowsnest.sensor.behaviour;

import io.crowsnest.applayer.AppLayerState;
import io.crowsnest.applayer.AppProto;
import io.crowsnest.applayer.Transaction;
import io.crowsnest.applayer.dns.DnsMessage;
import io.crowsnest.applayer.dns.DnsTx;
import io.crowsnest.applayer.ftp.FtpTx;
import io.crowsnest.applayer.http.HttpTx;
import io.crowsnest.applayer.mysql.MysqlTx;
import io.crowsnest.applayer.postgresql.PgsqlTx;
import io.crowsnest.applayer.redis.RedisTx;
import io.crowsnest.applayer.ssh.SshTx;
import io.crowsnest.applayer.tls.TlsTx;
import io.crowsnest.behaviour.FlowRecord;
import io.crowsnest.behaviour.TxRecord;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.decoders.flow.FlowTable;
import io.crowsnest.outputs.eve.EveFormat;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Turns the workers' flows and transactions into the behaviour stage's records. Runs on the worker
 * thread when a flow ends or a transaction completes (never per packet), copying what the records need
 * because flows and transactions are recycled.
 */
public final class Records {
    private Records() {
    }

    public static String reason(int r) {
        switch (r) {
            case FlowTable.END_TIMEOUT: return "timeout";
            case FlowTable.END_EVICTED: return "evicted";
            case FlowTable.END_REUSED: return "reused";
            default: return "shutdown";
        }
    }

    public static FlowRecord flow(Flow f, int reason) {
        FlowRecord r = new FlowRecord();
        r.flowId = f.flowId;
        r.startNanos = f.firstSeenNanos;
        r.endNanos = f.lastSeenNanos;
        r.client = EveFormat.address(f.ipVersion, f.clientHi, f.clientLo);
        r.server = EveFormat.address(f.ipVersion, f.serverHi, f.serverLo);
        r.clientPort = f.clientPort;
        r.serverPort = f.serverPort;
        r.proto = f.proto;
        AppLayerState app = f.app instanceof AppLayerState ? (AppLayerState) f.app : null;
        r.appProto = app != null && app.proto > 0 && app.proto != AppProto.FAILED ? AppProto.name(app.proto) : null;
        r.pktsToServer = f.pktsToServer;
        r.pktsToClient = f.pktsToClient;
        r.bytesToServer = f.bytesToServer;
        r.bytesToClient = f.bytesToClient;
        r.tcpFlagsToServer = f.tcpFlagsToServer;
        r.tcpFlagsToClient = f.tcpFlagsToClient;
        r.endReason = reason(reason);
        return r;
    }

    /** The EVE {@code flow} object (Suricata's field names). */
    public static java.util.Map<String, Object> eveFlow(FlowRecord r, Flow f) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("pkts_toserver", r.pktsToServer);
        m.put("pkts_toclient", r.pktsToClient);
        m.put("bytes_toserver", r.bytesToServer);
        m.put("bytes_toclient", r.bytesToClient);
        m.put("start", EveFormat.timestamp(r.startNanos / 1_000_000_000L, (int) (r.startNanos % 1_000_000_000L)));
        m.put("end", EveFormat.timestamp(r.endNanos / 1_000_000_000L, (int) (r.endNanos % 1_000_000_000L)));
        m.put("age", (r.endNanos - r.startNanos) / 1_000_000_000L);
        m.put("state", state(f));
        m.put("reason", r.endReason);
        if (r.proto == 6) {
            java.util.Map<String, Object> tcp = new java.util.LinkedHashMap<>();
            tcp.put("tcp_flags_ts", String.format("%02x", r.tcpFlagsToServer & 0xff));
            tcp.put("tcp_flags_tc", String.format("%02x", r.tcpFlagsToClient & 0xff));
            m.put("tcp", tcp);
        }
        return m;
    }

    private static String state(Flow f) {
        if (f.proto != 6) {
            return f.bothDirectionsSeen() ? "established" : "new";
        }
        switch (f.tcpState) {
            case Flow.TCP_ESTABLISHED: return "established";
            case Flow.TCP_CLOSING: case Flow.TCP_CLOSED: return "closed";
            default: return "new";
        }
    }

    /** A record for a completed transaction of flow {@code f}, or null for protocols the stage ignores. */
    public static TxRecord tx(Transaction t, Flow f) {
        TxRecord r = new TxRecord();
        r.flowId = f.flowId;
        r.startNanos = t.startNanos;
        r.endNanos = t.endNanos != 0 ? t.endNanos : f.lastSeenNanos;
        r.client = EveFormat.address(f.ipVersion, f.clientHi, f.clientLo);
        r.server = EveFormat.address(f.ipVersion, f.serverHi, f.serverLo);
        r.clientPort = f.clientPort;
        r.serverPort = f.serverPort;
        r.proto = AppProto.name(t.proto());
        if (t instanceof HttpTx) {
            HttpTx h = (HttpTx) t;
            r.method = str(h.method);
            r.uri = str(h.uri);
            r.host = str(h.host);
            r.status = h.status;
            r.requestBytes = h.requestBody.length();
            r.responseBytes = Math.max(h.responseLength, h.responseBody.length());
            r.authFailure = h.status == 401 || h.status == 403;
        } else if (t instanceof DnsTx) {
            DnsTx d = (DnsTx) t;
            DnsMessage q = d.request != null ? d.request : d.response;
            if (q != null && !q.questions.isEmpty()) {
                r.dnsName = str(q.questions.get(0).name);
                r.dnsType = DnsMessage.typeName(q.questions.get(0).type);
            }
            r.dnsQuerySeen = d.request != null;
            r.dnsResponse = d.response != null;
            if (d.response != null) {
                r.dnsRcode = DnsMessage.rcodeName(d.response.rcode);
                r.dnsAnswers = d.response.answers.size();
            }
            r.ednsSize = d.request != null ? Math.max(0, d.request.ednsUdpSize) : 0;
        } else if (t instanceof RedisTx) {
            RedisTx x = (RedisTx) t;
            String cmd = x.command == null ? "" : new String(x.command, StandardCharsets.ISO_8859_1);
            String[] words = cmd.split(" ", 3);
            // never the AUTH password or a value; the command and its key are the evidence
            String verb = words[0].toUpperCase(Locale.ROOT);
            r.command = verb.equals("AUTH") || words.length < 2 ? verb : verb + " " + abbreviate(words[1]);
            r.error = x.replyError;
            if (x.replyError && x.reply != null) {
                r.errorText = abbreviate(x.reply);
                String e = x.reply.toUpperCase(Locale.ROOT);
                r.authFailure = e.contains("WRONGPASS") || e.contains("NOAUTH") || e.contains("INVALID PASSWORD");
            }
        } else if (t instanceof PgsqlTx) {
            PgsqlTx x = (PgsqlTx) t;
            // the login, or the query's first word: never the password, never the query's values
            r.command = x.kind == PgsqlTx.STARTUP ? "STARTUP" : x.kind == PgsqlTx.QUERY ? verb(x.query)
                    : x.kind == PgsqlTx.SSL ? (x.gss ? "GSSENCRequest" : "SSLRequest") : "CancelRequest";
            r.login = x.kind == PgsqlTx.STARTUP;
            r.error = x.error;
            if (x.error) {
                r.errorText = abbreviate((x.code != null ? x.code + " " : "") + (x.message != null ? x.message : ""));
            }
            r.authFailure = x.authFailure();
        } else if (t instanceof MysqlTx) {
            MysqlTx x = (MysqlTx) t;
            r.command = x.kind == MysqlTx.LOGIN ? "LOGIN" : x.query != null ? verb(x.query) : MysqlTx.commandName(x.command);
            r.login = x.kind == MysqlTx.LOGIN;
            r.error = x.error();
            if (x.error()) {
                r.errorText = abbreviate(x.errorCode + (x.sqlState != null ? " #" + x.sqlState : "")
                        + (x.errorMessage != null ? " " + x.errorMessage : ""));
            }
            r.authFailure = x.authFailure();
        } else if (t instanceof FtpTx) {
            FtpTx x = (FtpTx) t;
            r.command = x.command;
            r.status = x.code;
            // USER answered 331 only asks for the password: the PASS that follows is the verdict
            r.login = x.login() && (x.code < 300 || x.code >= 400);
            r.error = x.code >= 400;
            if (r.error) {
                r.errorText = abbreviate(x.code + (x.replies.isEmpty() ? "" : " " + x.replies.get(0)));
            }
            r.authFailure = x.authFailure();
        } else if (t instanceof SshTx) {
            SshTx s = (SshTx) t;
            r.clientSoftware = str(s.clientSoftware);
            r.serverSoftware = str(s.serverSoftware);
        } else if (!(t instanceof TlsTx)) {
            return r;
        }
        return r;
    }

    /** The first word of a query, upper-cased (SELECT, INSERT …), or null. */
    private static String verb(byte[] q) {
        if (q == null) {
            return null;
        }
        String s = new String(q, 0, Math.min(q.length, 64), StandardCharsets.UTF_8).trim();
        int sp = 0;
        while (sp < s.length() && !Character.isWhitespace(s.charAt(sp)) && s.charAt(sp) != ';' && s.charAt(sp) != '(') {
            sp++;
        }
        return s.substring(0, sp).toUpperCase(Locale.ROOT);
    }

    private static String abbreviate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }

    private static String str(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.ISO_8859_1);
    }
}
