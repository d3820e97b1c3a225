package io.crowsnest.decoders.stream;

import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.flow.Flow;

/**
 * TCP reassembly for one worker thread: per direction, tracks sequence numbers from the handshake (or from
 * the first packet with mid-stream pickup), delivers each new byte once and in order to a
 * {@link StreamConsumer}, buffers out-of-order segments (bounded per direction and by a memory cap), and
 * reports gaps.
 *
 * <p>Overlap policy: <b>first data wins</b> — bytes already delivered or already buffered are never
 * replaced by a later segment carrying different bytes for the same sequence range (Suricata's default
 * "bsd" policy behaves this way for the retransmissions and overlaps seen in practice; the rarer cases
 * where "bsd" prefers the new segment's head are not modelled). Retransmissions of delivered data are
 * dropped and counted.
 *
 * <p>Gaps: when the peer acknowledges bytes that were never seen (capture loss), the stream skips to the
 * first buffered segment (or to the acknowledged sequence number), counts a gap and tells the consumer.
 * When the per-direction out-of-order cap or the memory cap is hit the segment is dropped and counted, and
 * the hole is closed later by the same acknowledgement rule. Nothing grows without bound and no limit
 * throws.
 *
 * <p>Allocation: in-order data is delivered straight out of the packet; out-of-order bytes are copied into
 * pooled buffers; sessions live on their flows and are recycled with them.
 */
public final class TcpReassembler {
    private final StreamConfig config;
    private final StreamConsumer consumer;
    private final SegmentPool pool;
    private final StreamStats stats = new StreamStats();
    private Flow flow;

    public TcpReassembler(StreamConfig config, StreamConsumer consumer) {
        this.config = config;
        this.consumer = consumer;
        this.pool = new SegmentPool(config.memcap);
    }

    public StreamStats stats() {
        return stats;
    }

    /** Bytes of buffers in use (out-of-order segments and raw windows). */
    public long memoryInUse() {
        return pool.inUse();
    }

    /** The flow's session, created on first use. */
    public TcpSession session(Flow f) {
        TcpSession s = f.tcp;
        if (s == null) {
            s = new TcpSession();
            f.tcp = s;
        }
        s.pool = pool;
        return s;
    }

    /**
     * Processes one TCP packet of flow {@code f} (after the flow table placed it); {@code toServer} is its
     * direction. Data made available in order is handed to the consumer before this returns.
     */
    public void process(Packet p, Flow f, boolean toServer) {
        if (p.ipProto != 6 || p.l4Offset < 0) {
            return;
        }
        flow = f;
        TcpSession sess = session(f);
        if (!sess.counted) {
            sess.counted = true;
            stats.sessions++;
        }
        TcpStream s = sess.stream(toServer), o = sess.stream(!toServer);
        s.windowNew = 0;
        o.windowNew = 0;
        int fl = p.tcpFlags;
        boolean syn = (fl & 0x02) != 0, ack = (fl & 0x10) != 0, rst = (fl & 0x04) != 0, fin = (fl & 0x01) != 0;
        int seq = (int) p.tcpSeq;
        int len = p.payloadLength;
        if (syn) {
            if (!s.hasBase) {
                base(s, seq + 1);
            }
            if (ack && !o.hasBase) {
                base(o, (int) p.tcpAck);
            }
            if (len > 0 && s.hasBase && !s.closed && s.nextSeq == seq + 1) {
                // TCP fast open: data on the SYN (never once the direction ended: a retransmitted SYN/ACK
                // after a RST or FIN brings nothing new)
                insert(s, toServer, seq + 1, p.data, p.payloadOffset, len);
            }
            return;
        }
        if (!s.hasBase) {
            if (o.hasBase && ack && !o.closed && f.tcpState != Flow.TCP_NONE && !f.midstream) {
                // handshake seen from the other side only (SYN missing): take this side from the packet
                base(s, seq);
            } else if (config.midstream && f.midstream) {
                base(s, seq);
                stats.midstreamPickups++;
            } else {
                return; // not tracked: no handshake and no mid-stream pickup
            }
        }
        if (ack && o.hasBase) {
            int a = (int) p.tcpAck;
            if (!o.ackSeen || a - o.ackedSeq > 0) {
                o.ackSeen = true;
                o.ackedSeq = a;
            }
        }
        if (ack && o.hasBase && !o.closed) {
            checkAckedGap(o, !toServer, (int) p.tcpAck);
        }
        if (rst) {
            stats.resets++;
            close(s, toServer);
            close(o, !toServer);
            return;
        }
        if (s.closed) {
            return;
        }
        if (len > 0) {
            stats.segments++;
            insert(s, toServer, seq, p.data, p.payloadOffset, len);
        }
        if (fin && !s.finSeen) {
            s.finSeen = true;
            s.finSeq = seq + len;
        }
        if (s.finSeen && s.nextSeq == s.finSeq && s.head == null) {
            close(s, toServer);
        }
    }

    private void base(TcpStream s, int nextSeq) {
        s.hasBase = true;
        s.nextSeq = nextSeq;
        if (config.rawWindow > 0 && s.window == null) {
            s.window = pool.take(config.rawWindow);
            s.windowSize = s.window == null ? 0 : config.rawWindow;
        }
    }

    private void close(TcpStream s, boolean dir) {
        if (!s.closed && s.hasBase) {
            s.closed = true;
            consumer.closed(flow, dir);
        }
        s.closed = true;
    }

    /** The peer acknowledged bytes of {@code s} that were never seen: skip the hole. */
    private void checkAckedGap(TcpStream s, boolean dir, int ackSeq) {
        int limit = s.finSeen && s.nextSeq == s.finSeq ? s.nextSeq + 1 : s.nextSeq;
        if (ackSeq - limit <= 0 || s.depthReached) {
            return;
        }
        if (ackSeq - s.nextSeq > (1 << 30)) {
            return; // nonsense ack (or one far ahead of anything seen): ignore
        }
        int to = s.head != null && s.head.seq - ackSeq <= 0 ? s.head.seq : ackSeq;
        if (s.finSeen && to - s.finSeq > 0) {
            to = s.finSeq;
        }
        if (to - s.nextSeq <= 0) {
            return;
        }
        gap(s, dir, to);
        drain(s, dir);
    }

    private void gap(TcpStream s, boolean dir, int to) {
        long n = (to - s.nextSeq) & 0xFFFFFFFFL;
        s.nextSeq = to;
        stats.gaps++;
        stats.gapBytes += n;
        s.windowLen = 0;
        s.windowNew = 0;
        consumer.gap(flow, dir, n);
    }

    private void insert(TcpStream s, boolean dir, int seq, byte[] data, int off, int len) {
        if (s.depthReached) {
            return;
        }
        int rel = seq - s.nextSeq;
        if (rel + len <= 0) {
            stats.retransmissions++;
            return;
        }
        if (rel < 0) {
            stats.overlaps++;
            off -= rel;
            len += rel;
            seq = s.nextSeq;
            rel = 0;
        }
        if (rel == 0 && s.head == null) {
            deliver(s, dir, data, off, len);
        } else {
            if (rel > 0) {
                stats.outOfOrder++;
            }
            buffer(s, seq, data, off, len);
            drain(s, dir);
        }
        if (s.finSeen && s.nextSeq == s.finSeq && s.head == null) {
            close(s, dir);
        }
    }

    /** Adds the parts of [seq, seq+len) not buffered yet (first data wins), within the caps. */
    private void buffer(TcpStream s, int seq, byte[] data, int off, int len) {
        int end = seq + len;
        int pos = seq;
        Segment prev = null, cur = s.head;
        boolean overlapped = false;
        while (cur != null && pos - end < 0) {
            if (cur.end() - pos <= 0) {
                prev = cur;
                cur = cur.next;
                continue;
            }
            if (cur.seq - end >= 0) {
                break;
            }
            if (cur.seq - pos > 0) {
                Segment n = piece(s, pos, data, off + (pos - seq), cur.seq - pos);
                if (n == null) {
                    return;
                }
                prev = link(s, prev, n, cur);
            }
            overlapped = true;
            pos = cur.end() - end < 0 ? cur.end() : end;
            prev = cur;
            cur = cur.next;
        }
        if (pos - end < 0) {
            Segment n = piece(s, pos, data, off + (pos - seq), end - pos);
            if (n != null) {
                link(s, prev, n, cur);
            }
        }
        if (overlapped) {
            stats.overlaps++;
        }
    }

    private Segment piece(TcpStream s, int seq, byte[] data, int off, int len) {
        if (s.oooBytes + len > config.maxOutOfOrderBytes || s.segCount >= config.maxSegments) {
            stats.oooCapDrops++;
            return null;
        }
        // large pieces are split so that each fits one pooled buffer
        Segment first = null, last = null;
        while (len > 0) {
            int n = Math.min(len, 1 << 16);
            byte[] b = pool.take(n);
            if (b == null) {
                stats.memcapDrops++;
                break;
            }
            Segment seg = pool.segment();
            seg.seq = seq;
            seg.len = n;
            seg.buf = b;
            System.arraycopy(data, off, b, 0, n);
            s.oooBytes += n;
            s.segCount++;
            if (first == null) {
                first = seg;
            } else {
                last.next = seg;
            }
            last = seg;
            seq += n;
            off += n;
            len -= n;
        }
        return first;
    }

    /** Links the chain {@code n} between prev and next; returns the chain's tail. */
    private static Segment link(TcpStream s, Segment prev, Segment n, Segment next) {
        Segment tail = n;
        while (tail.next != null) {
            tail = tail.next;
        }
        tail.next = next;
        if (prev == null) {
            s.head = n;
        } else {
            prev.next = n;
        }
        return tail;
    }

    /** Delivers buffered segments that became in order. */
    private void drain(TcpStream s, boolean dir) {
        Segment h;
        while ((h = s.head) != null && h.seq - s.nextSeq <= 0) {
            s.head = h.next;
            s.segCount--;
            s.oooBytes -= h.len;
            int skip = s.nextSeq - h.seq;
            if (skip < h.len && !s.depthReached) {
                deliver(s, dir, h.buf, skip, h.len - skip);
            }
            pool.release(h);
        }
    }

    private void deliver(TcpStream s, boolean dir, byte[] b, int off, int len) {
        long room = config.depth - s.delivered;
        if (room <= 0) {
            markDepth(s);
            return;
        }
        if (len > room) {
            len = (int) room;
        }
        s.nextSeq += len;
        s.delivered += len;
        stats.bytesDelivered += len;
        s.appendWindow(b, off, len);
        consumer.data(flow, dir, b, off, len);
        if (s.delivered >= config.depth) {
            markDepth(s);
        }
    }

    private void markDepth(TcpStream s) {
        if (!s.depthReached) {
            s.depthReached = true;
            stats.depthReached++;
            Segment h = s.head;
            while (h != null) {
                Segment n = h.next;
                pool.release(h);
                h = n;
            }
            s.head = null;
            s.segCount = 0;
            s.oooBytes = 0;
        }
    }
}
