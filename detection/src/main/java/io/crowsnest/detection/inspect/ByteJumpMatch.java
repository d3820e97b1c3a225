package io.crowsnest.detection.inspect;

import static io.crowsnest.detection.inspect.PayloadInspector.NO_MATCH;

/**
 * {@code byte_jump:nbytes,offset[,relative][,multiplier N][,big|little][,string,hex|dec|oct][,align]
 * [,from_beginning|from_end][,post_offset N][,bitmask M]}: moves the relative cursor.
 */
public final class ByteJumpMatch extends PayloadElement {
    public final int nbytes, offset;
    public final boolean relative, little, string, align, fromBeginning, fromEnd;
    public final int base;
    public final long multiplier;
    public final long postOffset;
    public final long bitmask;
    private final int bitmaskShift;
    /** byte_extract variable slot for the offset, -1 when a constant. */
    public int offsetVar = -1;

    public ByteJumpMatch(int nbytes, int offset, boolean relative, boolean little, boolean string, int base,
            long multiplier, boolean align, boolean fromBeginning, boolean fromEnd, long postOffset, long bitmask) {
        this.nbytes = nbytes;
        this.offset = offset;
        this.relative = relative;
        this.little = little;
        this.string = string;
        this.base = base;
        this.multiplier = multiplier;
        this.align = align;
        this.fromBeginning = fromBeginning;
        this.fromEnd = fromEnd;
        this.postOffset = postOffset;
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
        long at = (relative ? (long) ctx.cursor : 0L) + offset;
        if (relative && len - (long) ctx.cursor - offset <= 0) {
            return NO_MATCH;
        }
        if (at < 0 || nbytes > len - at || nbytes == 0) {
            return NO_MATCH;
        }
        long val;
        int extracted;
        long[] out = ctx.scratch;
        {
            extracted = string ? ByteExtract.extractString(buf, off + (int) at, nbytes, base, out)
                    : ByteExtract.extractNumeric(buf, off + (int) at, nbytes, little, out);
            if (extracted <= 0) {
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
        val *= multiplier;
        if (align && (val % 4) != 0) {
            val += 4 - (val % 4);
        }
        val += postOffset;
        long jump;
        if (fromBeginning) {
            jump = val;
        } else if (fromEnd) {
            jump = len + val;
        } else {
            jump = at + extracted + val;
        }
        if (jump < 0) {
            jump = 0;
        } else if (jump > len) {
            return NO_MATCH;
        }
        ctx.cursor = (int) jump;
        return PayloadInspector.next(els, i, buf, off, len, ctx);
    }
}
