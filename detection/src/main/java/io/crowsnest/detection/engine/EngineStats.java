package io.crowsnest.detection.engine;

import java.util.Map;

/**
 * Counters for the run summary. {@code prefilterCandidates} counts signatures the prefilter selected,
 * {@code prefilterMatches} how many of those fully matched; {@code evaluated}/{@code matched} count all
 * signature evaluations (IP-only and always-evaluated included). {@code transactionCandidates} counts the
 * transaction rules handed to evaluation after the per-buffer prefilter.
 */
public record EngineStats(int signaturesLoaded, int ipOnlySignatures, int prefilterSignatures,
        int fastPatterns, Map<String, Integer> groupSizes, long packets, long prefilterCandidates,
        long prefilterMatches, long evaluated, long matched, long alerts, long inspectionBudgetExhausted,
        long transactionCandidates) {}
