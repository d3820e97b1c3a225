package io.crowsnest.detection.inspect;

/**
 * One element of a signature's payload inspection list (content, pcre, byte_test, byte_jump, isdataat),
 * evaluated in rule order by {@link PayloadInspector} with Suricata's backtracking semantics.
 */
public abstract class PayloadElement {
    /** Set at build time when the following element is relative to this one (Suricata RELATIVE_NEXT). */
    public boolean relativeNext;

    /** True when this element is relative to the previous one (distance/within, R, relative). */
    public abstract boolean isRelative();

    /**
     * Inspects {@code buf[off, off+len)} for element {@code i} of {@code els}: returns
     * {@link PayloadInspector#MATCH}, {@link PayloadInspector#NO_MATCH} (the caller may retry) or
     * {@link PayloadInspector#DISCONTINUE}.
     */
    protected abstract int inspect(PayloadElement[] els, int i, byte[] buf, int off, int len, InspectionContext ctx);
}
