package io.crowsnest.behaviour;

/**
 * One finished app-layer transaction (an HTTP request/response, a DNS query/answer, a Redis
 * command/reply, an SSH banner exchange …) reduced to the facts behavioural detectors use. Fields that do
 * not apply to the protocol stay null / 0.
 */
public final class TxRecord {
    public long flowId;
    /** When the request began and when the transaction completed (packet time). */
    public long startNanos;
    public long endNanos;
    public String client;
    public String server;
    public int clientPort;
    public int serverPort;
    /** The app-layer protocol, as EVE's app_proto names it: "http", "dns", "redis", "ssh", "tls", "pgsql", "mysql", "ftp". */
    public String proto;

    // HTTP
    public String method;
    /** Normalised URI as the client sent it (path and query). */
    public String uri;
    public String host;
    public int status;
    public long requestBytes;
    public long responseBytes;

    // DNS
    public String dnsName;
    public String dnsType;
    public String dnsRcode;
    /** A response was seen; {@link #dnsQuerySeen} false with a response means nobody asked (here). */
    public boolean dnsResponse;
    public boolean dnsQuerySeen;
    public int dnsAnswers;
    /** EDNS0 UDP payload size the query advertised (0: no OPT record). */
    public int ednsSize;

    // Redis / SQL / FTP: the command word and whether the server answered with an error
    public String command;
    public boolean error;
    public String errorText;
    /** The server's answer says authentication failed (401, WRONGPASS, 28P01, 530, …). */
    public boolean authFailure;
    /**
     * The transaction was a login whose answer is the verdict on credentials (a PostgreSQL startup, a MySQL
     * handshake, FTP USER/PASS with a final reply). For these protocols only logins count as attempts.
     */
    public boolean login;

    // SSH
    public String clientSoftware;
    public String serverSoftware;

    public String describe() {
        return client + ":" + clientPort + " -> " + server + ":" + serverPort + " " + proto;
    }
}
