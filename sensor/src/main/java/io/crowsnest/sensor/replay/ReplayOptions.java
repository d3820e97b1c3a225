package io.crowsnest.sensor.replay;

import io.crowsnest.decoders.DecoderConfig;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything {@code crowsnest replay} can be told, with the documented defaults. */
public final class ReplayOptions {
    public final List<Path> files = new ArrayList<>();
    public final List<Path> ruleFiles = new ArrayList<>();
    /** Load the shipped rules from {@code signatures/} as well (off with --no-default-rules). */
    public boolean defaultRules = true;
    public Path outDir = Paths.get("crowsnest-out");
    public DecoderConfig.ChecksumMode checksum = DecoderConfig.ChecksumMode.AUTO;
    public boolean midstream;
    public final Map<String, String> variables = new LinkedHashMap<>();
    public int workers = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    public boolean strict;
    /** Suricata threshold.config-style file (suppress / threshold / rate_filter), or null. */
    public Path thresholdFile;
    /** Show a progress bar on stderr (the CLI turns it on when stderr is a terminal). */
    public boolean progress;
    public int ringSize = 1024;
    public int slotCapacity = 65_536 + 256;
    public int maxFlowsPerWorker = 65_536;
}
