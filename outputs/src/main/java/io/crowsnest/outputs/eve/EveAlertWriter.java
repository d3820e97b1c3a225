package io.crowsnest.outputs.eve;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import io.crowsnest.decoders.TunnelType;
import io.crowsnest.detection.alert.Alert;
import io.crowsnest.detection.alert.AlertOutput;
import io.crowsnest.identity.Workload;
import io.crowsnest.identity.WorkloadLookup;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * Writes alerts as EVE JSON lines with Suricata's field names, through Jackson's streaming
 * generator (one reused generator, no object mapping). Single-threaded: the alert writer
 * thread owns it.
 */
public final class EveAlertWriter implements AlertOutput {
    private final OutputStream out;
    private final JsonGenerator gen;
    private long written;
    private WorkloadLookup workloads;
    private EveFile file;

    public EveAlertWriter(OutputStream out) throws IOException {
        this.out = out;
        JsonFactory factory = JsonFactory.builder().build();
        this.gen = factory.createGenerator(out, JsonEncoding.UTF8);
        // one object per line: no separator between root values, each line ends in '\n'
        this.gen.setPrettyPrinter(new MinimalPrettyPrinter(""));
        this.gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    }

    /** Opens {@code dir/eve.json} for appending, creating the directory. */
    public static EveAlertWriter open(Path dir) throws IOException {
        return new EveAlertWriter(EveFile.plain(dir.resolve("eve.json")));
    }

    /** Writes to an {@link EveFile} that may rotate or reopen between records. */
    public EveAlertWriter(EveFile file) throws IOException {
        this((OutputStream) file);
        this.file = file;
    }

    /** The file, when writing to one (for SIGHUP reopen), else null. */
    public EveFile file() {
        return file;
    }

    @Override
    public void write(Alert a) throws IOException {
        if (file != null) {
            gen.flush(); // everything written so far goes to the current file
            file.boundary();
        }
        gen.writeStartObject();
        gen.writeStringField("timestamp", EveFormat.timestamp(a.tsSeconds, a.tsNanos));
        if (a.hasFlow) {
            gen.writeNumberField("flow_id", a.flowId);
        }
        gen.writeNumberField("pcap_cnt", a.pcapCount);
        gen.writeStringField("event_type", "alert");
        gen.writeStringField("src_ip", EveFormat.address(a.ipVersion, a.srcHi, a.srcLo));
        boolean ports = a.ipProto == 6 || a.ipProto == 17 || a.ipProto == 132;
        if (ports) {
            gen.writeNumberField("src_port", a.srcPort);
        }
        gen.writeStringField("dest_ip", EveFormat.address(a.ipVersion, a.dstHi, a.dstLo));
        if (ports) {
            gen.writeNumberField("dest_port", a.dstPort);
        }
        gen.writeStringField("proto", EveFormat.proto(a.ipProto));
        if (a.icmpType >= 0 && (a.ipProto == 1 || a.ipProto == 58)) {
            gen.writeNumberField("icmp_type", a.icmpType);
            gen.writeNumberField("icmp_code", a.icmpCode);
        }
        if (a.hasFlow) {
            gen.writeStringField("direction", a.toServer ? "to_server" : "to_client");
        }
        if (a.tunnelType != TunnelType.NONE) {
            writeTunnel(a);
        }
        if (workloads != null) {
            long t = a.tsSeconds * 1_000_000_000L + a.tsNanos;
            writeWorkload("src_workload", workloads.lookup(a.srcHi, a.srcLo, t));
            writeWorkload("dest_workload", workloads.lookup(a.dstHi, a.dstLo, t));
        }
        if (a.appProto != null) {
            gen.writeStringField("app_proto", a.appProto);
        }
        gen.writeObjectFieldStart("alert");
        gen.writeStringField("action", a.action);
        gen.writeNumberField("gid", a.gid);
        gen.writeNumberField("signature_id", a.sid);
        gen.writeNumberField("rev", a.rev);
        gen.writeStringField("signature", a.msg);
        gen.writeStringField("category", a.category);
        gen.writeNumberField("severity", a.severity);
        if (a.metadata != null && !a.metadata.isEmpty()) {
            gen.writeObjectFieldStart("metadata");
            for (Map.Entry<String, List<String>> e : a.metadata.entrySet()) {
                gen.writeArrayFieldStart(e.getKey());
                for (String v : e.getValue()) {
                    gen.writeString(v);
                }
                gen.writeEndArray();
            }
            gen.writeEndObject();
        }
        if (a.rulesetHash != null) {
            // not a Suricata field: which ruleset raised this alert, so a reload can be proven live
            gen.writeObjectFieldStart("ruleset");
            gen.writeStringField("hash", a.rulesetHash);
            if (a.rulesetLoadedAt != null) {
                gen.writeStringField("loaded", a.rulesetLoadedAt);
            }
            gen.writeEndObject();
        }
        if (a.behaviour != null) {
            // not a Suricata field: a behavioural alert explains itself (detector, window, observed,
            // baseline, threshold, top contributing flows)
            gen.writeFieldName("behaviour");
            EveAppObjects.writeValue(gen, a.behaviour);
        }
        gen.writeEndObject();
        if (a.appProto != null && a.app != null) {
            // the transaction's object, as Suricata adds http{…} / dns{…} / tls{…} to alerts
            gen.writeFieldName(a.appProto);
            EveAppObjects.writeValue(gen, a.app);
        }
        gen.writeEndObject();
        gen.writeRaw('\n');
        written++;
    }

    /**
     * Names both ends of every alert from now on: who held each address at the packet's time
     * (a container that has died since is still named). Facts not known are omitted.
     */
    public EveAlertWriter withWorkloads(WorkloadLookup lookup) {
        this.workloads = lookup;
        return this;
    }

    private void writeWorkload(String field, Workload w) throws IOException {
        writeWorkload(gen, field, w);
    }

    /** {@code "src_workload": {kind, namespace, pod, container, container_id, image, labels, node, owner, service_account}}; missing facts omitted. */
    static void writeWorkload(JsonGenerator gen, String field, Workload w) throws IOException {
        if (w == null) {
            return;
        }
        gen.writeObjectFieldStart(field);
        if (w.kind() != null) {
            gen.writeStringField("kind", w.kind().json());
        }
        stringField(gen, "namespace", w.namespace());
        stringField(gen, "pod", w.pod());
        stringField(gen, "container", w.container());
        stringField(gen, "container_id", w.containerId());
        stringField(gen, "image", w.image());
        if (w.labels() != null && !w.labels().isEmpty()) {
            gen.writeObjectFieldStart("labels");
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(w.labels()).entrySet()) {
                gen.writeStringField(e.getKey(), e.getValue());
            }
            gen.writeEndObject();
        }
        stringField(gen, "node", w.node());
        stringField(gen, "owner", w.owner());
        stringField(gen, "service_account", w.serviceAccount());
        gen.writeEndObject();
    }

    private static void stringField(JsonGenerator gen, String name, String value) throws IOException {
        if (value != null && !value.isEmpty()) {
            gen.writeStringField(name, value);
        }
    }

    private void stringField(String name, String value) throws IOException {
        if (value != null && !value.isEmpty()) {
            gen.writeStringField(name, value);
        }
    }

    private void writeTunnel(Alert a) throws IOException {
        gen.writeObjectFieldStart("tunnel");
        gen.writeStringField("src_ip", EveFormat.address(a.outerIpVersion, a.outerSrcHi, a.outerSrcLo));
        boolean ports = a.outerProto == 6 || a.outerProto == 17;
        if (ports) {
            gen.writeNumberField("src_port", a.outerSrcPort);
        }
        gen.writeStringField("dest_ip", EveFormat.address(a.outerIpVersion, a.outerDstHi, a.outerDstLo));
        if (ports) {
            gen.writeNumberField("dest_port", a.outerDstPort);
        }
        gen.writeStringField("proto", EveFormat.proto(a.outerProto));
        gen.writeNumberField("depth", a.tunnelDepth);
        gen.writeStringField("type", TunnelType.name(a.tunnelType));
        if (a.tunnelId >= 0 && (a.tunnelType == TunnelType.VXLAN || a.tunnelType == TunnelType.GENEVE)) {
            gen.writeNumberField("vni", a.tunnelId);
        } else if (a.tunnelId >= 0 && a.tunnelType == TunnelType.GRE) {
            gen.writeNumberField("key", a.tunnelId);
        }
        gen.writeEndObject();
    }

    public long written() {
        return written;
    }

    @Override
    public void flush() throws IOException {
        gen.flush();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        gen.close();
        out.close();
    }
}
