package io.crowsnest.capture.file;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A capture file is damaged (truncated, corrupt) or not a capture file at all.
 *
 * <p>The message is one line naming the file and the byte offset of the damaged record or
 * block, so it can go straight into a log or an error report; {@link #offset()} gives the same
 * offset to code. Every record before that offset has already been delivered normally.
 */
public final class CaptureFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long offset;

    /**
     * @param file   the capture file
     * @param offset byte offset of the damaged record/block (0 for a bad file header)
     * @param detail what is wrong, already containing the offset, e.g.
     *               {@code "truncated record header at byte offset 40 (file is 50 bytes)"}
     */
    public CaptureFormatException(Path file, long offset, String detail) {
        super(displayName(file) + ": " + detail);
        this.file = file;
        this.offset = offset;
    }

    /** Byte offset of the damaged record or block within the file. */
    public long offset() {
        return offset;
    }

    public Path file() {
        return file;
    }

    private static String displayName(Path file) {
        Path name = file.getFileName();
        return name == null ? file.toString() : name.toString();
    }
}
