package io.crowsnest.applayer.postgresql;

import io.crowsnest.applayer.AppProto;
import io.crowsnest.applayer.Slice;
import io.crowsnest.applayer.Transaction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One PostgreSQL exchange: an SSL/GSS encryption request and its one-byte answer, a login (StartupMessage →
 * AuthenticationOk or ErrorResponse), a simple Query (→ ReadyForQuery), or a CancelRequest. Passwords and
 * SASL payloads are never kept: only that the client sent them and which mechanism it chose.
 */
public final class PgsqlTx extends Transaction {
    public static final int SSL = 0, STARTUP = 1, QUERY = 2, CANCEL = 3;

    public final int kind;
    // SSL / GSSENC request: the server's answer byte ('S', 'G', 'N'; 0 while unanswered)
    public boolean gss;
    public byte sslReply;
    // startup
    public String protocolVersion, user, database, applicationName;
    /** First authentication request type (3 cleartext, 5 MD5, 10 SASL …; -1 none yet). */
    public int authType = -1;
    public String saslMechanism;
    public int passwordMessages;
    public boolean authOk;
    // query
    public byte[] query;
    public String commandTag;
    public int fieldCount = -1;
    public long rows;
    public boolean ready;
    // ErrorResponse ('S', 'V', 'C', 'M' fields)
    public boolean error;
    public String severity, severityNonLocalized, code, message;

    PgsqlTx(int kind) {
        this.kind = kind;
    }

    @Override
    public int proto() {
        return AppProto.PGSQL;
    }

    @Override
    public boolean complete() {
        switch (kind) {
            case SSL: return sslReply != 0;
            case STARTUP: return authOk || error;
            case QUERY: return ready;
            default: return true;
        }
    }

    /** A login the server refused for its credentials: SQLSTATE class 28 (28P01 invalid_password, 28000 …). */
    public boolean authFailure() {
        return kind == STARTUP && error && code != null && code.startsWith("28");
    }

    @Override
    public boolean buffer(int buf, boolean toServer, int index, Slice out) {
        return false;
    }

    /** Name of an authentication request type, as Suricata's pgsql logger spells the message. */
    public static String authName(int t) {
        switch (t) {
            case 0: return "authentication_ok";
            case 2: return "authentication_kerberos_v5";
            case 3: return "authentication_cleartext_password";
            case 5: return "authentication_md5_password";
            case 7: return "authentication_gss";
            case 8: return "authentication_gss_continue";
            case 9: return "authentication_sspi";
            case 10: return "authentication_sasl";
            case 11: return "authentication_sasl_continue";
            case 12: return "authentication_sasl_final";
            default: return "authentication_" + t;
        }
    }

    /** Suricata's {@code pgsql} object: {@code request{…}}, {@code response{…}} (no passwords, ever). */
    @Override
    public Map<String, Object> eve() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tx_id", id);
        Map<String, Object> req = new LinkedHashMap<>();
        Map<String, Object> res = new LinkedHashMap<>();
        switch (kind) {
            case SSL:
                req.put("message", gss ? "GSSENC Request" : "SSL Request");
                if (sslReply != 0) {
                    res.put(gss ? "gss_accepted" : "ssl_accepted", sslReply == 'S' || sslReply == 'G');
                }
                break;
            case STARTUP:
                req.put("protocol_version", protocolVersion);
                Map<String, Object> sp = new LinkedHashMap<>();
                sp.put("user", user);
                List<Map<String, Object>> opt = new java.util.ArrayList<>();
                if (database != null) {
                    opt.add(Map.of("database", database));
                }
                if (applicationName != null) {
                    opt.add(Map.of("application_name", applicationName));
                }
                if (!opt.isEmpty()) {
                    sp.put("optional_parameters", opt);
                }
                req.put("startup_parameters", sp);
                if (saslMechanism != null) {
                    req.put("sasl_authentication_mechanism", saslMechanism);
                }
                if (passwordMessages > 0) {
                    req.put("password_messages", passwordMessages);
                }
                if (authType > 0) {
                    res.put("authentication", authName(authType));
                }
                if (authOk) {
                    res.put("message", authName(0));
                }
                break;
            case QUERY:
                if (query != null) {
                    req.put("simple_query", new String(query, StandardCharsets.UTF_8));
                }
                if (fieldCount >= 0) {
                    res.put("field_count", fieldCount);
                }
                if (fieldCount >= 0 || rows > 0) {
                    res.put("data_rows", rows);
                }
                if (commandTag != null) {
                    res.put("command_completed", commandTag);
                }
                break;
            default:
                req.put("message", "cancel_request");
        }
        if (error) {
            if (severity != null) {
                res.put("severity_localizable", severity);
            }
            if (severityNonLocalized != null) {
                res.put("severity_non_localizable", severityNonLocalized);
            }
            if (code != null) {
                res.put("code", code);
            }
            if (message != null) {
                res.put("message", message);
            }
        }
        m.put("request", req);
        if (!res.isEmpty()) {
            m.put("response", res);
        }
        return m;
    }
}
