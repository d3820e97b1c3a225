package io.crowsnest.applayer.http;

import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * One Content-Encoding layer (gzip or deflate), streaming: bytes in, decompressed bytes out to the next
 * stage. Tolerant like libhtp: the actual format is sniffed (gzip magic, zlib header, else raw deflate),
 * and when the data does not inflate the layer passes the remaining bytes through unchanged. Output is
 * bounded by the caller's sink, which may ask to stop ({@link Sink#accept} returning false).
 */
final class ContentDecoder {
    interface Sink {
        /** Takes decoded bytes; returns false when it wants no more (limit reached). */
        boolean accept(byte[] b, int off, int len);
    }

    private static final int HEADER_MAX = 1024;
    private final Sink next;
    private final byte[] out;
    private Inflater inflater;
    private final byte[] head = new byte[HEADER_MAX];
    private int headLen;
    /** 0 sniffing, 1 inflating, 2 passthrough, 3 finished, 4 stopped. */
    private int mode;
    private final boolean expectGzip;
    private long produced;

    ContentDecoder(boolean expectGzip, Sink next, byte[] scratch) {
        this.expectGzip = expectGzip;
        this.next = next;
        this.out = scratch;
    }

    /** Feeds compressed bytes; returns false when the downstream wants no more. */
    boolean feed(byte[] b, int off, int len) {
        if (len <= 0) {
            return mode != 4;
        }
        switch (mode) {
            case 0: {
                int take = Math.min(len, HEADER_MAX - headLen);
                System.arraycopy(b, off, head, headLen, take);
                headLen += take;
                int start = sniff();
                if (start == -1) {
                    if (headLen < HEADER_MAX) {
                        return true; // need more header bytes
                    }
                    mode = 2;
                    return passthrough(head, 0, headLen) && feed(b, off + take, len - take);
                }
                if (start == -2) {
                    mode = 2;
                    return passthrough(head, 0, headLen) && feed(b, off + take, len - take);
                }
                mode = 1;
                boolean more = inflate(head, start, headLen - start);
                return more && feed(b, off + take, len - take);
            }
            case 1:
                if (produced == 0 && headLen + len <= HEADER_MAX) {
                    // nothing inflated yet: keep the input so that it can be passed through if this is no deflate
                    System.arraycopy(b, off, head, headLen, len);
                    headLen += len;
                    return inflate(head, headLen - len, len);
                }
                return inflate(b, off, len);
            case 2:
                return passthrough(b, off, len);
            case 3:
                return true; // trailer / garbage after the end of the stream
            default:
                return false;
        }
    }

    /** Offset where deflate data starts, -1 when more bytes are needed, -2 for passthrough. */
    private int sniff() {
        if (headLen < 2) {
            return -1;
        }
        int b0 = head[0] & 0xFF, b1 = head[1] & 0xFF;
        if (b0 == 0x1f && b1 == 0x8b) {
            int p = gzipHeader();
            if (p >= 0) {
                inflater = new Inflater(true);
            }
            return p;
        }
        if ((b0 & 0x0F) == 8 && ((b0 << 8) | b1) % 31 == 0) {
            inflater = new Inflater(false);
            return 0;
        }
        inflater = new Inflater(true);
        return 0;
    }

    private int gzipHeader() {
        if (headLen < 10) {
            return -1;
        }
        if ((head[2] & 0xFF) != 8) {
            return -2;
        }
        int flg = head[3] & 0xFF;
        int p = 10;
        if ((flg & 4) != 0) {
            if (headLen < p + 2) {
                return -1;
            }
            p += 2 + ((head[p] & 0xFF) | (head[p + 1] & 0xFF) << 8);
        }
        if ((flg & 8) != 0) {
            while (p < headLen && head[p] != 0) {
                p++;
            }
            p++;
        }
        if ((flg & 16) != 0) {
            while (p < headLen && head[p] != 0) {
                p++;
            }
            p++;
        }
        if ((flg & 2) != 0) {
            p += 2;
        }
        return p > headLen ? -1 : p;
    }

    private boolean inflate(byte[] b, int off, int len) {
        inflater.setInput(b, off, len);
        try {
            while (true) {
                int n = inflater.inflate(out, 0, out.length);
                produced += n;
                if (n > 0 && !next.accept(out, 0, n)) {
                    mode = 4;
                    end();
                    return false;
                }
                if (inflater.finished()) {
                    mode = 3;
                    end();
                    return true;
                }
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    return true;
                }
            }
        } catch (DataFormatException e) {
            // not (or no longer) deflate data: hand on the rest as is, as libhtp does
            int rest = inflater.getRemaining();
            long consumed = inflater.getBytesRead();
            end();
            mode = 2;
            if (produced == 0) {
                // nothing inflated: the data was never compressed; hand on all of it (libhtp passthrough)
                if (b == head) {
                    return passthrough(head, 0, headLen);
                }
                headLen = 0; // the kept input overflowed: pass on what is left
                if (headLen > 0 && !passthrough(head, 0, headLen)) {
                    return false;
                }
                return passthrough(b, off, len);
            }
            return passthrough(b, off + len - rest, rest);
        }
    }

    private boolean passthrough(byte[] b, int off, int len) {
        if (len > 0 && !next.accept(b, off, len)) {
            mode = 4;
            return false;
        }
        return true;
    }

    void end() {
        if (inflater != null) {
            inflater.end();
            inflater = null;
        }
    }
}
