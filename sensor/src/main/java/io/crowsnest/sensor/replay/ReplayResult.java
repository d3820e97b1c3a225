package io.crowsnest.sensor.replay;

import io.crowsnest.sensor.pipeline.AlertWriterHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a replay did: counts for the summary, errors, and the exit code. */
public final class ReplayResult {
    /** Exit codes, Unix style. */
    public static final int EXIT_OK = 0;
    public static final int EXIT_INPUT = 1;
    public static final int EXIT_USAGE = 2;

    public int exitCode = EXIT_OK;
    /** A bad option value found while setting up (already reported); exit 2. */
    public String usageError;
    public long packets;
    public long bytes;
    public double seconds;
    public long alerts;
    public long rulesTotal;
    public long rulesLoaded;
    public final List<String> ruleErrors = new ArrayList<>();
    public final List<String> inputErrors = new ArrayList<>();
    /** Files that --checksum auto judged checksum-offloaded (validation off for them). */
    public final List<String> checksumOffloadedFiles = new ArrayList<>();
    public Map<Long, AlertWriterHandler.SidCount> alertsBySid = new LinkedHashMap<>();
    /** Decoder events and drops by name (only non-zero ones). */
    public final Map<String, Long> events = new LinkedHashMap<>();
    public final Map<String, Long> drops = new LinkedHashMap<>();

    public double packetsPerSecond() {
        return seconds > 0 ? packets / seconds : 0;
    }
    /** The behaviour stage that ran (alerts per detector, state counters), or null. */
    public io.crowsnest.sensor.behaviour.BehaviourStage behaviour;
}
