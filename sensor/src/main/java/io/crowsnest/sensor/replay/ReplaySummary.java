package io.crowsnest.sensor.replay;

import io.crowsnest.sensor.pipeline.AlertWriterHandler;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** The end-of-run summary: packets, bytes, time, rate, alerts by sid (top 10), events and drops. */
public final class ReplaySummary {
    private ReplaySummary() {}

    public static void print(ReplayResult r, ReplayOptions o, PrintStream out) {
        out.printf("rules:    %d loaded, %d refused (of %d)%n", r.rulesLoaded, r.ruleErrors.size(), r.rulesTotal);
        out.printf("packets:  %d (%s) in %.2f s, %.0f packets/s%n", r.packets, bytes(r.bytes), r.seconds, r.packetsPerSecond());
        out.printf("alerts:   %d -> %s%n", r.alerts, o.outDir.resolve("eve.json"));
        List<AlertWriterHandler.SidCount> top = new ArrayList<>(r.alertsBySid.values());
        top.sort(Comparator.comparingLong((AlertWriterHandler.SidCount c) -> -c.count).thenComparingLong(c -> c.sid));
        for (int i = 0; i < Math.min(10, top.size()); i++) {
            AlertWriterHandler.SidCount c = top.get(i);
            out.printf("  %8d  sid %-10d %s%n", c.count, c.sid, c.msg);
        }
        if (top.size() > 10) {
            out.printf("  ... and %d more signatures%n", top.size() - 10);
        }
        if (!r.checksumOffloadedFiles.isEmpty()) {
            out.printf("checksum: not validated in %d file(s) that look checksum-offloaded (--checksum auto)%n",
                    r.checksumOffloadedFiles.size());
        }
        if (r.behaviour != null && o.behaviour) {
            Map<String, Long> b = r.behaviour.alertsByDetector();
            out.printf("behaviour: %d flows, %d transactions, %s%s%n", r.behaviour.engine().flows(),
                    r.behaviour.engine().transactions(), b.isEmpty() ? "no alerts" : "alerts " + b,
                    o.baseline == null ? " (no baseline: drift detection off)" : "");
        }
        printMap(out, "events:", r.events);
        printMap(out, "drops:", r.drops);
    }

    private static void printMap(PrintStream out, String title, Map<String, Long> m) {
        if (m.isEmpty()) {
            out.printf("%-9s none%n", title);
            return;
        }
        out.println(title);
        for (Map.Entry<String, Long> e : m.entrySet()) {
            out.printf("  %8d  %s%n", e.getValue(), e.getKey());
        }
    }

    private static String bytes(long b) {
        if (b >= 1L << 30) {
            return String.format("%.1f GiB", b / (double) (1L << 30));
        }
        if (b >= 1L << 20) {
            return String.format("%.1f MiB", b / (double) (1L << 20));
        }
        if (b >= 1L << 10) {
            return String.format("%.1f KiB", b / 1024.0);
        }
        return b + " B";
    }
}
