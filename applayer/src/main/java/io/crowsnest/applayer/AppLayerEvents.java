package io.crowsnest.applayer;

import java.util.Map;

/**
 * The app-layer events the parsers raise on transactions ({@link Transaction#addEvent}), by the name the
 * {@code app-layer-event} keyword uses, with the protocol and the direction they belong to. Rules on
 * events not listed here stay waiting: the parsers never raise them.
 */
public final class AppLayerEvents {
    private AppLayerEvents() {}

    /** A request Transfer-Encoding that is not exactly "chunked" (libhtp's INVALID_T_E). */
    public static final String HTTP_INVALID_TE_REQUEST = "http.invalid_transfer_encoding_value_in_request";

    /** Event name to {@code {AppProto, Buf.DIR_*}}. */
    private static final Map<String, int[]> KNOWN = Map.of(
            HTTP_INVALID_TE_REQUEST, new int[] {AppProto.HTTP, Buf.DIR_TO_SERVER});

    /** The protocol of a raised event, or -1 when no parser raises it. */
    public static int proto(String event) {
        int[] k = KNOWN.get(event);
        return k == null ? -1 : k[0];
    }

    /** The direction (Buf.DIR_*) of a raised event; only for events {@link #proto} knows. */
    public static int direction(String event) {
        return KNOWN.get(event)[1];
    }
}
