package io.crowsnest.detection.inspect;

import static io.crowsnest.detection.inspect.PayloadInspector.NO_MATCH;

/** {@code byte_test:nbytes,[!]op,value,offset[,relative][,big|little][,string,hex|dec|oct][,bitmask M]}. */
public final class ByteTestMatch extends PayloadElement {
    public enum Op { LT, GT, EQ, LE, GE, AND, OR }

    public final int nbytes;
    public final Op op;
    public final boolean negated;
    public final long value;
    public final int offset;
    public final boolean relative, little, string;
    public final int base;
    public final long bitmask;
    private final int bitmaskShift;
    /** byte_extract variable slots for the value and the offset, -1 when constants. */
    public int valueVar = -1, offsetVar = -1;

    public ByteTestMatch(int nbytes, Op op, boolean negated, long value, int offset, boolean relative,
            boolean little, boolean string, int base, long bitmask) {
        this.nbytes = nbytes;
        this.op = op;
        this.negated = negated;
        this.value = value;
        this.offset = offset;
        this.relative = relative;
        this.little = little;
        this.string = string;
        this.base = base;
        this.bitmask = bitmask;
        this.bitmaskShift = bitmask == 0 ? 0 : Long.numberOfTrailingZeros(bitmask);
    }

    @Override
    public boolean isRelative() {
        return relative;
    }

    @Override
    protected int inspect(PayloadElement[] els, int i, byte[] buf, int off, int len, InspectionContext ctx) {
        final long offset = offsetVar >= 0 ? ctx.vars[offsetVar] : this.offset;
        final long value = valueVar >= 0 ? ctx.vars[valueVar] : this.value;
        long at = (relative ? (long) ctx.cursor : 0L) + offset;
        if (relative && len - (long) ctx.cursor - offset <= 0) {
            return NO_MATCH;
        }
        if (at < 0 || nbytes > len - at) {
            return NO_MATCH;
        }
        long[] out = ctx.scratch;
        long val;
        {
            int n = string ? ByteExtract.extractString(buf, off + (int) at, nbytes, base, out)
                    : ByteExtract.extractNumeric(buf, off + (int) at, nbytes, little, out);
            if (n <= 0) {
                return NO_MATCH;
            }
            val = out[0];
        }
        if (bitmask != 0) {
            val &= bitmask;
            if (val != 0 && bitmaskShift != 0) {
                val >>>= bitmaskShift;
            }
        }
        boolean m;
        switch (op) {
            case LT: m = Long.compareUnsigned(val, value) < 0; break;
            case GT: m = Long.compareUnsigned(val, value) > 0; break;
            case LE: m = Long.compareUnsigned(val, value) <= 0; break;
            case GE: m = Long.compareUnsigned(val, value) >= 0; break;
            case AND: m = (val & value) != 0; break;
            case OR: m = (val ^ value) != 0; break;
            default: m = val == value; break;
        }
        if (m == negated) {
            return NO_MATCH;
        }
        return PayloadInspector.next(els, i, buf, off, len, ctx);
    }
}
