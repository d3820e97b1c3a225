package io.crowsnest.decoders.flow;

/**
 * A bidirectional flow (5-tuple) as the per-worker {@link FlowTable} tracks it. Instances are
 * pooled and reused: a flow that is evicted or times out is {@link #clear() cleared} and handed
 * out again, so nothing here is allocated per packet.
 *
 * <p>"Client" is the side that sent the first packet, except for TCP where the SYN sender is
 * the client even when the SYN/ACK was seen first. A flow belongs to exactly one worker
 * thread (flows are pinned by hash), so its fields need no synchronisation.
 */
public final class Flow {
    /** TCP tracking states (a small subset of the full stream engine that comes later). */
    public static final int TCP_NONE = 0;
    public static final int TCP_SYN_SENT = 1;
    public static final int TCP_SYN_RECV = 2;
    public static final int TCP_ESTABLISHED = 3;
    public static final int TCP_CLOSING = 4;
    public static final int TCP_CLOSED = 5;

    // ---- key (client side first) --------------------------------------------------------------
    public long clientHi, clientLo, serverHi, serverLo;
    public int clientPort, serverPort;
    public int proto;
    public int ipVersion;
    /** Tunnel id (VNI) and outermost VLAN id also separate flows, as in Suricata. */
    public int tunnelId;
    public int vlanId;
    public int hash;

    // ---- state ---------------------------------------------------------------------------------
    /** Suricata-style 64-bit flow id, unique within the run (never 0 for a live flow). */
    public long flowId;
    public int tcpState;
    /** The TCP flow was picked up without a handshake (mid-stream). */
    public boolean midstream;
    /** Packets have been seen from the client / from the server. */
    public boolean seenToServer, seenToClient;
    public long firstSeenNanos, lastSeenNanos;
    public long pktsToServer, pktsToClient, bytesToServer, bytesToClient;
    /** TCP flags each side sent, OR-ed over the flow (flow records, scan detection). */
    public int tcpFlagsToServer, tcpFlagsToClient;

    /** Flowbits, one bit per name registered by the rule set (index assigned at rule load). */
    public final long[] flowbits;
    /** Flow integers (flowint), with a parallel "is set" mask. */
    public final long[] flowints;
    public final boolean[] flowintSet;

    // ---- stream and app layer (attached on first use, kept with the pooled flow, reset by clear()) ----
    /** TCP reassembly state ({@link io.crowsnest.decoders.stream.TcpReassembler}), or null. */
    public io.crowsnest.decoders.stream.TcpSession tcp;
    /** App-layer state (parsers, transactions), or null. */
    public io.crowsnest.decoders.stream.FlowData app;

    // ---- table bookkeeping (FlowTable only) ----------------------------------------------------
    Flow nextInBucket;
    Flow lruPrev, lruNext;
    long lruTouchedNanos;
    boolean inUse;

    public Flow(int flowbitWords, int flowintCount) {
        this.flowbits = new long[Math.max(1, flowbitWords)];
        this.flowints = new long[Math.max(0, flowintCount)];
        this.flowintSet = new boolean[Math.max(0, flowintCount)];
    }

    public boolean isFlowbitSet(int index) {
        return (flowbits[index >>> 6] & (1L << (index & 63))) != 0;
    }

    public void setFlowbit(int index) {
        flowbits[index >>> 6] |= 1L << (index & 63);
    }

    public void unsetFlowbit(int index) {
        flowbits[index >>> 6] &= ~(1L << (index & 63));
    }

    public void toggleFlowbit(int index) {
        flowbits[index >>> 6] ^= 1L << (index & 63);
    }

    /** True when packets were seen in both directions (Suricata's FLOW_PKT_ESTABLISHED for non-TCP). */
    public boolean bothDirectionsSeen() {
        return seenToServer && seenToClient;
    }

    /**
     * Client and server swap places (Suricata's FlowSwap): a flow picked up mid-stream took the first
     * packet's sender as the client, and the app layer found that side talking as a server (an HTTP
     * response). Addresses, per-direction counters and the TCP streams all change sides; packets after this
     * one get their direction from the swapped key.
     */
    public void reverse() {
        long h = clientHi, l = clientLo;
        int port = clientPort;
        clientHi = serverHi;
        clientLo = serverLo;
        clientPort = serverPort;
        serverHi = h;
        serverLo = l;
        serverPort = port;
        boolean seen = seenToServer;
        seenToServer = seenToClient;
        seenToClient = seen;
        long n = pktsToServer;
        pktsToServer = pktsToClient;
        pktsToClient = n;
        n = bytesToServer;
        bytesToServer = bytesToClient;
        bytesToClient = n;
        int fl = tcpFlagsToServer;
        tcpFlagsToServer = tcpFlagsToClient;
        tcpFlagsToClient = fl;
        if (tcp != null) {
            tcp.swapDirections();
        }
    }

    public void clear() {
        clientHi = clientLo = serverHi = serverLo = 0;
        clientPort = serverPort = 0;
        proto = 0;
        ipVersion = 0;
        tunnelId = 0;
        vlanId = 0;
        hash = 0;
        flowId = 0;
        tcpState = TCP_NONE;
        midstream = false;
        seenToServer = seenToClient = false;
        firstSeenNanos = lastSeenNanos = 0;
        pktsToServer = pktsToClient = bytesToServer = bytesToClient = 0;
        tcpFlagsToServer = tcpFlagsToClient = 0;
        lruTouchedNanos = 0;
        java.util.Arrays.fill(flowbits, 0L);
        java.util.Arrays.fill(flowints, 0L);
        java.util.Arrays.fill(flowintSet, false);
        if (tcp != null) {
            tcp.reset();
        }
        if (app != null) {
            app.reset();
        }
    }
}
