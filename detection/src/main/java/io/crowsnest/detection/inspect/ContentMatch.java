package io.crowsnest.detection.inspect;

import static io.crowsnest.detection.inspect.PayloadInspector.DISCONTINUE;
import static io.crowsnest.detection.inspect.PayloadInspector.MATCH;
import static io.crowsnest.detection.inspect.PayloadInspector.NO_MATCH;

/** A {@code content} with its modifiers (Suricata DetectContentData), and its inspection. */
public final class ContentMatch extends PayloadElement {
    public final byte[] pattern;
    /** {@link #pattern} lower-cased when {@link #nocase}, used for matching. */
    private byte[] search;
    public final boolean negated;
    public boolean nocase;
    public boolean hasOffset, hasDepth, hasDistance, hasWithin;
    public int offset, depth, distance, within;
    public boolean startsWith, endsWith;
    public boolean fastPattern, fastPatternOnly;
    /** fast_pattern:offset,length chop; {@code fpLength < 0} when not chopped. */
    public int fpOffset, fpLength = -1;
    public boolean rawbytes;
    /** byte_extract variable slots for offset/depth/distance/within, -1 when a constant. */
    public int offsetVar = -1, depthVar = -1, distanceVar = -1, withinVar = -1;

    public ContentMatch(byte[] pattern, boolean negated) {
        this.pattern = pattern;
        this.negated = negated;
        this.search = pattern;
    }

    public void setNocase() {
        nocase = true;
        search = new byte[pattern.length];
        for (int i = 0; i < pattern.length; i++) {
            search[i] = lower(pattern[i]);
        }
    }

    /** The bytes the prefilter should look for (honours the fast_pattern chop). */
    public byte[] fastPatternBytes() {
        if (fpLength < 0) {
            return pattern;
        }
        byte[] b = new byte[fpLength];
        System.arraycopy(pattern, fpOffset, b, 0, fpLength);
        return b;
    }

    @Override
    public boolean isRelative() {
        return hasDistance || hasWithin;
    }

    private boolean single() {
        return !hasDistance && !hasWithin && !hasOffset && !hasDepth && !relativeNext;
    }

    @Override
    protected int inspect(PayloadElement[] els, int i, byte[] buf, int off, int len, InspectionContext ctx) {
        final int prevBufferOffset = ctx.cursor;
        final int plen = pattern.length;
        final int offset = offsetVar >= 0 ? clamp(ctx.vars[offsetVar]) : this.offset;
        final int depth = depthVar >= 0 ? clamp(ctx.vars[depthVar]) : this.depth;
        final int distance = distanceVar >= 0 ? clamp(ctx.vars[distanceVar]) : this.distance;
        final int within = withinVar >= 0 ? clamp(ctx.vars[withinVar]) : this.within;
        long prevOffset = 0;
        while (true) {
            long start, end;
            if (hasDistance || hasWithin) {
                start = prevBufferOffset;
                end = len;
                long dist = hasDistance ? distance : 0;
                if (hasDistance) {
                    start = (dist < 0 && -dist > start) ? 0 : start + dist;
                }
                if (hasWithin) {
                    long w = (long) prevBufferOffset + within + dist;
                    if (w < end) {
                        end = w;
                    }
                }
                if (hasDepth) {
                    long d = (long) prevBufferOffset + depth;
                    if (d < end) {
                        end = d;
                    }
                }
                if (hasOffset && offset > start) {
                    start = offset;
                }
            } else {
                end = hasDepth ? (long) offset + depth : len;
                start = offset;
            }
            if (prevOffset != 0) {
                start = prevOffset;
            }
            if (end > len) {
                end = len;
            }
            int found;
            if (start > end || end <= 0 || end < 0) {
                found = -1;
            } else if (endsWith) {
                long cand = len - plen;
                found = (end < len || cand < start || cand < 0 || !eq(buf, off + (int) cand)) ? -1 : (int) cand;
            } else {
                found = find(buf, off, (int) start, (int) end);
            }
            if (found < 0) {
                if (negated) {
                    return PayloadInspector.next(els, i, buf, off, len, ctx);
                }
                return (hasDistance || hasWithin) ? NO_MATCH : DISCONTINUE;
            }
            if (negated) {
                return single() ? DISCONTINUE : NO_MATCH;
            }
            int matchEnd = found + plen;
            ctx.cursor = matchEnd;
            if (!relativeNext) {
                return PayloadInspector.next(els, i, buf, off, len, ctx);
            }
            int r = PayloadInspector.next(els, i, buf, off, len, ctx);
            if (r != NO_MATCH) {
                return r;
            }
            prevOffset = found + 1;
        }
    }

    private static int clamp(long v) {
        return (int) Math.max(-(1 << 24), Math.min(1 << 24, v));
    }

    /** First start in [start, end - plen] (relative to off) where the pattern occurs, or -1. */
    private int find(byte[] buf, int off, int start, int end) {
        final byte[] s = search;
        final int plen = s.length;
        final int last = end - plen;
        if (plen == 0 || last < start) {
            return -1;
        }
        final byte first = s[0];
        if (nocase) {
            for (int p = start; p <= last; p++) {
                if (lower(buf[off + p]) == first && eq(buf, off + p)) {
                    return p;
                }
            }
        } else {
            for (int p = start; p <= last; p++) {
                if (buf[off + p] == first && eq(buf, off + p)) {
                    return p;
                }
            }
        }
        return -1;
    }

    private boolean eq(byte[] buf, int at) {
        final byte[] s = search;
        if (at < 0 || at + s.length > buf.length) {
            return false;
        }
        if (nocase) {
            for (int k = 0; k < s.length; k++) {
                if (lower(buf[at + k]) != s[k]) {
                    return false;
                }
            }
        } else {
            for (int k = 0; k < s.length; k++) {
                if (buf[at + k] != s[k]) {
                    return false;
                }
            }
        }
        return true;
    }

    private static byte lower(byte b) {
        return (b >= 'A' && b <= 'Z') ? (byte) (b + 32) : b;
    }

    @Override
    public String toString() {
        return "content:" + (negated ? "!" : "") + '"' + new String(pattern, java.nio.charset.StandardCharsets.ISO_8859_1) + '"';
    }
}
