package io.crowsnest.detection.rules;

import java.util.List;

/** What a rule load produced: the loaded signatures, one error per rule that failed, and the rule count. */
public record RuleLoadResult(List<Signature> signatures, List<RuleError> errors, int total) {
    public RuleLoadResult {
        signatures = List.copyOf(signatures);
        errors = List.copyOf(errors);
    }
}
