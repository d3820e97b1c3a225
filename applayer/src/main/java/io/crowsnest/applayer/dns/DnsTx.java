package io.crowsnest.applayer.dns;

import io.crowsnest.applayer.AppProto;
import io.crowsnest.applayer.Buf;
import io.crowsnest.applayer.Slice;
import io.crowsnest.applayer.Transaction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A DNS query and (when seen) its response, paired by transaction id. */
public final class DnsTx extends Transaction {
    public final int txid;
    public DnsMessage request, response;

    DnsTx(int txid) {
        this.txid = txid;
    }

    @Override
    public int proto() {
        return AppProto.DNS;
    }

    @Override
    public boolean complete() {
        // a response closes the transaction even when its query was not seen (an answer nobody asked
        // for here is exactly what reflection detection needs to see)
        return response != null;
    }

    @Override
    public boolean buffer(int buf, boolean toServer, int index, Slice out) {
        if (buf != Buf.DNS_QUERY) {
            return false;
        }
        DnsMessage m = toServer ? request : response;
        if (m == null || index >= m.questions.size()) {
            return false;
        }
        out.set(m.questions.get(index).name);
        return true;
    }

    /** Opcode of the request (or the response when no request was seen). */
    public int opcode() {
        DnsMessage m = request != null ? request : response;
        return m == null ? -1 : m.opcode;
    }

    @Override
    public Map<String, Object> eve() {
        DnsMessage m = response != null ? response : request;
        Map<String, Object> d = new LinkedHashMap<>();
        if (m == null) {
            return d;
        }
        d.put("version", 2);
        d.put("type", m.response ? "answer" : "query");
        d.put("id", m.id);
        if (m.response) {
            d.put("flags", String.format("%04x", m.flags));
            d.put("qr", true);
            if (m.aa) {
                d.put("aa", true);
            }
            if (m.rd) {
                d.put("rd", true);
            }
            if (m.ra) {
                d.put("ra", true);
            }
            d.put("rcode", DnsMessage.rcodeName(m.rcode));
        }
        if (!m.questions.isEmpty()) {
            d.put("rrname", new String(m.questions.get(0).name, StandardCharsets.ISO_8859_1));
            d.put("rrtype", DnsMessage.typeName(m.questions.get(0).type));
        }
        if (m.opcode != 0) {
            d.put("opcode", m.opcode);
        }
        if (m.response && !m.answers.isEmpty()) {
            List<Map<String, Object>> ans = new ArrayList<>();
            for (DnsMessage.Record r : m.answers) {
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("rrname", new String(r.name, StandardCharsets.ISO_8859_1));
                a.put("rrtype", DnsMessage.typeName(r.type));
                a.put("ttl", r.ttl);
                if (r.data != null) {
                    a.put("rdata", r.data);
                }
                ans.add(a);
            }
            d.put("answers", ans);
        }
        return d;
    }
}
