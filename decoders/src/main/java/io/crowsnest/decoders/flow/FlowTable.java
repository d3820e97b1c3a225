package io.crowsnest.decoders.flow;

/** Placeholder: implemented in the flow-table commit. */
public final class FlowTable {
}
