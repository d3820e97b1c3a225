package io.crowsnest.detection.engine;

import io.crowsnest.applayer.AppProto;
import io.crowsnest.applayer.Buf;
import io.crowsnest.detection.inspect.PayloadElement;
import io.crowsnest.detection.inspect.PayloadInspector;
import io.crowsnest.detection.inspect.TxCondition;
import io.crowsnest.detection.keywords.AppLayerBufferKeyword;
import io.crowsnest.detection.rules.Signature;
import java.util.List;
import java.util.Map;

/**
 * How a signature that needs the app layer is bound to it: the app protocol it requires and, for rules
 * with sticky buffers, the buffer ids (from {@link Buf}) with their compiled element lists. Built once per
 * signature by the engine; null from {@link #bind} when the app layer cannot feed the rule yet (the rule
 * stays parked, as before).
 */
final class AppBinding {
    /** Required {@link AppProto}, or -1 for any. */
    final int appProto;
    final int[] bufIds;
    final String[] bufNames;
    final PayloadElement[][] elems;
    final boolean[] transformed;
    /** 1 to_server, 2 to_client, 3 either (evaluated per direction). */
    final int txDir;
    /** Valued app-layer keywords tested on the transaction before its buffers. */
    final TxCondition[] conds;

    private AppBinding(int appProto, int[] bufIds, String[] bufNames, PayloadElement[][] elems, boolean[] transformed,
            int txDir, TxCondition[] conds) {
        this.appProto = appProto;
        this.conds = conds;
        this.bufIds = bufIds;
        this.bufNames = bufNames;
        this.elems = elems;
        this.transformed = transformed;
        this.txDir = txDir;
    }

    /** True when the rule inspects transactions (buffers or valued keywords); false for protocol-only rules. */
    boolean tx() {
        return bufIds.length > 0 || conds.length > 0;
    }

    static AppBinding bind(Signature s) {
        int proto = -1;
        if (s.appProtocol() != null) {
            proto = AppProto.byRuleName(s.appProtocol().toLowerCase());
            if (proto < 0) {
                return null;
            }
        }
        Map<String, List<PayloadElement>> bufs = s.buffers();
        int n = bufs.size();
        int[] ids = new int[n];
        String[] names = new String[n];
        PayloadElement[][] els = new PayloadElement[n][];
        boolean[] tr = new boolean[n];
        int i = 0;
        boolean ts = false, tc = false;
        for (Map.Entry<String, List<PayloadElement>> e : bufs.entrySet()) {
            int id = Buf.byName(e.getKey());
            if (id < 0) {
                return null;
            }
            for (PayloadElement pe : e.getValue()) {
                if (pe instanceof AppLayerBufferKeyword.AppLayerCondition) {
                    return null; // valued app-layer keywords (tls.version:…) are not evaluated yet
                }
            }
            int bp = Buf.proto(id);
            if (proto >= 0 && bp != proto) {
                return null; // e.g. tls.sni in an http rule: can never match
            }
            proto = bp;
            ids[i] = id;
            names[i] = e.getKey();
            els[i] = e.getValue().toArray(new PayloadElement[0]);
            PayloadInspector.link(els[i]);
            tr[i] = s.transforms().containsKey(e.getKey());
            int d = Buf.direction(id);
            ts |= d == Buf.DIR_TO_SERVER;
            tc |= d == Buf.DIR_TO_CLIENT;
            i++;
        }
        TxCondition[] conds = s.txConditions().toArray(new TxCondition[0]);
        for (TxCondition c : conds) {
            if (proto >= 0 && c.appProto() != proto) {
                return null; // e.g. dns.opcode in a tls rule: can never match
            }
            proto = c.appProto();
            ts |= c.direction() == Buf.DIR_TO_SERVER;
            tc |= c.direction() == Buf.DIR_TO_CLIENT;
        }
        int dir = tc ? 2 : ts ? 1 : 3;
        int fd = s.flowDirection();
        if (fd == io.crowsnest.decoders.flow.FlowFlags.TO_SERVER) {
            if (dir == 2) {
                return null;
            }
            dir = 1;
        } else if (fd == io.crowsnest.decoders.flow.FlowFlags.TO_CLIENT) {
            // fires on the response side; request buffers (http.method …) are read from the same transaction,
            // as Suricata does for a to_client rule mixing them with file.data or response buffers
            dir = 2;
        }
        return new AppBinding(proto, ids, names, els, tr, dir, conds);
    }
}
