package io.crowsnest.fuzz;

/**
 * A fuzz input read as a conversation: pieces, each a 2-byte big-endian header (top bit: client to server;
 * low 15 bits: length) and that many bytes (fewer when the input ends first). make_seeds.py writes seeds in
 * this form from real captures, so a seed is the byte stream a parser sees on the wire, split where the
 * capture's segments were.
 */
final class Pieces {
    private Pieces() {}

    interface Sink {
        void piece(boolean toServer, byte[] b, int off, int len);
    }

    /**
     * Hands each piece to {@code sink} in its own array, one byte in and ending where the piece ends: a
     * parser that reads past its piece throws, one that ignores the offset reads the wrong byte.
     */
    static void feed(byte[] in, Sink sink) {
        int i = 0;
        while (i + 2 <= in.length) {
            int h = (in[i] & 0xFF) << 8 | (in[i + 1] & 0xFF);
            i += 2;
            int len = Math.min(h & 0x7FFF, in.length - i);
            byte[] piece = new byte[1 + len];
            piece[0] = (byte) 0xEE;
            System.arraycopy(in, i, piece, 1, len);
            i += len;
            sink.piece((h & 0x8000) != 0, piece, 1, len);
        }
    }
}
