package io.crowsnest.sensor.metrics;

import io.crowsnest.capture.live.InterfaceStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The sensor's Prometheus metrics (Micrometer). Labels are bounded: interface names and drop
 * reasons only — never addresses or sids. Per-interface counters are registered as interfaces
 * appear and read their values from the latest stats snapshot at scrape time.
 */
public final class SensorMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Supplier<List<InterfaceStats>> interfaces;
    private final Map<String, InterfaceStats> latest = new ConcurrentHashMap<>();

    public SensorMetrics(Supplier<List<InterfaceStats>> interfaces, LongSupplier alerts, LongSupplier ringOccupancy,
                         long rulesLoaded, long rulesRefused) {
        this.interfaces = interfaces;
        FunctionCounter.builder("crowsnest_alerts", alerts, LongSupplier::getAsLong)
                .description("Alerts raised").register(registry);
        Gauge.builder("crowsnest_ring_occupancy", ringOccupancy, s -> s.getAsLong())
                .description("Packet-ring slots filled and not yet consumed").register(registry);
        Gauge.builder("crowsnest_rules_loaded", () -> rulesLoaded).description("Rules loaded").register(registry);
        Gauge.builder("crowsnest_rules_refused", () -> rulesRefused).description("Rules that failed to load").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    /** Prometheus text exposition of the current values. */
    public String scrape() {
        for (InterfaceStats s : interfaces.get()) {
            if (latest.put(s.name(), s) == null) {
                register(s.name());
            }
        }
        return registry.scrape();
    }

    private void register(String name) {
        counter("crowsnest_interface_packets", "Packets captured", name, null, InterfaceStats::received);
        counter("crowsnest_interface_bytes", "Bytes captured", name, null, InterfaceStats::bytes);
        counter("crowsnest_interface_drops", "Packets lost, by where", name, "kernel", InterfaceStats::kernelDrops);
        counter("crowsnest_interface_drops", "Packets lost, by where", name, "interface", InterfaceStats::ifDrops);
        counter("crowsnest_interface_drops", "Packets lost, by where", name, "ring", InterfaceStats::ringDrops);
    }

    private void counter(String metric, String help, String iface, String reason,
                         java.util.function.ToLongFunction<InterfaceStats> f) {
        FunctionCounter.Builder<Map<String, InterfaceStats>> b = FunctionCounter
                .builder(metric, latest, m -> {
                    InterfaceStats s = m.get(iface);
                    return s == null ? 0 : f.applyAsLong(s);
                })
                .description(help)
                .tag("interface", iface);
        if (reason != null) {
            b = b.tag("reason", reason);
        }
        b.register(registry);
    }
}
