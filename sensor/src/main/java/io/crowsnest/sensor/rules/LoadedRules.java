package io.crowsnest.sensor.rules;

import io.crowsnest.detection.rules.Signature;
import java.util.List;

/** The rules a run loaded: signatures, and one printable line per rule that was refused. */
public final class LoadedRules {
    private final List<Signature> signatures;
    private final List<String> errorLines;
    private final int total;

    LoadedRules(List<Signature> signatures, List<String> errorLines, int total) {
        this.signatures = signatures;
        this.errorLines = errorLines;
        this.total = total;
    }

    public List<Signature> signatures() {
        return signatures;
    }

    /** {@code file:line sid N: reason}, one per refused rule. */
    public List<String> errorLines() {
        return errorLines;
    }

    public int total() {
        return total;
    }
}
