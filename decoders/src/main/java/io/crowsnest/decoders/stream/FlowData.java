package io.crowsnest.decoders.stream;

/** Per-flow state a higher layer (the app layer) keeps on a pooled flow; reset when the flow is recycled. */
public interface FlowData {
    void reset();
}
