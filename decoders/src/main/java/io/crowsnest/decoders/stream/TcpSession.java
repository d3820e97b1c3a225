package io.crowsnest.decoders.stream;

/**
 * Reassembly state of one TCP flow (both directions), attached to the pooled {@link io.crowsnest.decoders.flow.Flow}
 * and reset with it, so sessions are recycled with their flows.
 */
public final class TcpSession {
    /** Client to server bytes. */
    public TcpStream toServer = new TcpStream();
    /** Server to client bytes. */
    public TcpStream toClient = new TcpStream();
    SegmentPool pool;
    boolean counted;

    public TcpStream stream(boolean toServerDir) {
        return toServerDir ? toServer : toClient;
    }

    /** The flow's client and server swapped places ({@code Flow.reverse()}): so do their streams. */
    public void swapDirections() {
        TcpStream t = toServer;
        toServer = toClient;
        toClient = t;
    }

    /** Returns the buffers to the pool; called by {@code Flow.clear()}. */
    public void reset() {
        if (pool != null) {
            toServer.reset(pool);
            toClient.reset(pool);
        }
        counted = false;
    }
}
