package io.crowsnest.behaviour;

/** Builds flow and transaction records for detector tests (times in seconds from a fixed epoch). */
public final class TestRecords {
    public static final long T0 = 1_795_000_000L * 1_000_000_000L;

    private TestRecords() {
    }

    public static long at(double seconds) {
        return T0 + (long) (seconds * 1e9);
    }

    /** A TCP flow; {@code accepted}: the server sent SYN/ACK; {@code data}: a real conversation followed. */
    public static FlowRecord tcp(double t, String client, String server, int port, boolean accepted, boolean data) {
        FlowRecord f = new FlowRecord();
        f.startNanos = at(t);
        f.endNanos = at(t + 0.05);
        f.client = client;
        f.server = server;
        f.clientPort = 40000 + (int) (t * 10) % 20000;
        f.serverPort = port;
        f.proto = 6;
        f.tcpFlagsToServer = FlowRecord.SYN | (accepted ? FlowRecord.ACK : 0) | (data ? FlowRecord.FIN : FlowRecord.RST);
        f.tcpFlagsToClient = accepted ? FlowRecord.SYN | FlowRecord.ACK | (data ? FlowRecord.FIN : 0) : FlowRecord.RST | FlowRecord.ACK;
        f.pktsToServer = data ? 6 : (accepted ? 2 : 1);
        f.pktsToClient = data ? 5 : 1;
        f.bytesToServer = data ? 600 : 60 * f.pktsToServer;
        f.bytesToClient = data ? 900 : 60;
        f.appProto = data ? "http" : null;
        f.endReason = "timeout";
        return f;
    }

    public static FlowRecord udp(double t, String client, String server, int port, long toServer, long toClient) {
        FlowRecord f = new FlowRecord();
        f.startNanos = at(t);
        f.endNanos = at(t + 0.01);
        f.client = client;
        f.server = server;
        f.clientPort = 50000;
        f.serverPort = port;
        f.proto = 17;
        f.pktsToServer = toServer > 0 ? 1 : 0;
        f.pktsToClient = toClient > 0 ? 1 : 0;
        f.bytesToServer = toServer;
        f.bytesToClient = toClient;
        f.endReason = "timeout";
        return f;
    }

    public static TxRecord http(double start, double end, String client, String server, String method, String uri, int status) {
        TxRecord t = new TxRecord();
        t.proto = "http";
        t.startNanos = at(start);
        t.endNanos = at(end);
        t.client = client;
        t.server = server;
        t.clientPort = 41000;
        t.serverPort = 8080;
        t.method = method;
        t.uri = uri;
        t.status = status;
        t.responseBytes = 200;
        return t;
    }

    public static TxRecord redis(double t, String client, String server, String command) {
        TxRecord r = new TxRecord();
        r.proto = "redis";
        r.startNanos = at(t);
        r.endNanos = at(t + 0.0005);
        r.client = client;
        r.server = server;
        r.clientPort = 42000;
        r.serverPort = 6379;
        r.command = command;
        return r;
    }
}
