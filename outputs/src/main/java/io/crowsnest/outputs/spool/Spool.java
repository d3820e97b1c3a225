package io.crowsnest.outputs.spool;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * A bounded on-disk queue between the alert writer thread (one appender) and a network sender
 * (one consumer).
 *
 * <p>Layout of the directory: append-only segment files {@code spool-000001.seg}, ... holding
 * records {@code [len u32 BE][crc32c(payload) u32 BE][payload]}, and a small file {@code ack}
 * holding the last acknowledged position (segment number, byte offset, and a CRC of both),
 * replaced atomically (write {@code ack.tmp}, fsync, rename, fsync the directory). A segment is
 * deleted once every record in it is acknowledged.
 *
 * <p>Guarantees: {@link #append} writes the record into the segment file with one
 * {@code write(2)} (the page cache holds it even if the process is SIGKILLed; no fsync per
 * record, so a power loss may lose the last records) and never touches the network. A new
 * instance over the same directory resumes reading at the last persisted acknowledgement, so
 * delivery is at-least-once: records delivered after the last persisted ack are delivered again.
 *
 * <p>Cap: the bytes of all segment files never exceed {@code capBytes}. When a record does not
 * fit, policy {@link DropPolicy#NEWEST} drops the record being appended, {@link DropPolicy#OLDEST}
 * deletes the oldest segments (their unacknowledged records are lost). Either way the records
 * are counted in {@link #droppedRecords()} and reported through the error sink.
 *
 * <p>Damage: a torn record at the tail of the last segment (crash mid-write) is truncated away
 * at open; a record with a bad checksum is skipped; a record header that cannot be trusted (a
 * length beyond the segment) ends that segment for the reader. Each is reported as one line
 * naming the file and byte offset, and counted in {@link #corruptRecords()}.
 *
 * <p>Disk full (or any other I/O error while appending): the record is not spooled,
 * {@link #failedAppends()} counts it, any partial write is truncated away, and the next append
 * tries again, so appends work again once space returns.
 *
 * <p>Thread safety: one appender thread and one consumer thread (reading, acking) may use the
 * spool concurrently; the methods are serialized by a lock held only for local file I/O.
 */
public final class Spool implements Closeable {
    public enum DropPolicy { OLDEST, NEWEST }

    static final int HEADER = 8;
    private static final String PREFIX = "spool-";
    private static final String SUFFIX = ".seg";
    private static final String ACK = "ack";
    private static final String ACK_TMP = "ack.tmp";

    private final Path dir;
    private final long capBytes;
    private final long segmentBytes;
    private final int maxRecordBytes;
    private final DropPolicy policy;
    private final long ackPersistNanos;
    private final Consumer<String> errors;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition dataAvailable = lock.newCondition();

    /** Segment number -> size in bytes, oldest first; the last entry is the active one. */
    private final TreeMap<Long, Long> segments = new TreeMap<>();
    private long totalBytes;
    private FileChannel writeChannel;
    private long writeSegment;
    private boolean rollBeforeNextAppend;

    private FileChannel readChannel;
    private long readChannelSegment = -1;
    private long readSegment;
    private long readOffset;

    private long ackSegment;
    private long ackOffset;
    private long persistedAckSegment = -1;
    private long persistedAckOffset = -1;
    private long lastAckPersistNanos;

    private final CRC32C crc = new CRC32C();
    private ByteBuffer writeBuf = ByteBuffer.allocate(64 * 1024).order(ByteOrder.BIG_ENDIAN);
    private final ByteBuffer headerBuf = ByteBuffer.allocate(HEADER).order(ByteOrder.BIG_ENDIAN);

    private long appendedRecords;
    private long droppedRecords;
    private long failedAppends;
    private long corruptRecords;
    private long ackPersistFailures;
    private boolean closed;

    private Spool(Builder b) throws IOException {
        this.dir = b.dir;
        this.capBytes = b.capBytes;
        this.segmentBytes = Math.max(HEADER + 1, Math.min(b.segmentBytes, b.capBytes));
        this.maxRecordBytes = b.maxRecordBytes;
        this.policy = b.policy;
        this.ackPersistNanos = TimeUnit.MILLISECONDS.toNanos(b.ackPersistMillis);
        this.errors = b.errors;
        Files.createDirectories(dir);
        recover();
    }

    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /** Configuration of a spool. */
    public static final class Builder {
        private final Path dir;
        private long capBytes = 256L << 20;
        private long segmentBytes = 16L << 20;
        private int maxRecordBytes = 1 << 20;
        private DropPolicy policy = DropPolicy.OLDEST;
        private long ackPersistMillis = 0;
        private Consumer<String> errors = line -> System.err.println(line);

        private Builder(Path dir) {
            this.dir = dir;
        }

        /** Upper bound of the bytes of all segment files (default 256 MiB). */
        public Builder capBytes(long v) { this.capBytes = v; return this; }

        /** Size at which a segment is closed and a new one started (default 16 MiB). */
        public Builder segmentBytes(long v) { this.segmentBytes = v; return this; }

        /** Largest payload accepted (default 1 MiB); larger appends are dropped and counted. */
        public Builder maxRecordBytes(int v) { this.maxRecordBytes = v; return this; }

        public Builder dropPolicy(DropPolicy v) { this.policy = v; return this; }

        /**
         * Persist the ack file at most this often (default 0: on every {@link #ack}). A longer
         * interval trades fsyncs for more duplicates after a crash; {@link #close} always persists.
         */
        public Builder ackPersistMillis(long v) { this.ackPersistMillis = v; return this; }

        /** Receives one line per problem (corrupt record, drop, failed append). */
        public Builder errors(Consumer<String> v) { this.errors = v; return this; }

        public Spool open() throws IOException {
            return new Spool(this);
        }
    }

    // ---------------------------------------------------------------- positions

    /** A position packs a segment number (high 24 bits) and a byte offset (low 40 bits). */
    public static long position(long segment, long offset) {
        return (segment << 40) | offset;
    }

    public static long segmentOf(long position) {
        return position >>> 40;
    }

    public static long offsetOf(long position) {
        return position & ((1L << 40) - 1);
    }

    static String segmentName(long segment) {
        return String.format("%s%06d%s", PREFIX, segment, SUFFIX);
    }

    // ---------------------------------------------------------------- recovery

    private void recover() throws IOException {
        List<Long> found = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                try {
                    found.add(Long.parseLong(n.substring(PREFIX.length(), n.length() - SUFFIX.length())));
                } catch (NumberFormatException e) {
                    errors.accept("spool: ignoring unexpected file " + p);
                }
            }
        }
        Collections.sort(found);
        Files.deleteIfExists(dir.resolve(ACK_TMP));
        long[] ack = readAckFile();
        ackSegment = ack[0];
        ackOffset = ack[1];
        persistedAckSegment = ackSegment;
        persistedAckOffset = ackOffset;
        for (long seg : found) {
            if (seg < ackSegment) {
                // fully acknowledged before the crash, not yet deleted
                Files.deleteIfExists(segmentPath(seg));
                continue;
            }
            long size = Files.size(segmentPath(seg));
            segments.put(seg, size);
            totalBytes += size;
        }
        if (segments.isEmpty()) {
            long first = Math.max(1, ackSegment);
            openWriteSegment(first);
            if (ackSegment < first || ackOffset > 0) {
                ackSegment = first;
                ackOffset = 0;
            }
        } else {
            long last = segments.lastKey();
            long valid = scanValidLength(last);
            long size = segments.get(last);
            if (valid < size) {
                errors.accept("spool: " + segmentPath(last) + " offset " + valid
                        + ": torn record at the tail (" + (size - valid) + " bytes), truncated");
                corruptRecords++;
                try (FileChannel ch = FileChannel.open(segmentPath(last), StandardOpenOption.WRITE)) {
                    ch.truncate(valid);
                }
                totalBytes -= size - valid;
                segments.put(last, valid);
            }
            writeSegment = last;
            writeChannel = FileChannel.open(segmentPath(last), StandardOpenOption.WRITE);
            writeChannel.position(valid);
            // never append to a segment written by another process: start a fresh one
            rollBeforeNextAppend = true;
            if (ackSegment < segments.firstKey()) {
                ackSegment = segments.firstKey();
                ackOffset = 0;
            }
            if (segments.containsKey(ackSegment) && ackOffset > segments.get(ackSegment)) {
                errors.accept("spool: ack offset " + ackOffset + " beyond end of "
                        + segmentPath(ackSegment) + ", resuming at its end");
                ackOffset = segments.get(ackSegment);
            }
        }
        readSegment = ackSegment;
        readOffset = ackOffset;
    }

    /** Length of the prefix of a segment made of complete records (headers and lengths only). */
    private long scanValidLength(long seg) throws IOException {
        try (FileChannel ch = FileChannel.open(segmentPath(seg), StandardOpenOption.READ)) {
            long size = ch.size();
            long off = 0;
            ByteBuffer h = ByteBuffer.allocate(HEADER);
            while (off + HEADER <= size) {
                h.clear();
                readFully(ch, h, off);
                int len = h.getInt(0);
                if (len < 0 || len > maxRecordBytes || off + HEADER + len > size) {
                    break;
                }
                off += HEADER + len;
            }
            return off;
        }
    }

    private long[] readAckFile() {
        Path p = dir.resolve(ACK);
        try {
            byte[] b = Files.readAllBytes(p);
            if (b.length != 20) {
                errors.accept("spool: " + p + " offset 0: bad ack file length " + b.length + ", ignored");
                return new long[] {0, 0};
            }
            ByteBuffer bb = ByteBuffer.wrap(b);
            long seg = bb.getLong();
            long off = bb.getLong();
            int c = bb.getInt();
            CRC32C crc = new CRC32C();
            crc.update(b, 0, 16);
            if ((int) crc.getValue() != c) {
                errors.accept("spool: " + p + " offset 16: bad ack file checksum, ignored");
                return new long[] {0, 0};
            }
            return new long[] {seg, off};
        } catch (NoSuchFileException e) {
            return new long[] {0, 0};
        } catch (IOException e) {
            errors.accept("spool: cannot read " + p + ": " + e);
            return new long[] {0, 0};
        }
    }

    private Path segmentPath(long seg) {
        return dir.resolve(segmentName(seg));
    }

    private void openWriteSegment(long seg) throws IOException {
        FileChannel ch = FileChannel.open(segmentPath(seg), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.READ);
        long size = ch.size();
        ch.position(size);
        if (writeChannel != null) {
            writeChannel.close();
        }
        writeChannel = ch;
        writeSegment = seg;
        if (!segments.containsKey(seg)) {
            segments.put(seg, size);
            totalBytes += size;
        }
    }

    // ---------------------------------------------------------------- append side

    /**
     * Appends one record. Never blocks on anything but the local file. Returns false when the
     * record was not spooled (dropped by the cap policy, too large, or an I/O error); each such
     * case is counted. Under {@link DropPolicy#OLDEST} a true return may have dropped older
     * records (counted in {@link #droppedRecords()}).
     */
    public boolean append(byte[] b, int off, int len) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("spool closed");
            }
            long need = HEADER + (long) len;
            if (len > maxRecordBytes || need > capBytes) {
                droppedRecords++;
                errors.accept("spool: record of " + len + " bytes exceeds the limit, dropped");
                return false;
            }
            if (totalBytes + need > capBytes) {
                if (policy == DropPolicy.NEWEST) {
                    droppedRecords++;
                    if (droppedRecords == 1 || Long.bitCount(droppedRecords) == 1) {
                        errors.accept("spool: cap of " + capBytes + " bytes reached, dropping newest ("
                                + droppedRecords + " dropped so far)");
                    }
                    return false;
                }
                if (!makeRoomDroppingOldest(need)) {
                    return false;
                }
            }
            try {
                if (rollBeforeNextAppend || (segments.get(writeSegment) > 0
                        && segments.get(writeSegment) + need > segmentBytes)) {
                    openWriteSegment(writeSegment + 1);
                    rollBeforeNextAppend = false;
                }
            } catch (IOException e) {
                failedAppends++;
                reportFailure("cannot create " + segmentPath(writeSegment + 1), e);
                return false;
            }
            long before = segments.get(writeSegment);
            ByteBuffer buf = writeBuffer((int) need);
            crc.reset();
            crc.update(b, off, len);
            buf.putInt(len).putInt((int) crc.getValue()).put(b, off, len).flip();
            try {
                while (buf.hasRemaining()) {
                    writeChannel.write(buf);
                }
            } catch (IOException e) {
                failedAppends++;
                reportFailure("append to " + segmentPath(writeSegment) + " at offset " + before, e);
                undoPartialWrite(before);
                return false;
            }
            segments.put(writeSegment, before + need);
            totalBytes += need;
            appendedRecords++;
            dataAvailable.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void reportFailure(String what, IOException e) {
        // one line per power-of-two count so a full disk does not flood the log
        if (failedAppends == 1 || Long.bitCount(failedAppends) == 1) {
            errors.accept("spool: " + what + " failed (" + e.getMessage() + "), " + failedAppends
                    + " failed appends so far");
        }
    }

    private void undoPartialWrite(long before) {
        try {
            if (writeChannel.size() > before) {
                writeChannel.truncate(before);
            }
            writeChannel.position(before);
        } catch (IOException e) {
            // cannot repair this segment: leave the torn bytes (the reader reports and skips
            // them) and continue in a new segment
            errors.accept("spool: cannot truncate " + segmentPath(writeSegment) + " back to offset "
                    + before + " (" + e.getMessage() + "), continuing in a new segment");
            try {
                long size = writeChannel.size();
                totalBytes += size - segments.get(writeSegment);
                segments.put(writeSegment, size);
            } catch (IOException ignored) {
                // size unknown; keep the old figure
            }
            rollBeforeNextAppend = true;
        }
    }

    private ByteBuffer writeBuffer(int need) {
        if (writeBuf.capacity() < need) {
            writeBuf = ByteBuffer.allocate(Math.max(need, writeBuf.capacity() * 2));
        }
        writeBuf.clear();
        return writeBuf;
    }

    /** Deletes oldest segments until {@code need} more bytes fit; counts the records lost. */
    private boolean makeRoomDroppingOldest(long need) {
        while (totalBytes + need > capBytes) {
            long oldest = segments.firstKey();
            if (oldest == writeSegment) {
                // the active segment is the only one: close it so it can go
                try {
                    openWriteSegment(writeSegment + 1);
                    rollBeforeNextAppend = false;
                } catch (IOException e) {
                    failedAppends++;
                    reportFailure("cannot create " + segmentPath(writeSegment + 1), e);
                    return false;
                }
            }
            long size = segments.get(oldest);
            long from = oldest == ackSegment ? ackOffset : 0;
            long lost = countRecords(oldest, from, size);
            droppedRecords += lost;
            errors.accept("spool: cap of " + capBytes + " bytes reached, deleted " + segmentPath(oldest)
                    + " with " + lost + " unacknowledged records (" + droppedRecords + " dropped so far)");
            deleteSegment(oldest);
        }
        return true;
    }

    private long countRecords(long seg, long from, long size) {
        long n = 0;
        try (FileChannel ch = FileChannel.open(segmentPath(seg), StandardOpenOption.READ)) {
            ByteBuffer h = ByteBuffer.allocate(HEADER);
            long off = from;
            while (off + HEADER <= size) {
                h.clear();
                readFully(ch, h, off);
                int len = h.getInt(0);
                if (len < 0 || off + HEADER + len > size) {
                    break;
                }
                n++;
                off += HEADER + len;
            }
        } catch (IOException e) {
            errors.accept("spool: cannot count records of " + segmentPath(seg) + ": " + e.getMessage());
        }
        return n;
    }

    private void deleteSegment(long seg) {
        Long size = segments.remove(seg);
        if (size != null) {
            totalBytes -= size;
        }
        if (readChannelSegment == seg) {
            closeReadChannel();
        }
        try {
            Files.deleteIfExists(segmentPath(seg));
        } catch (IOException e) {
            errors.accept("spool: cannot delete " + segmentPath(seg) + ": " + e.getMessage());
        }
        long first = segments.isEmpty() ? writeSegment : segments.firstKey();
        if (readSegment < first) {
            readSegment = first;
            readOffset = 0;
        }
        if (ackSegment < first) {
            ackSegment = first;
            ackOffset = 0;
        }
    }

    // ---------------------------------------------------------------- read side

    /** Records read by {@link #poll}: payloads packed in one reusable array. */
    public static final class Batch {
        private byte[] data = new byte[64 * 1024];
        private int[] offsets = new int[64];
        private int[] lengths = new int[64];
        private int count;
        private int used;
        private long endPosition;

        public int size() { return count; }

        public byte[] data() { return data; }

        public int offset(int i) { return offsets[i]; }

        public int length(int i) { return lengths[i]; }

        public byte[] copy(int i) {
            byte[] r = new byte[lengths[i]];
            System.arraycopy(data, offsets[i], r, 0, r.length);
            return r;
        }

        /** Position just after the last record of the batch: pass it to {@link Spool#ack}. */
        public long endPosition() { return endPosition; }

        void clear() {
            count = 0;
            used = 0;
        }

        ByteBuffer slot(int len) {
            if (used + len > data.length) {
                byte[] n = new byte[Math.max(data.length * 2, used + len)];
                System.arraycopy(data, 0, n, 0, used);
                data = n;
            }
            if (count == offsets.length) {
                offsets = java.util.Arrays.copyOf(offsets, count * 2);
                lengths = java.util.Arrays.copyOf(lengths, count * 2);
            }
            offsets[count] = used;
            lengths[count] = len;
            return ByteBuffer.wrap(data, used, len);
        }

        void commit(int len) {
            used += len;
            count++;
        }
    }

    /**
     * Reads up to {@code maxRecords} records / about {@code maxBytes} bytes after the read
     * cursor into {@code batch}, waiting up to {@code timeoutMillis} for the first one. Returns
     * the number of records (0 on timeout). Advances the read cursor (not the ack).
     */
    public int poll(Batch batch, int maxRecords, int maxBytes, long timeoutMillis) throws InterruptedException {
        batch.clear();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    return 0;
                }
                readRecords(batch, maxRecords, maxBytes);
                batch.endPosition = position(readSegment, readOffset);
                if (batch.count > 0) {
                    return batch.count;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return 0;
                }
                dataAvailable.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    private void readRecords(Batch batch, int maxRecords, int maxBytes) {
        int bytes = 0;
        while (batch.count < maxRecords && bytes < maxBytes) {
            Long segSize = segments.get(readSegment);
            if (segSize == null) {
                Long next = segments.ceilingKey(readSegment);
                if (next == null) {
                    return;
                }
                readSegment = next;
                readOffset = 0;
                continue;
            }
            long size = segSize;
            boolean active = readSegment == writeSegment;
            if (readOffset >= size) {
                if (active) {
                    return;
                }
                readSegment++;
                readOffset = 0;
                continue;
            }
            Path file = segmentPath(readSegment);
            if (readOffset + HEADER > size) {
                reportCorrupt(file, readOffset, "torn record header (" + (size - readOffset)
                        + " bytes before end of segment), rest of segment skipped");
                readOffset = size;
                continue;
            }
            try {
                FileChannel ch = readChannel(readSegment);
                headerBuf.clear();
                readFully(ch, headerBuf, readOffset);
                int len = headerBuf.getInt(0);
                int sum = headerBuf.getInt(4);
                if (len < 0 || len > maxRecordBytes || readOffset + HEADER + len > size) {
                    reportCorrupt(file, readOffset, "bad record length " + (len & 0xFFFFFFFFL)
                            + " (segment has " + (size - readOffset - HEADER)
                            + " bytes left), rest of segment skipped");
                    readOffset = size;
                    continue;
                }
                ByteBuffer slot = batch.slot(len);
                readFully(ch, slot, readOffset + HEADER);
                crc.reset();
                crc.update(batch.data, batch.offsets[batch.count], len);
                if ((int) crc.getValue() != sum) {
                    reportCorrupt(file, readOffset, "checksum mismatch in record of " + len
                            + " bytes, record skipped");
                    readOffset += HEADER + len;
                    continue;
                }
                batch.commit(len);
                bytes += len;
                readOffset += HEADER + len;
            } catch (IOException e) {
                reportCorrupt(file, readOffset, "read failed (" + e.getMessage() + "), rest of segment skipped");
                readOffset = size;
            }
        }
    }

    private void reportCorrupt(Path file, long offset, String what) {
        corruptRecords++;
        errors.accept("spool: " + file + " offset " + offset + ": " + what);
    }

    private FileChannel readChannel(long seg) throws IOException {
        if (readChannelSegment != seg) {
            closeReadChannel();
            readChannel = FileChannel.open(segmentPath(seg), StandardOpenOption.READ);
            readChannelSegment = seg;
        }
        return readChannel;
    }

    private void closeReadChannel() {
        if (readChannel != null) {
            try {
                readChannel.close();
            } catch (IOException ignored) {
                // read-only channel
            }
            readChannel = null;
            readChannelSegment = -1;
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file at offset " + pos);
            }
            pos += n;
        }
    }

    /** Moves the read cursor back to the last acknowledged position (resend after a failure). */
    public void rewind() {
        lock.lock();
        try {
            readSegment = ackSegment;
            readOffset = ackOffset;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Acknowledges every record before {@code position} (from {@link Batch#endPosition}).
     * Deletes fully acknowledged segments and persists the ack file (see
     * {@link Builder#ackPersistMillis}). A failure to write the ack file (disk full) is
     * reported and retried on the next ack; it costs duplicates after a restart, never loss.
     */
    public void ack(long position) {
        lock.lock();
        try {
            long seg = segmentOf(position);
            long off = offsetOf(position);
            if (seg < ackSegment || (seg == ackSegment && off <= ackOffset)) {
                return;
            }
            // a position at the end of a closed segment is the start of the next one
            Long size = segments.get(seg);
            if (size != null && seg != writeSegment && off >= size) {
                Long next = segments.higherKey(seg);
                seg = next != null ? next : writeSegment;
                off = 0;
            }
            ackSegment = seg;
            ackOffset = off;
            // delete first: frees space when the disk is full (a crash before the ack file is
            // written only means resuming at the start of the oldest remaining segment)
            while (!segments.isEmpty() && segments.firstKey() < ackSegment
                    && segments.firstKey() != writeSegment) {
                deleteSegment(segments.firstKey());
            }
            long now = System.nanoTime();
            if (ackPersistNanos == 0 || now - lastAckPersistNanos >= ackPersistNanos) {
                try {
                    persistAck();
                    lastAckPersistNanos = now;
                } catch (IOException e) {
                    ackPersistFailures++;
                    if (ackPersistFailures == 1 || Long.bitCount(ackPersistFailures) == 1) {
                        errors.accept("spool: cannot write " + dir.resolve(ACK) + " (" + e.getMessage()
                                + "), will retry; " + ackPersistFailures + " failures so far");
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void persistAck() throws IOException {
        if (ackSegment == persistedAckSegment && ackOffset == persistedAckOffset) {
            return;
        }
        ByteBuffer bb = ByteBuffer.allocate(20);
        bb.putLong(ackSegment).putLong(ackOffset);
        CRC32C c = new CRC32C();
        c.update(bb.array(), 0, 16);
        bb.putInt((int) c.getValue()).flip();
        Path tmp = dir.resolve(ACK_TMP);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (bb.hasRemaining()) {
                ch.write(bb);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, dir.resolve(ACK), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir.resolve(ACK), StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // some file systems cannot fsync a directory
        }
        persistedAckSegment = ackSegment;
        persistedAckOffset = ackOffset;
    }

    /** fsyncs the active segment (records appended so far survive a power loss). */
    public void sync() throws IOException {
        lock.lock();
        try {
            writeChannel.force(false);
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- stats

    /** Records appended and not yet acknowledged, approximately: bytes of unacked data. */
    public long pendingBytes() {
        lock.lock();
        try {
            long n = 0;
            for (var e : segments.entrySet()) {
                if (e.getKey() > ackSegment) {
                    n += e.getValue();
                } else if (e.getKey() == ackSegment) {
                    n += e.getValue() - ackOffset;
                }
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** True when every appended record has been acknowledged. */
    public boolean isDrained() {
        return pendingBytes() == 0;
    }

    /** True when the read cursor has reached the end of the data (sent, maybe not acked). */
    public boolean readCaughtUp() {
        lock.lock();
        try {
            return readSegment == writeSegment && readOffset >= segments.getOrDefault(writeSegment, 0L);
        } finally {
            lock.unlock();
        }
    }

    public long totalBytes() { return locked(() -> totalBytes); }

    public long appendedRecords() { return locked(() -> appendedRecords); }

    public long droppedRecords() { return locked(() -> droppedRecords); }

    public long failedAppends() { return locked(() -> failedAppends); }

    /** The spool's directory (names the forward target in reports). */
    public Path dir() { return dir; }

    public long corruptRecords() { return locked(() -> corruptRecords); }

    public long ackPosition() { return locked(() -> position(ackSegment, ackOffset)); }

    public int segmentCount() { return locked(() -> (long) segments.size()).intValue(); }

    public Path directory() { return dir; }

    private Long locked(java.util.function.LongSupplier s) {
        lock.lock();
        try {
            return s.getAsLong();
        } finally {
            lock.unlock();
        }
    }

    /** Persists the ack, closes the files, and wakes a consumer blocked in {@link #poll}. */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            dataAvailable.signalAll();
            try {
                persistAck();
            } finally {
                closeReadChannel();
                writeChannel.close();
            }
        } finally {
            lock.unlock();
        }
    }
}
