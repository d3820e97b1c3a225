package io.crowsnest.detection.inspect;

import static io.crowsnest.detection.inspect.PayloadInspector.DISCONTINUE;

/**
 * Suricata's {@code asn1} keyword: decodes the BER objects at an offset of the buffer and matches when one
 * of them, at any depth, shows the malformation asked for:
 * <ul>
 *   <li>{@code bitstring_overflow}: a primitive universal BIT STRING whose unused-bits count is larger than
 *       its length in bits;</li>
 *   <li>{@code double_overflow}: a primitive universal REAL longer than 256 bytes in decimal (ASCII)
 *       encoding (the MSASN1 overflow);</li>
 *   <li>{@code oversize_length N}: an object whose length is greater than N.</li>
 * </ul>
 * As Suricata: decoding starts at {@code absolute_offset}, else at {@code relative_offset} from the end of
 * the last content match, else at 0; consecutive top-level objects are decoded until the buffer ends or
 * one does not decode (an object that does not decode, e.g. one longer than the bytes left, is not
 * checked); more than {@link #maxFrames} top-level objects or nesting deeper than that is no match.
 * Allocation-free; the work is bounded by the buffer length. It does not validate universal types
 * beyond what the checks read (der-parser also rejects e.g. a BOOLEAN that is not one byte long).
 */
public final class Asn1Match extends PayloadElement {
    /** Suricata's default asn1-max-frames. */
    public static final int DEFAULT_MAX_FRAMES = 30;

    final boolean bitstringOverflow, doubleOverflow;
    /** -1: not checked. */
    final long oversizeLength;
    /** -1: none. */
    final int absoluteOffset;
    final boolean hasRelative;
    final int relativeOffset;
    final int maxFrames;
    private final String text;

    public Asn1Match(boolean bitstringOverflow, boolean doubleOverflow, long oversizeLength, int absoluteOffset,
            boolean hasRelative, int relativeOffset, int maxFrames, String text) {
        this.bitstringOverflow = bitstringOverflow;
        this.doubleOverflow = doubleOverflow;
        this.oversizeLength = oversizeLength;
        this.absoluteOffset = absoluteOffset;
        this.hasRelative = hasRelative;
        this.relativeOffset = relativeOffset;
        this.maxFrames = maxFrames;
        this.text = text;
    }

    @Override
    public boolean isRelative() {
        return false; // reads the cursor but does not constrain where the previous content matched
    }

    @Override
    protected int inspect(PayloadElement[] els, int i, byte[] buf, int off, int len, InspectionContext ctx) {
        long start = 0;
        if (absoluteOffset >= 0) {
            start = absoluteOffset;
        } else if (hasRelative) {
            start = (long) ctx.cursor + relativeOffset;
            if (start < 0 || start > 0xFFFF) {
                return DISCONTINUE; // Suricata: an offset outside 0..65535 is an error, no match
            }
        }
        if (start >= len) {
            return DISCONTINUE;
        }
        // as Suricata, the payload is inspected first and asn1 after it: no backtracking into the contents
        return matches(buf, off + (int) start, off + len) ? PayloadInspector.next(els, i, buf, off, len, ctx)
                : DISCONTINUE;
    }

    /** True when the objects in {@code b[from, end)} show a requested malformation. */
    boolean matches(byte[] b, int from, int end) {
        int p = from;
        int frames = 0;
        boolean hit = false;
        while (p < end) {
            if (frames >= maxFrames) {
                return false; // Suricata: too many frames is a decode error, nothing is checked
            }
            long r = object(b, p, end, 1);
            if (r < 0) {
                break; // this object does not decode: it and what follows are not checked
            }
            frames++;
            hit |= (r & 1) != 0;
            p = (int) (r >>> 1);
        }
        return hit;
    }

    /**
     * Decodes the object at {@code p} (within {@code end}) at nesting {@code depth}: -1 when it does not
     * decode, else (position after it) << 1 | (1 when it or an object inside it matched).
     */
    private long object(byte[] b, int p, int end, int depth) {
        if (depth > maxFrames || p >= end) {
            return -1;
        }
        int id = b[p++] & 0xFF;
        boolean constructed = (id & 0x20) != 0;
        boolean universal = (id & 0xC0) == 0;
        long tag = id & 0x1F;
        if (tag == 0x1F) { // high tag number: base-128 digits
            tag = 0;
            int digits = 0;
            while (true) {
                if (p >= end || ++digits > 5) {
                    return -1;
                }
                int c = b[p++] & 0xFF;
                tag = tag << 7 | (c & 0x7F);
                if ((c & 0x80) == 0) {
                    break;
                }
            }
        }
        if (p >= end) {
            return -1;
        }
        int l0 = b[p++] & 0xFF;
        long declared;
        boolean indefinite = false;
        if (l0 < 0x80) {
            declared = l0;
        } else if (l0 == 0x80) {
            if (!constructed) {
                return -1; // indefinite length only for constructed encodings
            }
            indefinite = true;
            declared = 0;
        } else {
            int n = l0 & 0x7F;
            if (n > 8 || n == 0x7F || p + n > end) {
                return -1;
            }
            declared = 0;
            for (int k = 0; k < n; k++) {
                declared = declared << 8 | (b[p++] & 0xFF);
            }
            if (declared < 0) {
                return -1;
            }
        }
        boolean hit = false;
        int contentStart = p;
        int after;
        if (indefinite) {
            int q = p;
            while (true) {
                if (q + 2 <= end && b[q] == 0 && b[q + 1] == 0) {
                    after = q + 2;
                    break;
                }
                long r = object(b, q, end, depth + 1);
                if (r < 0) {
                    return -1;
                }
                hit |= (r & 1) != 0;
                q = (int) (r >>> 1);
            }
            declared = after - 2 - contentStart;
        } else {
            if (declared > end - p) {
                return -1; // longer than the bytes left: does not decode
            }
            after = p + (int) declared;
            if (constructed) {
                int q = p;
                while (q < after) {
                    long r = object(b, q, after, depth + 1);
                    if (r < 0) {
                        return -1;
                    }
                    hit |= (r & 1) != 0;
                    q = (int) (r >>> 1);
                }
            }
        }
        if (oversizeLength >= 0 && declared > oversizeLength) {
            hit = true;
        }
        if (universal && !constructed) {
            if (tag == 3) { // BIT STRING: the first content byte counts the unused bits
                if (declared == 0) {
                    return -1;
                }
                if (bitstringOverflow && (b[contentStart] & 0xFF) > declared * 8) {
                    hit = true;
                }
            } else if (tag == 9 && doubleOverflow && declared > 256 && (b[contentStart] & 0xC0) == 0) {
                hit = true; // REAL in decimal encoding, longer than MSASN1's 256-byte buffer
            }
        }
        return (long) after << 1 | (hit ? 1 : 0);
    }

    @Override
    public String toString() {
        return text;
    }
}
