package io.crowsnest.detection.inspect;

/** Per-worker scratch state of the payload inspection (Suricata's det_ctx buffer_offset and friends). */
public final class InspectionContext {
    /** Total element evaluations allowed for one signature on one buffer (Suricata: inspection-recursion-limit). */
    public static final int DEFAULT_BUDGET = 3000;

    /** Relative cursor: end of the last match, relative to the buffer start. */
    public int cursor;
    /** Steps left for this signature; reaching 0 discontinues the inspection (no match). */
    public int budget;
    /** Signatures whose inspection ran out of budget (counter). */
    public long budgetExhausted;
    /** Scratch slot for byte extraction results. */
    public final long[] scratch = new long[1];
    final int budgetPerSig;

    public InspectionContext() {
        this(DEFAULT_BUDGET);
    }

    public InspectionContext(int budgetPerSig) {
        this.budgetPerSig = budgetPerSig;
    }

    void reset() {
        cursor = 0;
        budget = budgetPerSig;
    }
}
