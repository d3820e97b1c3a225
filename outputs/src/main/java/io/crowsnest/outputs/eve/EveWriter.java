package io.crowsnest.outputs.eve;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import io.crowsnest.detection.alert.Alert;
import io.crowsnest.detection.alert.AlertOutput;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * EVE with more than alerts: alerts go to an {@link EveAlertWriter}, the other record types ({@code http},
 * {@code dns}, {@code tls}, {@code ssh}, {@code anomaly}, {@code flow}; {@link Alert#eventType}) are written
 * here, into the same file and in arrival order (the alert writer's generator is flushed into the shared
 * stream before an event record follows an alert). Single-threaded, like the alert writer.
 */
public final class EveWriter implements AlertOutput {
    private final OutputStream out;
    private final EveAlertWriter alerts;
    /** Names both ends of flow and transaction records too (null: not named). */
    private io.crowsnest.identity.WorkloadLookup workloads;
    private final JsonGenerator gen;
    private boolean lastWasAlert;
    private EveFile file;
    private long events;

    public EveWriter(OutputStream out) throws IOException {
        this.out = out;
        this.alerts = new EveAlertWriter(out);
        this.gen = JsonFactory.builder().build().createGenerator(out, JsonEncoding.UTF8);
        this.gen.setPrettyPrinter(new MinimalPrettyPrinter(""));
        this.gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    }

    /** Names both ends of alerts (see {@link EveAlertWriter#withWorkloads}). */
    public EveWriter withWorkloads(io.crowsnest.identity.WorkloadLookup lookup) {
        alerts.withWorkloads(lookup);
        this.workloads = lookup;
        return this;
    }

    public static EveWriter open(Path dir) throws IOException {
        return new EveWriter(EveFile.plain(dir.resolve("eve.json")));
    }

    /** Writes to an {@link EveFile} that may rotate or reopen between records. */
    public EveWriter(EveFile file) throws IOException {
        this.out = file;
        this.file = file;
        this.alerts = new EveAlertWriter(file);
        this.gen = JsonFactory.builder().build().createGenerator(file, JsonEncoding.UTF8);
        this.gen.setPrettyPrinter(new MinimalPrettyPrinter(""));
        this.gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    }

    @Override
    public void write(Alert a) throws IOException {
        if (a.eventType == null || "alert".equals(a.eventType)) {
            gen.flush();
            alerts.write(a);
            lastWasAlert = true;
            return;
        }
        if (lastWasAlert) {
            alerts.flush();
            lastWasAlert = false;
        }
        if (file != null) {
            gen.flush();
            file.boundary();
        }
        gen.writeStartObject();
        gen.writeStringField("timestamp", EveFormat.timestamp(a.tsSeconds, a.tsNanos));
        if (a.hasFlow) {
            gen.writeNumberField("flow_id", a.flowId);
        }
        gen.writeNumberField("pcap_cnt", a.pcapCount);
        gen.writeStringField("event_type", a.eventType);
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
        if (workloads != null) {
            long t = a.tsSeconds * 1_000_000_000L + a.tsNanos;
            EveAlertWriter.writeWorkload(gen, "src_workload", workloads.lookup(a.srcHi, a.srcLo, t));
            EveAlertWriter.writeWorkload(gen, "dest_workload", workloads.lookup(a.dstHi, a.dstLo, t));
        }
        if ("anomaly".equals(a.eventType) || "flow".equals(a.eventType)) {
            if (a.appProto != null) {
                gen.writeStringField("app_proto", a.appProto);
            }
            if (a.app != null) {
                gen.writeFieldName(a.eventType);
                EveAppObjects.writeValue(gen, a.app);
            }
        } else if (a.app != null) {
            gen.writeFieldName(a.eventType);
            EveAppObjects.writeValue(gen, a.app);
        }
        gen.writeEndObject();
        gen.writeRaw('\n');
        events++;
    }

    public long events() {
        return events;
    }

    public long alerts() {
        return alerts.written();
    }

    @Override
    public void flush() throws IOException {
        gen.flush();
        alerts.flush();
    }

    @Override
    public void close() throws IOException {
        gen.flush();
        gen.close();
        alerts.close();
    }
}
