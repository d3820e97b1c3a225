package io.crowsnest.capture.file;

import io.crowsnest.decoders.Packet;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * pcapng: a sequence of blocks (type, total length, body, total length again). Each Section
 * Header Block sets the byte order of the blocks that follow and starts a new interface list;
 * Interface Description Blocks define link type, snaplen and timestamp resolution; packets come
 * in Enhanced, Simple or (obsolete) Packet Blocks. Every other block type is skipped by length.
 */
final class PcapngReader extends RecordReader {
    static final int SECTION_HEADER_BLOCK = 0x0A0D0D0A; // a palindrome: reads the same in both orders
    static final int INTERFACE_DESCRIPTION_BLOCK = 1;
    static final int PACKET_BLOCK = 2;
    static final int SIMPLE_PACKET_BLOCK = 3;
    static final int ENHANCED_PACKET_BLOCK = 6;
    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;

    private static final int OPT_END = 0;
    private static final int OPT_IF_TSRESOL = 9;
    private static final int OPT_IF_TSOFFSET = 14;

    /** Block type + leading length + trailing length. */
    private static final int BLOCK_OVERHEAD = 12;
    private static final int MIN_SECTION_HEADER_BYTES = 28;
    private static final int MIN_INTERFACE_BLOCK_BYTES = 20;
    private static final int MIN_ENHANCED_PACKET_BYTES = 32;
    private static final int MIN_PACKET_BLOCK_BYTES = 32;
    private static final int MIN_SIMPLE_PACKET_BYTES = 16;

    private final PcapngInterfaces interfaces = new PcapngInterfaces();

    PcapngReader(Path path, MappedFile file) throws IOException {
        super(path, file);
        position = readSectionHeader(0);
    }

    @Override
    CaptureFormat format() {
        return CaptureFormat.PCAPNG;
    }

    @Override
    int linkType() {
        return interfaces.count() > 0 ? interfaces.linkType(0) : -1;
    }

    @Override
    boolean next(Packet p) throws IOException {
        long size = file.size();
        while (true) {
            long pos = position;
            if (pos == size) {
                return false;
            }
            if (size - pos < BLOCK_OVERHEAD) {
                throw damaged(pos, "truncated pcapng block header at byte offset " + pos
                        + " (file is " + size + " bytes)");
            }
            int index = file.index(pos, 8);
            int type = file.buffer().getInt(index);
            if (type == SECTION_HEADER_BLOCK) {
                position = readSectionHeader(pos);
                continue;
            }
            int length = checkedLength(pos, Integer.toUnsignedLong(file.buffer().getInt(index + 4)), BLOCK_OVERHEAD);
            index = file.index(pos, length);
            checkTrailingLength(pos, index, length);
            boolean delivered;
            switch (type) {
                case ENHANCED_PACKET_BLOCK:
                    delivered = readEnhancedPacket(p, pos, index, length);
                    break;
                case SIMPLE_PACKET_BLOCK:
                    delivered = readSimplePacket(p, pos, index, length);
                    break;
                case PACKET_BLOCK:
                    delivered = readObsoletePacket(p, pos, index, length);
                    break;
                case INTERFACE_DESCRIPTION_BLOCK:
                    readInterfaceDescription(pos, index, length);
                    delivered = false;
                    break;
                default:
                    delivered = false; // NRB, ISB, DSB, custom, …: not needed for packets
            }
            position = pos + length;
            if (delivered) {
                return true;
            }
        }
    }

    /** Parses the SHB at {@code pos}, switching byte order and resetting interfaces; returns the next block's offset. */
    private long readSectionHeader(long pos) throws IOException {
        long size = file.size();
        if (size - pos < BLOCK_OVERHEAD) {
            throw damaged(pos, "truncated pcapng section header block at byte offset " + pos
                    + " (file is " + size + " bytes)");
        }
        file.order(ByteOrder.BIG_ENDIAN);
        int index = file.index(pos, BLOCK_OVERHEAD);
        int magic = file.buffer().getInt(index + 8);
        if (magic == BYTE_ORDER_MAGIC) {
            file.order(ByteOrder.BIG_ENDIAN);
        } else if (magic == Integer.reverseBytes(BYTE_ORDER_MAGIC)) {
            file.order(ByteOrder.LITTLE_ENDIAN);
        } else {
            throw damaged(pos, String.format("pcapng section header block at byte offset %d has a bad byte-order magic 0x%08x",
                    pos, magic));
        }
        int length = checkedLength(pos, Integer.toUnsignedLong(file.buffer().getInt(index + 4)), MIN_SECTION_HEADER_BYTES);
        index = file.index(pos, length);
        checkTrailingLength(pos, index, length);
        ByteBuffer b = file.buffer();
        int major = Short.toUnsignedInt(b.getShort(index + 12));
        if (major != 1) {
            int minor = Short.toUnsignedInt(b.getShort(index + 14));
            throw damaged(pos, "pcapng section header block at byte offset " + pos
                    + " has unsupported version " + major + "." + minor);
        }
        interfaces.clear();
        return pos + length;
    }

    private void readInterfaceDescription(long pos, int index, int length) throws IOException {
        if (length < MIN_INTERFACE_BLOCK_BYTES) {
            throw invalidLength(pos, length);
        }
        ByteBuffer b = file.buffer();
        int linkType = Short.toUnsignedInt(b.getShort(index + 8));
        long snaplen = Integer.toUnsignedLong(b.getInt(index + 12));
        int tsresol = PcapngInterfaces.DEFAULT_TSRESOL;
        long tsOffset = 0;

        int option = index + 16;
        int end = index + length - 4;
        while (end - option >= 4) {
            int code = Short.toUnsignedInt(b.getShort(option));
            int optionLength = Short.toUnsignedInt(b.getShort(option + 2));
            if (code == OPT_END) {
                break;
            }
            if (optionLength > end - option - 4) {
                throw damaged(pos, "pcapng interface description block at byte offset " + pos
                        + " has option " + code + " of " + optionLength + " bytes running past the block end");
            }
            if (code == OPT_IF_TSRESOL && optionLength >= 1) {
                tsresol = Byte.toUnsignedInt(b.get(option + 4));
            } else if (code == OPT_IF_TSOFFSET && optionLength >= 8) {
                tsOffset = b.getLong(option + 4);
            }
            option += 4 + ((optionLength + 3) & ~3);
        }
        if (!PcapngInterfaces.isSupportedResolution(tsresol)) {
            throw damaged(pos, String.format("pcapng interface description block at byte offset %d has unsupported if_tsresol 0x%02x",
                    pos, tsresol));
        }
        interfaces.add(linkType, snaplen, tsresol, tsOffset);
    }

    private boolean readEnhancedPacket(Packet p, long pos, int index, int length) throws IOException {
        if (length < MIN_ENHANCED_PACKET_BYTES) {
            throw invalidLength(pos, length);
        }
        ByteBuffer b = file.buffer();
        int interfaceId = checkedInterface(pos, Integer.toUnsignedLong(b.getInt(index + 8)), "enhanced packet");
        long timestamp = (Integer.toUnsignedLong(b.getInt(index + 12)) << 32) | Integer.toUnsignedLong(b.getInt(index + 16));
        long captured = Integer.toUnsignedLong(b.getInt(index + 20));
        long original = Integer.toUnsignedLong(b.getInt(index + 24));
        checkCapturedFits(pos, "enhanced packet", captured, length - MIN_ENHANCED_PACKET_BYTES);
        interfaces.setTimestamp(interfaceId, timestamp, p);
        p.linkType = interfaces.linkType(interfaceId);
        p.interfaceId = interfaceId;
        deliver(p, index + 28, (int) captured, clampToInt(original));
        return true;
    }

    private boolean readObsoletePacket(Packet p, long pos, int index, int length) throws IOException {
        if (length < MIN_PACKET_BLOCK_BYTES) {
            throw invalidLength(pos, length);
        }
        ByteBuffer b = file.buffer();
        int interfaceId = checkedInterface(pos, Short.toUnsignedInt(b.getShort(index + 8)), "packet");
        long timestamp = (Integer.toUnsignedLong(b.getInt(index + 12)) << 32) | Integer.toUnsignedLong(b.getInt(index + 16));
        long captured = Integer.toUnsignedLong(b.getInt(index + 20));
        long original = Integer.toUnsignedLong(b.getInt(index + 24));
        checkCapturedFits(pos, "packet", captured, length - MIN_PACKET_BLOCK_BYTES);
        interfaces.setTimestamp(interfaceId, timestamp, p);
        p.linkType = interfaces.linkType(interfaceId);
        p.interfaceId = interfaceId;
        deliver(p, index + 28, (int) captured, clampToInt(original));
        return true;
    }

    /** SPBs carry no timestamp and no captured length: they belong to interface 0. */
    private boolean readSimplePacket(Packet p, long pos, int index, int length) throws IOException {
        if (length < MIN_SIMPLE_PACKET_BYTES) {
            throw invalidLength(pos, length);
        }
        checkedInterface(pos, 0, "simple packet");
        long original = Integer.toUnsignedLong(file.buffer().getInt(index + 8));
        long captured = Math.min(original, length - MIN_SIMPLE_PACKET_BYTES);
        long snaplen = interfaces.snaplen(0);
        if (snaplen != 0) {
            captured = Math.min(captured, snaplen);
        }
        p.tsSeconds = 0;
        p.tsNanos = 0;
        p.linkType = interfaces.linkType(0);
        p.interfaceId = 0;
        deliver(p, index + 12, (int) captured, clampToInt(original));
        return true;
    }

    private int checkedLength(long pos, long length, int minimum) throws CaptureFormatException {
        if (length < minimum || (length & 3) != 0 || length > MAX_RECORD_BYTES) {
            throw invalidLength(pos, length);
        }
        long size = file.size();
        if (length > size - pos) {
            throw damaged(pos, "truncated pcapng block at byte offset " + pos + ": block is " + length
                    + " bytes, " + (size - pos) + " remain (file is " + size + " bytes)");
        }
        return (int) length;
    }

    private void checkTrailingLength(long pos, int index, int length) throws CaptureFormatException {
        long trailing = Integer.toUnsignedLong(file.buffer().getInt(index + length - 4));
        if (trailing != length) {
            throw damaged(pos, "pcapng block at byte offset " + pos + " has trailing length " + trailing
                    + " but leading length " + length);
        }
    }

    private int checkedInterface(long pos, long interfaceId, String blockName) throws CaptureFormatException {
        if (interfaceId >= interfaces.count()) {
            throw damaged(pos, "pcapng " + blockName + " block at byte offset " + pos + " refers to interface "
                    + interfaceId + " but the section has " + interfaces.count());
        }
        return (int) interfaceId;
    }

    private void checkCapturedFits(long pos, String blockName, long captured, int available)
            throws CaptureFormatException {
        if (captured > available) {
            throw damaged(pos, "pcapng " + blockName + " block at byte offset " + pos + " claims " + captured
                    + " captured bytes but holds only " + available);
        }
    }

    private CaptureFormatException invalidLength(long pos, long length) {
        return damaged(pos, "pcapng block at byte offset " + pos + " has invalid length " + length);
    }
}
