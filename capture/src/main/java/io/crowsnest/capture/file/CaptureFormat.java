package io.crowsnest.capture.file;

/** The on-disk formats {@link CaptureFileReader} understands. */
public enum CaptureFormat {
    /** Classic libpcap format (microsecond or nanosecond timestamps, either byte order). */
    PCAP,
    /** pcapng (sections, interfaces, enhanced/simple/obsolete packet blocks). */
    PCAPNG
}
