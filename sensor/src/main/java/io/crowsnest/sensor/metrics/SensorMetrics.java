package io.crowsnest.sensor.metrics;

import io.crowsnest.capture.live.InterfaceStats;
import io.crowsnest.detection.prefilter.MpmFallbacks;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
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
        this(interfaces, alerts, ringOccupancy, () -> rulesLoaded, () -> rulesRefused);
    }

    /** With the rule counts read at scrape time (they change on a rule reload). */
    public SensorMetrics(Supplier<List<InterfaceStats>> interfaces, LongSupplier alerts, LongSupplier ringOccupancy,
                         LongSupplier rulesLoaded, LongSupplier rulesRefused) {
        this.interfaces = interfaces;
        FunctionCounter.builder("crowsnest_alerts", alerts, LongSupplier::getAsLong)
                .description("Alerts raised").register(registry);
        Gauge.builder("crowsnest_ring_occupancy", ringOccupancy, s -> s.getAsLong())
                .description("Packet-ring slots filled and not yet consumed").strongReference(true).register(registry);
        Gauge.builder("crowsnest_rules_loaded", rulesLoaded, LongSupplier::getAsLong).description("Rules loaded").strongReference(true).register(registry);
        Gauge.builder("crowsnest_rules_refused", rulesRefused, LongSupplier::getAsLong).description("Rules that failed to load").strongReference(true).register(registry);
        FunctionCounter.builder("crowsnest_mpm_fallbacks", MpmFallbacks.class, c -> MpmFallbacks.count())
                .description("Pattern sets built with Aho-Corasick because Hyperscan (--mpm-algo hs) could not load or compile")
                .register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        // ProcessorMetrics is left out: its process_cpu_time_ns_total and system_cpu_count names
        // fail `promtool check metrics` (abbreviated unit, "_count" on a gauge).
    }

    /**
     * Behavioural alerts by detector ({@code crowsnest_behaviour_alerts_total{detector="scan"}}): seven
     * detectors, a bounded label. Read at scrape time from the stage's map (written by the writer thread).
     */
    public void behaviour(Map<String, Long> alertsByDetector) {
        for (String d : java.util.List.of("fanout", "reflection", "scan", "bruteforce", "beacon", "dns-tunnel", "lateral")) {
            FunctionCounter.builder("crowsnest_behaviour_alerts", alertsByDetector, m -> {
                Long v = m.get(d);
                return v == null ? 0 : v;
            }).description("Behavioural alerts, by detector").tag("detector", d).register(registry);
        }
    }

    private volatile Supplier<String> rulesetHash;

    /**
     * Exposes the active rule set: {@code crowsnest_ruleset_info{hash="…"} 1} (one series, the
     * current hash) and {@code crowsnest_ruleset_loaded_timestamp_seconds}. The info series is
     * written by hand: Micrometer's Prometheus registry strips an {@code _info} suffix from gauges.
     */
    public void ruleset(Supplier<String> hash, java.util.function.DoubleSupplier loadedAtSeconds) {
        Gauge.builder("crowsnest_ruleset_loaded_timestamp_seconds", loadedAtSeconds, java.util.function.DoubleSupplier::getAsDouble)
                .description("When the active rule set was loaded (Unix time)").strongReference(true).register(registry);
        this.rulesetHash = hash;
    }

    /** Prometheus text exposition of the current values. */
    public String scrape() {
        for (InterfaceStats s : interfaces.get()) {
            if (latest.put(s.name(), s) == null) {
                register(s.name());
            }
        }
        String text = registry.scrape();
        Supplier<String> hash = rulesetHash;
        if (hash != null) {
            text = text + "# HELP crowsnest_ruleset_info The active rule set (SHA-256 of its rule texts, first 12 hex digits)\n"
                    + "# TYPE crowsnest_ruleset_info gauge\n"
                    + "crowsnest_ruleset_info{hash=\"" + hash.get() + "\"} 1\n";
        }
        return text;
    }

    private void register(String name) {
        counter("crowsnest_interface_packets", "Packets captured", name, null, InterfaceStats::received);
        counter("crowsnest_interface_bytes", "Bytes captured", name, null, InterfaceStats::bytes);
        counter("crowsnest_interface_drops", "Packets lost, by where", name, "kernel", InterfaceStats::kernelDrops);
        counter("crowsnest_interface_drops", "Packets lost, by where", name, "interface", InterfaceStats::ifDrops);
        counter("crowsnest_interface_drops", "Packets lost, by where", name, "ring", InterfaceStats::ringDrops);
        counter("crowsnest_interface_ring_full", "Times the capture found the packet ring full and waited for the workers",
                name, null, InterfaceStats::ringFullWaits);
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
