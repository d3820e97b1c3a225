package io.crowsnest.applayer;

/** App-layer protocol ids of a flow. */
public final class AppProto {
    private AppProto() {}

    public static final int UNKNOWN = 0;
    public static final int HTTP = 1;
    public static final int DNS = 2;
    public static final int TLS = 3;
    public static final int SSH = 4;
    public static final int REDIS = 5;
    /** Detection gave up: the flow carries no protocol we parse. */
    public static final int FAILED = 6;
    /** PostgreSQL, MySQL/MariaDB and FTP (control channel), named as Suricata names them (app_proto, rules). */
    public static final int PGSQL = 7;
    public static final int MYSQL = 8;
    public static final int FTP = 9;
    /** Number of ids (sizes per-protocol arrays). */
    public static final int COUNT = 10;

    private static final String[] NAMES = {null, "http", "dns", "tls", "ssh", "redis", "failed", "pgsql", "mysql",
            "ftp"};

    /** EVE app_proto name, or null when unknown. */
    public static String name(int id) {
        return id >= 0 && id < NAMES.length ? NAMES[id] : null;
    }

    /** Id of a rule-header protocol name ("http", "http1", "tls", "ssl", "dns", "pgsql", "mysql", "ftp", …), or -1 when not parsed here. */
    public static int byRuleName(String n) {
        if (n == null) {
            return -1;
        }
        switch (n) {
            case "http": case "http1": return HTTP;
            case "dns": case "dns-udp": case "dns-tcp": return DNS;
            case "tls": case "ssl": return TLS;
            case "ssh": return SSH;
            case "redis": return REDIS;
            case "pgsql": return PGSQL;
            case "mysql": return MYSQL;
            case "ftp": return FTP;
            default: return -1;
        }
    }
}
