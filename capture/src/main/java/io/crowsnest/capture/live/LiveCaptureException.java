package io.crowsnest.capture.live;

/**
 * A live-capture failure with a one-line, user-facing message (missing capability, missing
 * libpcap, no such interface …). Callers print {@link #getMessage()} and exit; no stack trace.
 */
public final class LiveCaptureException extends RuntimeException {
    public LiveCaptureException(String message) {
        super(message, null, false, false);
    }
}
