package io.crowsnest.detection.inspect;

import static io.crowsnest.detection.inspect.PayloadInspector.NO_MATCH;

/**
 * {@code byte_extract} (and {@code byte_math}, {@link #op} != 0): reads nbytes at offset (from the relative
 * cursor when relative), as a number or a string in a base, optionally masks, multiplies / aligns (extract) or
 * combines with an rvalue (math), stores the result in the rule's variable slot and moves the cursor past the
 * bytes read (Suricata DetectByteExtractDoMatch / DetectByteMathDoMatch).
 */
public final class ByteExtractMatch extends PayloadElement {
    public final int nbytes, offset, slot;
    public final boolean relative, little, string;
    public final int base;
    public final long multiplier;
    public final int align;
    public final long bitmask;
    /** 0 for byte_extract; '+', '-', '*', '/', '<' (<<), '>' (>>) for byte_math. */
    public final char op;
    public final long rvalue;
    public final int rvalueVar;
    private final int bitmaskShift;

    public ByteExtractMatch(int nbytes, int offset, int slot, boolean relative, boolean little, boolean string, int base,
            long multiplier, int align, long bitmask, char op, long rvalue, int rvalueVar) {
        this.nbytes = nbytes;
        this.offset = offset;
        this.slot = slot;
        this.relative = relative;
        this.little = little;
        this.string = string;
        this.base = base;
        this.multiplier = multiplier;
        this.align = align;
        this.bitmask = bitmask;
        this.op = op;
        this.rvalue = rvalue;
        this.rvalueVar = rvalueVar;
        this.bitmaskShift = bitmask == 0 ? 0 : Long.numberOfTrailingZeros(bitmask);
    }

    @Override
    public boolean isRelative() {
        return relative;
    }

    @Override
    protected int inspect(PayloadElement[] els, int i, byte[] buf, int off, int len, InspectionContext ctx) {
        long at = (relative ? (long) ctx.cursor : 0L) + offset;
        if (at < 0 || nbytes > len - at) {
            return NO_MATCH;
        }
        long[] out = ctx.scratch;
        int n = string ? ByteExtract.extractString(buf, off + (int) at, nbytes, base, out)
                : ByteExtract.extractNumeric(buf, off + (int) at, nbytes, little, out);
        if (n <= 0) {
            return NO_MATCH;
        }
        long val = out[0];
        if (bitmask != 0) {
            val &= bitmask;
            if (val != 0 && bitmaskShift != 0) {
                val >>>= bitmaskShift;
            }
        }
        if (op == 0) {
            val *= multiplier;
            if (align > 1 && val % align != 0) {
                val += align - (val % align);
            }
        } else {
            long r = rvalueVar >= 0 ? ctx.vars[rvalueVar] : rvalue;
            switch (op) {
                case '+': val += r; break;
                case '-': val -= r; break;
                case '*': val *= r; break;
                case '/':
                    if (r == 0) {
                        return NO_MATCH;
                    }
                    val = Long.divideUnsigned(val, r);
                    break;
                case '<': val = r >= 64 ? 0 : val << r; break;
                default: val = r >= 64 ? 0 : val >>> r; break;
            }
        }
        ctx.vars[slot] = val;
        ctx.cursor = (int) at + n;
        return PayloadInspector.next(els, i, buf, off, len, ctx);
    }
}
