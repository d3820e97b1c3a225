package io.crowsnest.capture.file;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-only pcapng writer: builds blocks byte by byte so tests control every field, byte order
 * and section boundary. Remembers where each block starts and whether it carries a packet, so
 * truncation tests know which records are complete before a cut.
 */
final class PcapngBuilder {
    /** One block as written: where it starts, how long it is, whether it holds a packet. */
    record Block(long offset, int length, boolean packet) {}

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final List<Block> blocks = new ArrayList<>();
    private ByteOrder order = ByteOrder.LITTLE_ENDIAN;

    PcapngBuilder section(ByteOrder byteOrder) {
        order = byteOrder;
        ByteBuffer body = body(16);
        body.putInt(PcapngReader.BYTE_ORDER_MAGIC).putShort((short) 1).putShort((short) 0).putLong(-1L);
        return block(PcapngReader.SECTION_HEADER_BLOCK, body, false);
    }

    /** IDB; {@code tsresol} / {@code tsOffset} are written as options when not null. */
    PcapngBuilder interfaceBlock(int linkType, int snaplen, Integer tsresol, Long tsOffset) {
        ByteBuffer body = body(8 + 8 + 12 + 16 + 4);
        body.putShort((short) linkType).putShort((short) 0).putInt(snaplen);
        body.putShort((short) 2).putShort((short) 3).put(new byte[] {'e', 't', 'h', 0}); // if_name "eth", padded
        if (tsresol != null) {
            body.putShort((short) 9).putShort((short) 1).put(tsresol.byteValue()).put(new byte[3]);
        }
        if (tsOffset != null) {
            body.putShort((short) 14).putShort((short) 8).putLong(tsOffset);
        }
        body.putShort((short) 0).putShort((short) 0); // opt_endofopt
        return block(PcapngReader.INTERFACE_DESCRIPTION_BLOCK, body, false);
    }

    PcapngBuilder enhancedPacket(int interfaceId, long timestamp, byte[] data, int originalLength) {
        ByteBuffer body = body(20 + pad(data.length) + 12);
        body.putInt(interfaceId).putInt((int) (timestamp >>> 32)).putInt((int) timestamp)
                .putInt(data.length).putInt(originalLength).put(data).put(new byte[pad(data.length) - data.length]);
        body.putShort((short) 1).putShort((short) 4).put(new byte[] {'h', 'i', '!', 0}); // opt_comment
        body.putShort((short) 0).putShort((short) 0);
        return block(PcapngReader.ENHANCED_PACKET_BLOCK, body, true);
    }

    PcapngBuilder simplePacket(byte[] data, int originalLength) {
        ByteBuffer body = body(4 + pad(data.length));
        body.putInt(originalLength).put(data).put(new byte[pad(data.length) - data.length]);
        return block(PcapngReader.SIMPLE_PACKET_BLOCK, body, true);
    }

    PcapngBuilder obsoletePacket(int interfaceId, long timestamp, byte[] data, int originalLength) {
        ByteBuffer body = body(20 + pad(data.length));
        body.putShort((short) interfaceId).putShort((short) 0)
                .putInt((int) (timestamp >>> 32)).putInt((int) timestamp)
                .putInt(data.length).putInt(originalLength).put(data).put(new byte[pad(data.length) - data.length]);
        return block(PcapngReader.PACKET_BLOCK, body, true);
    }

    /** A block the reader must skip (NRB, ISB, custom …), filled with junk. */
    PcapngBuilder otherBlock(int type, int bodyBytes) {
        ByteBuffer body = body(pad(bodyBytes));
        for (int i = 0; i < body.capacity(); i++) {
            body.put((byte) (0xA5 ^ i));
        }
        return block(type, body, false);
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    List<Block> blocks() {
        return blocks;
    }

    private ByteBuffer body(int bytes) {
        return ByteBuffer.allocate(bytes).order(order);
    }

    private PcapngBuilder block(int type, ByteBuffer body, boolean packet) {
        int used = body.position();
        int length = 12 + used;
        ByteBuffer block = ByteBuffer.allocate(length).order(order);
        block.putInt(type).putInt(length).put(body.array(), 0, used).putInt(length);
        blocks.add(new Block(out.size(), length, packet));
        out.writeBytes(block.array());
        return this;
    }

    private static int pad(int n) {
        return (n + 3) & ~3;
    }
}
