package io.crowsnest.detection.engine;

import io.crowsnest.applayer.AppLayer;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;
import io.crowsnest.decoders.flow.FlowTable;
import io.crowsnest.decoders.flow.FlowTableConfig;
import io.crowsnest.decoders.stream.StreamConfig;
import io.crowsnest.detection.TestSupport;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One TCP connection (client 10.0.0.1:{@code cport}, server 10.0.0.2:{@code sport}) through flow table,
 * reassembly, app layer and detection, as the engine tests drive it: segments carry the next sequence
 * numbers of their side; {@link #send(Packet)} also takes other packets (e.g. UDP) through the same path.
 */
final class TcpConversation {
    final TestSupport.Harness h;
    final FlowTable flows;
    final AppLayer app = new AppLayer(StreamConfig.defaults());
    /** Every sid alerted so far, in order. */
    final List<Long> alerts = new ArrayList<>();
    final int cport, sport;
    long cseq = 1000, sseq = 7000;

    TcpConversation(TestSupport.Harness h, int cport, int sport) {
        this.h = h;
        this.cport = cport;
        this.sport = sport;
        this.flows = new FlowTable(new FlowTableConfig(1024, 30, 300, 10, false, h.engine.flowbitCount(),
                h.engine.flowintCount()), 0);
    }

    /** The next segment of one side (SYN and FIN take a sequence number, as on the wire). */
    Packet seg(boolean toServer, int flags, byte[] payload) {
        String s = new String(payload, StandardCharsets.ISO_8859_1);
        Packet p = toServer ? TestSupport.tcp("10.0.0.1", cport, "10.0.0.2", sport, s)
                : TestSupport.tcp("10.0.0.2", sport, "10.0.0.1", cport, s);
        p.tcpFlags = flags;
        p.flowHash = cport;
        p.tcpSeq = toServer ? cseq : sseq;
        p.tcpAck = toServer ? sseq : cseq;
        int adv = payload.length + ((flags & 0x03) != 0 ? 1 : 0);
        if (toServer) {
            cseq += adv;
        } else {
            sseq += adv;
        }
        return p;
    }

    Packet seg(boolean toServer, int flags, String payload) {
        return seg(toServer, flags, payload.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Runs one packet through the pipeline; returns the sids alerted for it. */
    List<Long> send(Packet p) {
        int ff = flows.process(p);
        Flow f = flows.current();
        app.process(p, f, ff);
        List<Long> out = new ArrayList<>();
        h.ctx.inspect(p, f, ff, (pk, fl, s, x) -> out.add(s.sid()));
        alerts.addAll(out);
        return out;
    }

    List<Long> send(boolean toServer, int flags, String payload) {
        return send(seg(toServer, flags, payload));
    }

    void handshake() {
        send(true, 0x02, "");
        send(false, 0x12, "");
        send(true, 0x10, "");
    }

    long count(long sid) {
        return alerts.stream().filter(s -> s == sid).count();
    }
}
