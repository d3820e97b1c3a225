package io.crowsnest.detection.alert;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.decoders.flow.FlowFlags;
import java.util.List;
import java.util.Map;

/**
 * One alert, as handed from a detection worker to the outputs. Instances are pre-allocated
 * slots of the alert ring and reused: {@link #fill} copies the scalars the outputs need out of
 * the packet and flow (which are recycled as soon as the worker moves on) and keeps references
 * to the signature's immutable strings.
 */
public final class Alert {
    // packet and flow facts at the time of the alert
    public long tsSeconds;
    public int tsNanos;
    public long pcapCount;
    public long flowId;
    public int ipVersion;
    public long srcHi, srcLo, dstHi, dstLo;
    public int srcPort, dstPort;
    public int ipProto;
    public int icmpType, icmpCode;
    /** True when the packet went from the flow's client to its server. */
    public boolean toServer;
    public boolean hasFlow;

    // tunnel (outer) facts
    public int tunnelType;
    public int tunnelId;
    public int tunnelDepth;
    public int outerIpVersion;
    public long outerSrcHi, outerSrcLo, outerDstHi, outerDstLo;
    public int outerProto, outerSrcPort, outerDstPort;

    // signature facts (immutable references)
    public String action;
    public int gid;
    public long sid;
    public int rev;
    public String msg;
    public String category;
    public int severity;
    public Map<String, List<String>> metadata;
    /** The active ruleset's hash and load time (immutable strings of the engine), or null. */
    public String rulesetHash;
    public String rulesetLoadedAt;

    // app layer (set by the worker; null when none)
    /** EVE event type: null or "alert" for an alert; "http", "dns", "tls", "ssh", "anomaly", "flow" for other records. */
    public String eventType;
    /** EVE app_proto ("http", "dns", "tls" …), or null. */
    public String appProto;
    /** The transaction's EVE object (a snapshot taken by the worker), or null. */
    public Map<String, Object> app;

    // behaviour stage
    /** A flow or transaction record for the behaviour stage riding this slot, or null. */
    public Object record;
    /** False for a slot that only carries {@link #record} (no EVE record of its own to write). */
    public boolean log = true;
    /** A behavioural alert's explanation (EVE {@code alert.behaviour}), or null. */
    public Map<String, Object> behaviour;

    /** Copies packet/flow facts; the caller sets the signature facts. */
    public Alert fill(Packet p, Flow flow, int flowFlags) {
        tsSeconds = p.tsSeconds;
        tsNanos = p.tsNanos;
        pcapCount = p.pcapCount;
        ipVersion = p.ipVersion;
        srcHi = p.srcHi;
        srcLo = p.srcLo;
        dstHi = p.dstHi;
        dstLo = p.dstLo;
        srcPort = p.srcPort;
        dstPort = p.dstPort;
        ipProto = p.ipProto;
        icmpType = p.icmpType;
        icmpCode = p.icmpCode;
        hasFlow = flow != null;
        flowId = flow != null ? flow.flowId : 0;
        toServer = (flowFlags & FlowFlags.TO_CLIENT) == 0;
        tunnelType = p.tunnelType;
        tunnelId = p.tunnelId;
        tunnelDepth = p.tunnelDepth;
        outerIpVersion = p.outerIpVersion;
        outerSrcHi = p.outerSrcHi;
        outerSrcLo = p.outerSrcLo;
        outerDstHi = p.outerDstHi;
        outerDstLo = p.outerDstLo;
        outerProto = p.outerProto;
        outerSrcPort = p.outerSrcPort;
        outerDstPort = p.outerDstPort;
        eventType = null;
        appProto = null;
        app = null;
        record = null;
        log = true;
        behaviour = null;
        return this;
    }

    /**
     * Turns a record filled from a server-to-client packet around, so that src is the flow's client: the
     * direction Suricata gives transaction logs (LOG_DIR_FLOW), whichever packet completed them.
     */
    public Alert clientToServer() {
        if (!toServer) {
            long h = srcHi, l = srcLo;
            srcHi = dstHi;
            srcLo = dstLo;
            dstHi = h;
            dstLo = l;
            int sp = srcPort;
            srcPort = dstPort;
            dstPort = sp;
            toServer = true;
        }
        return this;
    }

    /** Copies a flow's facts for a record written when the flow ends (client → server, at its last packet). */
    public Alert fillFlow(Flow f) {
        tsSeconds = f.lastSeenNanos / 1_000_000_000L;
        tsNanos = (int) (f.lastSeenNanos % 1_000_000_000L);
        pcapCount = 0;
        ipVersion = f.ipVersion;
        srcHi = f.clientHi;
        srcLo = f.clientLo;
        dstHi = f.serverHi;
        dstLo = f.serverLo;
        srcPort = f.clientPort;
        dstPort = f.serverPort;
        ipProto = f.proto;
        icmpType = -1;
        icmpCode = -1;
        hasFlow = true;
        flowId = f.flowId;
        toServer = true;
        tunnelType = 0;
        tunnelId = f.tunnelId;
        tunnelDepth = 0;
        outerIpVersion = 0;
        outerSrcHi = outerSrcLo = outerDstHi = outerDstLo = 0;
        outerProto = outerSrcPort = outerDstPort = 0;
        eventType = null;
        appProto = null;
        app = null;
        record = null;
        log = true;
        behaviour = null;
        return this;
    }

    public Alert signature(String action, int gid, long sid, int rev, String msg, String category,
                           int severity, Map<String, List<String>> metadata) {
        this.action = action;
        this.gid = gid;
        this.sid = sid;
        this.rev = rev;
        this.msg = msg;
        this.category = category;
        this.severity = severity;
        this.metadata = metadata;
        this.rulesetHash = null;
        this.rulesetLoadedAt = null;
        return this;
    }

    /** Copies another alert entirely (used when handing an alert across threads). */
    public void copyFrom(Alert o) {
        tsSeconds = o.tsSeconds; tsNanos = o.tsNanos; pcapCount = o.pcapCount; flowId = o.flowId;
        ipVersion = o.ipVersion; srcHi = o.srcHi; srcLo = o.srcLo; dstHi = o.dstHi; dstLo = o.dstLo;
        srcPort = o.srcPort; dstPort = o.dstPort; ipProto = o.ipProto; icmpType = o.icmpType;
        icmpCode = o.icmpCode; toServer = o.toServer; hasFlow = o.hasFlow;
        tunnelType = o.tunnelType; tunnelId = o.tunnelId; tunnelDepth = o.tunnelDepth;
        outerIpVersion = o.outerIpVersion; outerSrcHi = o.outerSrcHi; outerSrcLo = o.outerSrcLo;
        outerDstHi = o.outerDstHi; outerDstLo = o.outerDstLo; outerProto = o.outerProto;
        outerSrcPort = o.outerSrcPort; outerDstPort = o.outerDstPort;
        action = o.action; gid = o.gid; sid = o.sid; rev = o.rev; msg = o.msg; category = o.category;
        severity = o.severity; metadata = o.metadata;
        rulesetHash = o.rulesetHash; rulesetLoadedAt = o.rulesetLoadedAt;
        eventType = o.eventType; appProto = o.appProto; app = o.app;
        record = o.record; log = o.log; behaviour = o.behaviour;
    }
}
