package io.crowsnest.applayer;

/** A reusable view of bytes {@code buf[off, off+len)}. */
public final class Slice {
    public byte[] buf;
    public int off;
    public int len;

    public Slice set(byte[] b, int o, int l) {
        buf = b;
        off = o;
        len = l;
        return this;
    }

    public Slice set(byte[] b) {
        return set(b, 0, b == null ? 0 : b.length);
    }

    @Override
    public String toString() {
        return buf == null ? "" : new String(buf, off, len, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
