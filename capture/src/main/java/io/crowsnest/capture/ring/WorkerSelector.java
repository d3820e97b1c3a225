package io.crowsnest.capture.ring;

/**
 * Maps a packet's symmetric flow hash to a worker, so that both directions of a flow
 * always land on the same worker (whose flow table then owns the flow alone).
 */
public final class WorkerSelector {
    private WorkerSelector() {}

    public static int workerFor(int flowHash, int workers) {
        // floorMod keeps negative hashes in range; the hash is already mixed by FlowHash.
        return Math.floorMod(flowHash, workers);
    }
}
