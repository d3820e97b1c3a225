package io.crowsnest.decoders.flow;

import io.crowsnest.decoders.Packet;

/**
 * The flows of one worker thread: a chained hash table over a bounded pool of {@link Flow}s,
 * with an LRU list for timeouts and for eviction when the cap is hit.
 *
 * <p>Single-threaded by design: flows are pinned to one worker by {@link Packet#flowHash}, so
 * the table is never shared and needs no locks or memory fences. Flows are allocated lazily
 * up to {@code maxFlows} and then recycled; in steady state {@link #process} allocates nothing.
 *
 * <p>Semantics follow Suricata's flow engine where rules observe them: the client is the
 * sender of the first packet (for TCP, a first-seen SYN/ACK makes its receiver the client);
 * a non-TCP flow is established once both directions were seen (including the packet that
 * completes that); a TCP flow is established for packets after the one that completed the
 * three-way handshake, or from the first packet when mid-stream pickup is on.
 */
public final class FlowTable {
    /** Why a flow left the table (flow records' end reason). */
    public static final int END_TIMEOUT = 1, END_EVICTED = 2, END_REUSED = 3, END_SHUTDOWN = 4;

    /** Told about every flow just before it leaves the table (its fields are still intact). */
    @FunctionalInterface
    public interface EndListener {
        void ended(Flow f, int reason);
    }

    /**
     * A flow moves to the LRU tail at most once per this interval. Moving it on every packet
     * rewrote three flows' links (two of them cold cache lines) per packet; with one move per
     * second the list is ordered to within a second, which is all timeouts of 10 s and more and
     * cap evictions need.
     */
    static final long LRU_GRANULARITY_NANOS = 1_000_000_000L;

    private final FlowTableConfig config;
    private final Flow[] buckets;
    private final int mask;
    private Flow freeList;
    private int allocated;
    private int active;
    private Flow lruHead, lruTail;
    private Flow current;
    /** The flow of the previous packet (null once released), checked before the bucket walk. */
    private Flow last;
    private long nextFlowId;
    private EndListener endListener;

    // counters (read by the owning thread or after it stopped)
    private long flowsCreated;
    private long flowsTimedOut;
    private long flowsEvicted;
    private long flowsReused;

    public FlowTable(FlowTableConfig config, int workerId) {
        this.config = config;
        int size = Integer.highestOneBit(Math.max(16, config.maxFlows) * 2 - 1);
        this.buckets = new Flow[size];
        this.mask = size - 1;
        // Flow ids: worker id in the high bits keeps them unique across workers without sharing
        // a counter; 51 bits total stay exact in JSON consumers that parse numbers as doubles.
        this.nextFlowId = ((long) (workerId & 0xFF) << 40) + 1;
    }

    /** Reports every flow that ends (timeout, eviction, port reuse, {@link #flushAll}); null: none. */
    public void onEnd(EndListener l) {
        this.endListener = l;
    }

    /** Times out the flows idle at {@code nowNanos} (a live clock tick: an idle link sends no packet to do it). */
    public void expireIdle(long nowNanos) {
        expire(nowNanos);
        current = null;
    }

    /** Ends every flow still in the table (end of input), reporting each with {@link #END_SHUTDOWN}. */
    public void flushAll() {
        while (lruHead != null) {
            end(lruHead, END_SHUTDOWN);
        }
        current = null;
    }

    private void end(Flow f, int reason) {
        if (endListener != null) {
            endListener.ended(f, reason);
        }
        release(f);
    }

    /** The flow of the last packet passed to {@link #process}, or null when it had none. */
    public Flow current() {
        return current;
    }

    /**
     * Finds or creates the packet's flow, updates its state and returns the packet's
     * {@link FlowFlags}. Returns 0 (and {@link #current()} null) for packets without IP.
     */
    public int process(Packet p) {
        current = null;
        if (p.ipVersion == 0) {
            return 0;
        }
        long now = p.tsSeconds * 1_000_000_000L + p.tsNanos;
        expire(now);

        int hash = p.flowHash;
        int vlan = p.vlanCount > 0 ? p.vlanIds[0] : 0;
        int bucket = mix(hash) & mask;
        // Packets of one flow often come back to back (the segments of a response): try the
        // previous packet's flow before the bucket walk, whose loads usually miss the cache.
        Flow f = last;
        boolean toServer = true;
        int match = f != null && f.hash == hash ? matches(f, p, vlan) : 0;
        if (match == 0) {
            f = buckets[bucket];
            while (f != null) {
                if (f.hash == hash && (match = matches(f, p, vlan)) != 0) {
                    break;
                }
                f = f.nextInBucket;
            }
        }
        toServer = match != 2;
        if (f != null && reusedPort(f, p)) {
            // TCP port reuse: a fresh SYN on a flow that already closed is a new session
            // (Suricata's session reuse), not more data for the old one's reassembly.
            end(f, END_REUSED);
            flowsReused++;
            f = null;
        }
        if (f == null) {
            f = newFlow(p, hash, vlan, bucket, now);
            toServer = f.clientPort == p.srcPort && f.clientHi == p.srcHi && f.clientLo == p.srcLo;
        } else if (now - f.lruTouchedNanos > LRU_GRANULARITY_NANOS) {
            touch(f, now);
        }
        current = f;
        last = f;
        f.lastSeenNanos = now;
        return update(f, p, toServer);
    }

    private static boolean reusedPort(Flow f, Packet p) {
        return f.proto == 6 && (p.tcpFlags & 0x17) == 0x02 // SYN without ACK/RST/FIN
                && (f.tcpState == Flow.TCP_CLOSING || f.tcpState == Flow.TCP_CLOSED);
    }

    /** 1 when {@code p} goes client to server on flow {@code f}, 2 when server to client, 0 when not f's. */
    private static int matches(Flow f, Packet p, int vlan) {
        if (f.proto != p.ipProto || f.vlanId != vlan || f.tunnelId != p.tunnelId) {
            return 0;
        }
        if (f.clientPort == p.srcPort && f.serverPort == p.dstPort
                && f.clientHi == p.srcHi && f.clientLo == p.srcLo
                && f.serverHi == p.dstHi && f.serverLo == p.dstLo) {
            return 1;
        }
        if (f.clientPort == p.dstPort && f.serverPort == p.srcPort
                && f.clientHi == p.dstHi && f.clientLo == p.dstLo
                && f.serverHi == p.srcHi && f.serverLo == p.srcLo) {
            return 2;
        }
        return 0;
    }

    private int update(Flow f, Packet p, boolean toServer) {
        int flags = toServer ? FlowFlags.TO_SERVER : FlowFlags.TO_CLIENT;
        if (toServer) {
            if (!f.seenToServer) {
                flags |= FlowFlags.FIRST_IN_DIRECTION;
                f.seenToServer = true;
            }
            f.pktsToServer++;
            f.bytesToServer += p.wireLength;
            f.tcpFlagsToServer |= p.tcpFlags;
        } else {
            if (!f.seenToClient) {
                flags |= FlowFlags.FIRST_IN_DIRECTION;
                f.seenToClient = true;
            }
            f.pktsToClient++;
            f.bytesToClient += p.wireLength;
            f.tcpFlagsToClient |= p.tcpFlags;
        }
        if (f.proto == 6) {
            // Established is decided before this packet updates the TCP state (as Suricata's
            // flow engine sets FLOW_PKT_ESTABLISHED before the stream engine runs).
            if (f.tcpState == Flow.TCP_ESTABLISHED || f.tcpState == Flow.TCP_CLOSING) {
                flags |= FlowFlags.ESTABLISHED;
            }
            trackTcp(f, p, toServer);
            if (f.tcpState == Flow.TCP_ESTABLISHED && config.midstream && f.midstream) {
                flags |= FlowFlags.ESTABLISHED;
            }
        } else if (f.seenToServer && f.seenToClient) {
            flags |= FlowFlags.ESTABLISHED;
        }
        return flags;
    }

    private void trackTcp(Flow f, Packet p, boolean toServer) {
        int fl = p.tcpFlags;
        boolean syn = (fl & 0x02) != 0, ack = (fl & 0x10) != 0, rst = (fl & 0x04) != 0, fin = (fl & 0x01) != 0;
        if (rst) {
            f.tcpState = Flow.TCP_CLOSED;
            return;
        }
        switch (f.tcpState) {
            case Flow.TCP_NONE:
                if (syn && !ack && toServer) {
                    f.tcpState = Flow.TCP_SYN_SENT;
                } else if (syn && ack && !toServer) {
                    f.tcpState = Flow.TCP_SYN_RECV;
                } else if (config.midstream && !syn) {
                    f.tcpState = Flow.TCP_ESTABLISHED;
                    f.midstream = true;
                }
                break;
            case Flow.TCP_SYN_SENT:
                if (syn && ack && !toServer) {
                    f.tcpState = Flow.TCP_SYN_RECV;
                }
                break;
            case Flow.TCP_SYN_RECV:
                if (ack && !syn && toServer) {
                    f.tcpState = Flow.TCP_ESTABLISHED;
                }
                break;
            case Flow.TCP_ESTABLISHED:
                if (fin) {
                    f.tcpState = Flow.TCP_CLOSING;
                }
                break;
            case Flow.TCP_CLOSING:
                // stays closing until the flow times out; FIN/ACK teardown needs no more state here
                break;
            default:
                break;
        }
    }

    private Flow newFlow(Packet p, int hash, int vlan, int bucket, long now) {
        Flow f = obtain(now);
        f.hash = hash;
        f.proto = p.ipProto;
        f.ipVersion = p.ipVersion;
        f.vlanId = vlan;
        f.tunnelId = p.tunnelId;
        // A flow first seen at its SYN/ACK belongs to the host that sent the SYN.
        boolean reversed = p.ipProto == 6 && (p.tcpFlags & 0x12) == 0x12;
        if (reversed) {
            f.clientHi = p.dstHi; f.clientLo = p.dstLo; f.clientPort = p.dstPort;
            f.serverHi = p.srcHi; f.serverLo = p.srcLo; f.serverPort = p.srcPort;
        } else {
            f.clientHi = p.srcHi; f.clientLo = p.srcLo; f.clientPort = p.srcPort;
            f.serverHi = p.dstHi; f.serverLo = p.dstLo; f.serverPort = p.dstPort;
        }
        f.flowId = nextFlowId++;
        f.firstSeenNanos = now;
        f.inUse = true;
        f.nextInBucket = buckets[bucket];
        buckets[bucket] = f;
        f.lruTouchedNanos = now;
        lruAppend(f);
        active++;
        flowsCreated++;
        return f;
    }

    private Flow obtain(long now) {
        if (freeList != null) {
            Flow f = freeList;
            freeList = f.nextInBucket;
            f.nextInBucket = null;
            return f;
        }
        if (allocated < config.maxFlows) {
            allocated++;
            return new Flow(config.flowbitWords, config.flowintCount);
        }
        // Cap hit: evict the least recently used flow (counted, reported in the summary).
        Flow victim = lruHead;
        end(victim, END_EVICTED);
        flowsEvicted++;
        Flow f = freeList;
        freeList = f.nextInBucket;
        f.nextInBucket = null;
        return f;
    }

    private void expire(long now) {
        Flow f = lruHead;
        // The LRU head is the flow idle the longest; stop at the first that is still alive.
        while (f != null && now - f.lastSeenNanos > timeoutNanos(f)) {
            Flow next = f.lruNext;
            end(f, END_TIMEOUT);
            flowsTimedOut++;
            f = next;
        }
    }

    private long timeoutNanos(Flow f) {
        boolean est = f.proto == 6 ? f.tcpState == Flow.TCP_ESTABLISHED : f.seenToServer && f.seenToClient;
        if (f.proto == 6 && (f.tcpState == Flow.TCP_CLOSED || f.tcpState == Flow.TCP_CLOSING)) {
            return config.closedTimeoutNanos;
        }
        return est ? config.establishedTimeoutNanos : config.newTimeoutNanos;
    }

    private void release(Flow f) {
        int bucket = mix(f.hash) & mask;
        Flow prev = null;
        for (Flow c = buckets[bucket]; c != null; prev = c, c = c.nextInBucket) {
            if (c == f) {
                if (prev == null) {
                    buckets[bucket] = c.nextInBucket;
                } else {
                    prev.nextInBucket = c.nextInBucket;
                }
                break;
            }
        }
        lruRemove(f);
        if (last == f) {
            last = null;
        }
        f.clear();
        f.inUse = false;
        f.nextInBucket = freeList;
        freeList = f;
        active--;
    }

    private void touch(Flow f, long now) {
        f.lruTouchedNanos = now;
        if (lruTail != f) {
            lruRemove(f);
            lruAppend(f);
        }
    }

    private void lruAppend(Flow f) {
        f.lruPrev = lruTail;
        f.lruNext = null;
        if (lruTail != null) {
            lruTail.lruNext = f;
        } else {
            lruHead = f;
        }
        lruTail = f;
    }

    private void lruRemove(Flow f) {
        if (f.lruPrev != null) {
            f.lruPrev.lruNext = f.lruNext;
        } else {
            lruHead = f.lruNext;
        }
        if (f.lruNext != null) {
            f.lruNext.lruPrev = f.lruPrev;
        } else {
            lruTail = f.lruPrev;
        }
        f.lruPrev = f.lruNext = null;
    }

    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return h;
    }

    public int activeFlows() {
        return active;
    }

    public long flowsCreated() {
        return flowsCreated;
    }

    public long flowsTimedOut() {
        return flowsTimedOut;
    }

    /** TCP flows replaced by a new session on the same 5-tuple (a SYN after the old one closed). */
    public long flowsReused() {
        return flowsReused;
    }

    /** Flows dropped because the table was full (the cap was hit). */
    public long flowsEvicted() {
        return flowsEvicted;
    }
}
