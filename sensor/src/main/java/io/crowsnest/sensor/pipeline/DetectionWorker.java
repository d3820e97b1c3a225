package io.crowsnest.sensor.pipeline;

import com.lmax.disruptor.EventHandler;
import io.crowsnest.capture.ring.WorkerSelector;
import io.crowsnest.decoders.ChecksumState;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.decoders.flow.FlowTable;
import io.crowsnest.detection.alert.Alert;
import io.crowsnest.detection.engine.AlertSink;
import io.crowsnest.detection.engine.DetectionContext;
import io.crowsnest.detection.rules.Signature;

/**
 * One detection worker thread: takes the packets of its flows off the packet ring, tracks them
 * in its own flow table, runs detection and puts alerts on the alert ring.
 *
 * <p>Every worker sees every slot (the ring multicasts); {@link WorkerSelector} decides which
 * worker owns a packet, so a flow's state is only ever touched by one thread.
 */
public final class DetectionWorker implements EventHandler<Packet>, AlertSink {
    private final int id;
    private final int workers;
    private final FlowTable flows;
    private final DetectionContext detection;
    private final AlertRing alerts;

    private long packets;
    private long skippedNoIp;
    private long skippedBadChecksum;

    public DetectionWorker(int id, int workers, FlowTable flows, DetectionContext detection, AlertRing alerts) {
        this.id = id;
        this.workers = workers;
        this.flows = flows;
        this.detection = detection;
        this.alerts = alerts;
    }

    @Override
    public void onEvent(Packet p, long sequence, boolean endOfBatch) {
        if (WorkerSelector.workerFor(p.flowHash, workers) != id) {
            return;
        }
        if (p.length == 0 || p.ipVersion == 0) {
            skippedNoIp++;
            return;
        }
        packets++;
        if (p.ipChecksum == ChecksumState.BAD || p.l4Checksum == ChecksumState.BAD) {
            // Validation is on and the packet is damaged: the host would drop it, so rules must
            // not see it (with --checksum none nothing is marked BAD and it is inspected).
            skippedBadChecksum++;
            return;
        }
        int flowFlags = flows.process(p);
        detection.inspect(p, flows.current(), flowFlags, this);
    }

    @Override
    public void alert(Packet p, Flow flow, Signature s, int flowFlags) {
        long seq = alerts.claim();
        try {
            Alert a = alerts.slot(seq);
            a.fill(p, flow, flowFlags);
            a.signature(eveAction(s.action()), s.gid(), s.sid(), s.rev(), s.msg(), s.category(), s.severity(), s.metadata());
        } finally {
            alerts.publish(seq);
        }
    }

    /**
     * EVE's {@code alert.action}: an IDS (which Crowsnest is) lets every packet through, so
     * Suricata reports "allowed" for alert rules and for drop/reject rules alike.
     */
    private static String eveAction(String ruleAction) {
        return "pass".equals(ruleAction) ? "pass" : "allowed";
    }

    public long packets() {
        return packets;
    }

    public long skippedBadChecksum() {
        return skippedBadChecksum;
    }

    public FlowTable flows() {
        return flows;
    }

    public DetectionContext detection() {
        return detection;
    }
}
