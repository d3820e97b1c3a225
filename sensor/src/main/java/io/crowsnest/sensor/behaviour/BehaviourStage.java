package io.crowsnest.sensor.behaviour;

import io.crowsnest.behaviour.BehaviourAlert;
import io.crowsnest.behaviour.BehaviourEngine;
import io.crowsnest.behaviour.FlowRecord;
import io.crowsnest.behaviour.Observer;
import io.crowsnest.behaviour.TxRecord;
import io.crowsnest.detection.alert.Alert;
import io.crowsnest.identity.IpKey;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The behaviour stage inside the sensor: runs on the alert-writer thread (the one consumer of the alert
 * ring, which every worker's records reach), feeds the {@link BehaviourEngine}, and turns its alerts into
 * EVE alerts for the same outputs as signature alerts.
 */
public final class BehaviourStage {
    private final BehaviourEngine engine;
    private final Alert scratch = new Alert();
    private Consumer<Alert> deliver = a -> { };

    private final Consumer<BehaviourAlert> tap;

    public BehaviourStage(List<? extends Observer> observers) {
        this(observers, null);
    }

    /** @param tap sees every behavioural alert before it is written (or null) */
    public BehaviourStage(List<? extends Observer> observers, Consumer<BehaviourAlert> tap) {
        this.engine = new BehaviourEngine(observers, this::raised);
        this.tap = tap;
    }

    /** Names addresses as workloads from an identity lookup: "namespace/owner", "namespace/pod", or the container name. */
    public static io.crowsnest.behaviour.WorkloadNames names(io.crowsnest.identity.WorkloadLookup lookup) {
        if (lookup == null) {
            return io.crowsnest.behaviour.WorkloadNames.NONE;
        }
        return (addr, t) -> {
            IpKey a = address(addr);
            io.crowsnest.identity.Workload w = a == null ? null : lookup.lookup(a.hi(), a.lo(), t);
            if (w == null) {
                return null;
            }
            String ns = w.namespace() == null ? "" : w.namespace() + "/";
            if (w.owner() != null) {
                return ns + w.owner();
            }
            if (w.pod() != null) {
                return ns + w.pod();
            }
            return w.container();
        };
    }

    /** Where behavioural alerts go (the writer's outputs); set by the pipeline. */
    public void deliverTo(Consumer<Alert> d) {
        this.deliver = d;
    }

    public void accept(Object record) {
        if (record instanceof FlowRecord) {
            engine.flow((FlowRecord) record);
        } else if (record instanceof TxRecord) {
            engine.tx((TxRecord) record);
        } else if (record instanceof Long) {
            engine.advance((Long) record); // a live sensor's clock tick
        }
    }

    public void finish() {
        engine.finish();
    }

    public BehaviourEngine engine() {
        return engine;
    }

    public Map<String, Long> alertsByDetector() {
        return engine.alertsByDetector();
    }

    /** A record's literal address (EVE text, never a name: no lookup), or null when it is not one. */
    private static IpKey address(String literal) {
        if (literal == null || literal.isEmpty() || !(Character.isDigit(literal.charAt(0)) || literal.indexOf(':') >= 0)) {
            return null;
        }
        try {
            return IpKey.parse(literal);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private void raised(BehaviourAlert b) {
        if (tap != null) {
            tap.accept(b);
        }
        Alert a = scratch;
        IpKey src = address(b.src), dst = address(b.dst);
        a.tsSeconds = b.tsNanos / 1_000_000_000L;
        a.tsNanos = (int) (b.tsNanos % 1_000_000_000L);
        a.pcapCount = 0;
        IpKey any = src != null ? src : dst;
        a.ipVersion = any == null || any.isV4() ? 4 : 6;
        a.srcHi = src == null ? 0 : src.hi();
        a.srcLo = src == null ? 0 : src.lo();
        a.dstHi = dst == null ? 0 : dst.hi();
        a.dstLo = dst == null ? 0 : dst.lo();
        a.srcPort = b.srcPort;
        a.dstPort = b.dstPort;
        a.ipProto = b.proto;
        a.icmpType = -1;
        a.icmpCode = -1;
        a.hasFlow = false;
        a.flowId = 0;
        a.toServer = true;
        a.tunnelType = 0;
        a.tunnelId = 0;
        a.tunnelDepth = 0;
        a.outerIpVersion = 0;
        a.eventType = null;
        a.appProto = b.appProto;
        a.app = null;
        a.record = null;
        a.log = true;
        a.signature("allowed", 1, b.sid, 1, b.msg, b.category, b.severity,
                Map.of("detector", List.of(b.detector), "crowsnest", List.of("behaviour")));
        a.behaviour = b.behaviour;
        deliver.accept(a);
    }
}
