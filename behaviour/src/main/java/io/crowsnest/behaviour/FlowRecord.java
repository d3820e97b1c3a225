package io.crowsnest.behaviour;

/**
 * One finished flow, as the behaviour stage sees it (Zeek's conn.log, Suricata's EVE flow): who talked
 * to whom, how much, which TCP flags each side sent and why the flow ended. Records are made once per
 * flow when the flow table lets the flow go, never per packet.
 */
public final class FlowRecord {
    public long flowId;
    public long startNanos;
    public long endNanos;
    /** Client (initiator) and server addresses as text ("10.244.1.10", "fd00::1"). */
    public String client;
    public String server;
    public int clientPort;
    public int serverPort;
    /** IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6). */
    public int proto;
    /** Detected app protocol ("http", "dns", "tls", "ssh", "redis", …) or null. */
    public String appProto;
    public long pktsToServer;
    public long pktsToClient;
    public long bytesToServer;
    public long bytesToClient;
    /** TCP flags seen from each side, OR-ed (0 for other protocols). */
    public int tcpFlagsToServer;
    public int tcpFlagsToClient;
    /** Why the flow ended: "timeout", "evicted", "reused", "shutdown". */
    public String endReason;

    public static final int FIN = 0x01, SYN = 0x02, RST = 0x04, ACK = 0x10;

    /** TCP: the server answered the SYN with a SYN/ACK (the port is open). */
    public boolean tcpAccepted() {
        return proto == 6 && (tcpFlagsToClient & (SYN | ACK)) == (SYN | ACK);
    }

    /** A connection attempt that got no service: TCP refused/unanswered, UDP unanswered. */
    public boolean failedAttempt() {
        if (proto == 6) {
            return (tcpFlagsToServer & SYN) != 0 && !tcpAccepted();
        }
        if (proto == 17) {
            return pktsToClient == 0;
        }
        return false;
    }

    /** Both sides sent data beyond a bare handshake (a real conversation, not a probe). */
    public boolean exchangedData() {
        if (proto == 6) {
            if (!handshakeSeen()) {
                // picked up mid-stream (a pooled connection older than the capture): no handshake
                // to check, data both ways is the conversation
                return pktsToServer > 0 && pktsToClient > 0 && appOrPayload();
            }
            return tcpAccepted() && pktsToServer >= 3 && pktsToClient >= 2 && appOrPayload();
        }
        return pktsToServer > 0 && pktsToClient > 0;
    }

    /** TCP: the client's SYN was seen (false for a session picked up mid-stream). */
    public boolean handshakeSeen() {
        return (tcpFlagsToServer & SYN) != 0 || (tcpFlagsToClient & SYN) != 0;
    }

    private boolean appOrPayload() {
        // a handshake + FIN/ACK teardown is ~3 packets each way with headers only (≤ 66 bytes each)
        return appProto != null || bytesToServer > pktsToServer * 66 || bytesToClient > pktsToClient * 66;
    }

    public String transport() {
        switch (proto) {
            case 6: return "tcp";
            case 17: return "udp";
            case 1: return "icmp";
            case 58: return "ipv6-icmp";
            default: return "ip" + proto;
        }
    }

    /** "10.244.2.5:40112 -> 10.244.1.10:80 tcp" for explanations. */
    public String describe() {
        return client + ":" + clientPort + " -> " + server + ":" + serverPort + " " + transport();
    }
}
