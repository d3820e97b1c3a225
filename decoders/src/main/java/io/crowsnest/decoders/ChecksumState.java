package io.crowsnest.decoders;

/** Result of checksum validation for one layer. */
public final class ChecksumState {
    private ChecksumState() {}

    public static final int UNCHECKED = 0;
    public static final int OK = 1;
    public static final int BAD = 2;
}
