package io.crowsnest.applayer.mysql;

import io.crowsnest.applayer.AppProto;
import io.crowsnest.applayer.Slice;
import io.crowsnest.applayer.Transaction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One MySQL/MariaDB exchange: the login (server Handshake → client HandshakeResponse → auth switches and
 * more-data rounds → OK or ERR), or one command (COM_QUERY with its text, others by name) and its answer
 * (OK, ERR, or a result set up to its final EOF/OK). The client's auth response is never kept.
 */
public final class MysqlTx extends Transaction {
    public static final int LOGIN = 0, COMMAND = 1;
    /** ER_DBACCESS_DENIED_ERROR, ER_ACCESS_DENIED_ERROR: what a wrong user or password gets. */
    public static final int ER_DBACCESS_DENIED = 1044, ER_ACCESS_DENIED = 1045;

    public final int kind;
    // login
    public String serverVersion, user, database, authPlugin;
    public int authSwitches;
    /** The client asked for TLS (an SSLRequest): the rest of the connection is encrypted. */
    public boolean tls;
    // command
    public int command = -1;
    public byte[] query;
    public long affectedRows = -1, rows, columns = -1;
    // answer
    public boolean ok, done;
    public int errorCode;
    public String sqlState, errorMessage;

    MysqlTx(int kind) {
        this.kind = kind;
    }

    @Override
    public int proto() {
        return AppProto.MYSQL;
    }

    @Override
    public boolean complete() {
        return done;
    }

    public boolean error() {
        return errorCode != 0;
    }

    /** A login refused for its credentials (1045, 1044 or SQLSTATE class 28). */
    public boolean authFailure() {
        return kind == LOGIN && (errorCode == ER_ACCESS_DENIED || errorCode == ER_DBACCESS_DENIED
                || (sqlState != null && sqlState.startsWith("28")));
    }

    @Override
    public boolean buffer(int buf, boolean toServer, int index, Slice out) {
        return false;
    }

    /** COM_* name of a command byte. */
    public static String commandName(int c) {
        String[] n = {"COM_SLEEP", "COM_QUIT", "COM_INIT_DB", "COM_QUERY", "COM_FIELD_LIST", "COM_CREATE_DB",
            "COM_DROP_DB", "COM_REFRESH", "COM_SHUTDOWN", "COM_STATISTICS", "COM_PROCESS_INFO", "COM_CONNECT",
            "COM_PROCESS_KILL", "COM_DEBUG", "COM_PING", "COM_TIME", "COM_DELAYED_INSERT", "COM_CHANGE_USER",
            "COM_BINLOG_DUMP", "COM_TABLE_DUMP", "COM_CONNECT_OUT", "COM_REGISTER_SLAVE", "COM_STMT_PREPARE",
            "COM_STMT_EXECUTE", "COM_STMT_SEND_LONG_DATA", "COM_STMT_CLOSE", "COM_STMT_RESET", "COM_SET_OPTION",
            "COM_STMT_FETCH", "COM_DAEMON", "COM_BINLOG_DUMP_GTID", "COM_RESET_CONNECTION"};
        return c >= 0 && c < n.length ? n[c] : "COM_" + c;
    }

    /**
     * The {@code mysql} object: Suricata's {@code version}, {@code tls}, {@code command} (the query text, or
     * the command's name), {@code affected_rows}, plus the login's user and the error.
     */
    @Override
    public Map<String, Object> eve() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tx_id", id);
        if (kind == LOGIN) {
            if (serverVersion != null) {
                m.put("version", serverVersion);
            }
            m.put("tls", tls);
            if (user != null) {
                m.put("user", user);
            }
            if (database != null) {
                m.put("database", database);
            }
            if (authPlugin != null) {
                m.put("auth_plugin", authPlugin);
            }
            m.put("login", ok ? "ok" : error() ? "failed" : "unknown");
        } else {
            m.put("command", query != null ? new String(query, StandardCharsets.UTF_8) : commandName(command));
            if (affectedRows >= 0) {
                m.put("affected_rows", affectedRows);
            }
            if (columns >= 0) {
                m.put("num_fields", columns);
                m.put("num_rows", rows);
            }
        }
        if (error()) {
            m.put("error_code", errorCode);
            if (sqlState != null) {
                m.put("sql_state", sqlState);
            }
            if (errorMessage != null) {
                m.put("error_message", errorMessage);
            }
        }
        return m;
    }
}
