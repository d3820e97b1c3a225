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
    /** Slots per rule for byte_extract / byte_math variables. */
    public static final int MAX_BYTE_VARS = 16;
    /** byte_extract / byte_math variable values of the signature being inspected. */
    public final long[] vars = new long[MAX_BYTE_VARS];
    /** Scratch buffer base64_decode decodes into (per worker); {@link #base64Length} bytes are valid. */
    public final byte[] base64 = new byte[65_536];
    public int base64Length;

    public InspectionContext() {
        this(DEFAULT_BUDGET);
    }

    public InspectionContext(int budgetPerSig) {
        this.budgetPerSig = budgetPerSig;
    }

    void reset() {
        cursor = 0;
        budget = budgetPerSig;
        base64Length = 0;
    }
}
