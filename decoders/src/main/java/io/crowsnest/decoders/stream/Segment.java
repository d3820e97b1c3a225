package io.crowsnest.decoders.stream;

/** One buffered out-of-order piece of a stream (pooled; {@link SegmentPool}). */
final class Segment {
    int seq;
    int len;
    byte[] buf;
    Segment next;

    int end() {
        return seq + len;
    }
}
