package io.crowsnest.outputs.syslog;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Decodes RELP frames ({@code TXNR SP COMMAND SP DATALEN [SP DATA] LF}) into {@link Frame}s.
 * DATA may contain line feeds (the {@code open} response does), so frames are cut by DATALEN.
 */
final class RelpFrameDecoder extends ByteToMessageDecoder {
    private static final int MAX_DATA = 128 * 1024;

    record Frame(long txnr, String command, String data) {
        /** The status code a {@code rsp} frame starts with (200 = OK), or -1. */
        int status() {
            int sp = data.indexOf(' ');
            String code = sp < 0 ? data.trim() : data.substring(0, sp);
            try {
                return Integer.parseInt(code.length() > 3 ? code.substring(0, 3) : code);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (true) {
            int start = in.readerIndex();
            int end = in.writerIndex();
            int sp1 = in.indexOf(start, Math.min(end, start + 11), (byte) ' ');
            if (sp1 < 0) {
                checkHeaderLength(end - start, 11, "txnr");
                return;
            }
            int sp2 = in.indexOf(sp1 + 1, Math.min(end, sp1 + 1 + 33), (byte) ' ');
            if (sp2 < 0) {
                checkHeaderLength(end - sp1 - 1, 33, "command");
                return;
            }
            int lenEnd = sp2 + 1;
            while (lenEnd < end && lenEnd - sp2 <= 10 && Character.isDigit(in.getByte(lenEnd))) {
                lenEnd++;
            }
            if (lenEnd == end) {
                return; // need more
            }
            long txnr = parse(in, start, sp1, "txnr");
            String command = in.toString(sp1 + 1, sp2 - sp1 - 1, StandardCharsets.US_ASCII);
            long dataLen = parse(in, sp2 + 1, lenEnd, "datalen");
            if (dataLen > MAX_DATA) {
                throw new CorruptedFrameException("RELP datalen " + dataLen + " too large");
            }
            int dataStart = dataLen > 0 ? lenEnd + 1 : lenEnd;
            int frameEnd = dataStart + (int) dataLen; // index of the trailer
            if (frameEnd >= end) {
                return; // need more
            }
            if (in.getByte(frameEnd) != '\n') {
                throw new CorruptedFrameException("RELP frame without trailer after " + command);
            }
            String data = in.toString(dataStart, (int) dataLen, StandardCharsets.UTF_8);
            in.readerIndex(frameEnd + 1);
            out.add(new Frame(txnr, command, data));
        }
    }

    private static void checkHeaderLength(int have, int max, String what) {
        if (have >= max) {
            throw new CorruptedFrameException("RELP " + what + " too long");
        }
    }

    private static long parse(ByteBuf in, int from, int to, String what) {
        if (from >= to) {
            throw new CorruptedFrameException("RELP " + what + " missing");
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            byte b = in.getByte(i);
            if (b < '0' || b > '9') {
                throw new CorruptedFrameException("RELP " + what + " not a number");
            }
            v = v * 10 + (b - '0');
        }
        return v;
    }
}
